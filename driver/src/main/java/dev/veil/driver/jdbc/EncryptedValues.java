package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.Conversions;
import dev.veil.driver.codec.StoredCiphertext;
import dev.veil.driver.sql.Target;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Calendar;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * The encrypted columns of one result and their values in the current row: where they are (resolved once, in
 * {@link ResultSets}), the stored ciphertext read in the column's form ({@link StoredCiphertext}), decrypted at most
 * once per row ({@link DecryptedRow}) with one key lookup per column per result, and converted to what a getter asks
 * for, as pgjdbc would convert the written value. {@link VeilResultSet} asks {@link #plain} first and comes here
 * only for an encrypted column.
 *
 * <p>Also the result's gate: a result Veil must not read ({@code broken}: its columns moved since the plan was made)
 * or an updatable one ({@code updateXxx} would store plaintext) is refused on the first move or read.
 * Not thread-safe (a ResultSet is not).
 */
final class EncryptedValues {

    /** Stands in {@code targets} for a hidden column Veil appended (row filter or row key): not the application's. */
    static final Target HIDDEN = new Target(null, null, null);

    private final ResultSet driver;
    /** Index i holds the target of column i+1: null for a plain column, {@link #HIDDEN} for a hidden one. */
    private final Target[] targets;
    /** Hidden row-key columns start after this 1-based column; 0 when row keys are read at absolute positions. */
    private final int keysAfter;
    /** Per encrypted column, the key kept for this result (created on first read; shared by columns of one key). */
    private final ColumnCipher.Reader[] readers;
    /** The current row's decrypted values: each is decrypted at most once per row. */
    private final DecryptedRow row;
    private final SQLException broken;
    /** The statement's kept parameter values a projection reads ({@code COALESCE(col, ?)}); null when none. */
    private final Object[] parameters;
    private boolean gated;
    /** The last getter was answered from {@link #row}, without reading the driver's row: a non-null value. */
    private boolean answeredFromRow;
    /** Row binding: the key last encoded, for which key source and row (0: unknown). */
    private Object keySource;
    private int keyRow;
    private byte[] keyOfRow;

    /**
     * @param targets index i holds the target of column i+1 (see {@link #targets})
     * @param keysAfter where hidden row-key columns start (see {@link #keysAfter})
     * @param broken when not null, the reason this result must not be read; thrown on the first move or read
     */
    EncryptedValues(ResultSet driver, Target[] targets, int keysAfter, SQLException broken, Object[] parameters) {
        this.driver = driver;
        this.parameters = parameters;
        this.targets = targets;
        this.keysAfter = keysAfter;
        this.readers = new ColumnCipher.Reader[targets.length];
        this.row = new DecryptedRow(targets.length);
        this.broken = broken;
    }

    /** Whether 1-based {@code column} is read from the driver as is (the fast path); notes whose wasNull counts. */
    boolean plain(int column) {
        answeredFromRow = false;
        return column > targets.length || column < 1 || targets[column - 1] == null;
    }

    /** Refuses a result that must not be read; checked once, before the first move or read. */
    void gate() throws SQLException {
        if (gated) {
            return;
        }
        if (broken != null) {
            throw VeilSqlState.SCHEMA_MISMATCH.exception(broken.getMessage());
        }
        if (driver.getConcurrency() == ResultSet.CONCUR_UPDATABLE) {
            throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil refuses updatable result sets over encrypted "
                    + "columns: updateXxx would store plaintext. Use a read-only result set and write with UPDATE");
        }
        gated = true;
    }

    /** Before a cursor move: gates, and forgets the row's decrypted values. */
    void moving() throws SQLException {
        gate();
        row.clear();
    }

    /** Forgets the row's decrypted values ({@code moveToCurrentRow}, {@code refreshRow}, {@code close}). */
    void forget() {
        row.clear();
    }

    boolean wasNull() throws SQLException {
        return !answeredFromRow && driver.wasNull();
    }

    /** The decrypted value of an encrypted column, or null for SQL NULL; decrypted once per row. */
    Object value(int column) throws SQLException {
        gate();
        Target t = targets[column - 1];
        if (t == HIDDEN) {
            throw VeilSqlState.UNDEFINED_COLUMN.exception("The column index is out of range: " + column
                    + ", number of columns: " + (column - 1 - hiddenBefore(column)) + ".");
        }
        Object kept = row.get(column);
        if (kept != null) {
            answeredFromRow = true;
            return kept;
        }
        Object stored = StoredCiphertext.read(driver, column, t.storage());
        if (stored == null) {
            return t.projection() == null ? null : projected(column, t, null);
        }
        ColumnCipher.Reader r = readers[column - 1]; // one key lookup per table key per result, not per value
        if (r == null) {
            r = t.reader(readers);
            readers[column - 1] = r;
        }
        Object v = t.rowBinding() == null ? r.decrypt(stored) : t.decrypt(r, stored, rowKey(t));
        return t.projection() != null ? projected(column, t, v) : v == null ? null : row.put(column, v);
    }

    /** A projection's value ({@code ssn::text}, {@code COALESCE(ssn, ?)}) from the decrypted one, kept for the row. */
    private Object projected(int column, Target t, Object decrypted) throws SQLException {
        Object v = t.projection().apply(decrypted, parameters, t.column().qualified());
        answeredFromRow = v != null; // COALESCE over a stored NULL: a value, so wasNull() is false
        return v == null ? null : row.put(column, v);
    }

    /**
     * The result's metadata when a column is a projection (PostgreSQL's label and type); null when none is.
     * {@code visible}: the application's leading columns ({@link Integer#MAX_VALUE}: all).
     */
    java.sql.ResultSetMetaData projectedMetaData(java.sql.ResultSetMetaData raw, int visible) {
        return raw != null && ProjectedMetaData.any(targets)
                ? new ProjectedMetaData(raw, targets, visible == Integer.MAX_VALUE ? -1 : visible) : null;
    }

    /** How many hidden columns precede {@code column} (itself hidden): the application sees the ones before. */
    private int hiddenBefore(int column) {
        int n = 0;
        for (int c = column - 1; c >= 1 && targets[c - 1] == HIDDEN; c--) {
            n++;
        }
        return n;
    }

    /** Row binding: the current row's key, encoded once per row for the values of one table reference. */
    private byte[] rowKey(Target t) throws SQLException {
        int at = driver.getRow();
        if (t.rowKey() != keySource || at != keyRow || at == 0) {
            keyOfRow = t.rowKeyOf(driver, keysAfter);
            keySource = t.rowKey();
            keyRow = at;
        }
        return keyOfRow;
    }

    <T> T as(int column, Class<T> type) throws SQLException {
        return convert(column, value(column), type);
    }

    private <T> T convert(int column, Object v, Class<T> type) throws SQLException {
        if (v == null) {
            return null;
        }
        try {
            return Conversions.to(v, type);
        } catch (Conversions.ConversionException e) {
            throw VeilSqlState.CONVERSION.exception("cannot read encrypted column " + name(column) + " as "
                    + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    String string(int column) throws SQLException {
        Object v = value(column);
        return v == null ? null : Conversions.asString(v);
    }

    boolean asBoolean(int column) throws SQLException {
        Boolean v = as(column, Boolean.class);
        return v != null && v;
    }

    byte asByte(int column) throws SQLException {
        Byte v = as(column, Byte.class);
        return v == null ? 0 : v;
    }

    short asShort(int column) throws SQLException {
        Short v = as(column, Short.class);
        return v == null ? 0 : v;
    }

    int asInt(int column) throws SQLException {
        Integer v = as(column, Integer.class);
        return v == null ? 0 : v;
    }

    long asLong(int column) throws SQLException {
        Long v = as(column, Long.class);
        return v == null ? 0 : v;
    }

    float asFloat(int column) throws SQLException {
        Float v = as(column, Float.class);
        return v == null ? 0 : v;
    }

    double asDouble(int column) throws SQLException {
        Double v = as(column, Double.class);
        return v == null ? 0 : v;
    }

    BigDecimal decimal(int column, int scale) throws SQLException {
        BigDecimal v = as(column, BigDecimal.class);
        return v == null ? null : v.setScale(scale, RoundingMode.HALF_EVEN);
    }

    Date date(int column, Calendar cal) throws SQLException {
        LocalDate v = as(column, LocalDate.class);
        return v == null ? null : Temporals.date(v, cal);
    }

    Time time(int column, Calendar cal) throws SQLException {
        LocalTime v = as(column, LocalTime.class);
        return v == null ? null : Temporals.time(v, cal);
    }

    Timestamp timestamp(int column, Calendar cal) throws SQLException {
        Object v = value(column);
        if (v == null) {
            return null;
        }
        if (v instanceof OffsetDateTime || v instanceof Instant) {
            return Timestamp.from(convert(column, v, Instant.class));
        }
        return Temporals.timestamp(convert(column, v, LocalDateTime.class), cal);
    }

    /** The value's text as a stream of {@code charset} bytes ({@code getAsciiStream}, {@code getUnicodeStream}). */
    InputStream textStream(int column, Charset charset) throws SQLException {
        String v = string(column);
        return v == null ? null : new ByteArrayInputStream(v.getBytes(charset));
    }

    InputStream binaryStream(int column) throws SQLException {
        byte[] v = as(column, byte[].class);
        return v == null ? null : new ByteArrayInputStream(v);
    }

    Reader reader(int column) throws SQLException {
        String v = string(column);
        return v == null ? null : new StringReader(v);
    }

    Blob blob(int column) throws SQLException {
        byte[] v = as(column, byte[].class);
        return v == null ? null : new SerialBlob(v);
    }

    Clob clob(int column) throws SQLException {
        String v = string(column);
        return v == null ? null : new SerialClob(v.toCharArray());
    }

    /** A getter no encrypted value converts to ({@code getRef}, {@code getArray}, …): null for NULL, else refused. */
    <T> T unsupported(int column, String kind) throws SQLException {
        if (value(column) == null) {
            return null;
        }
        throw VeilSqlState.CONVERSION.exception("encrypted column " + name(column) + " cannot be read as " + kind
                + "; read it with getObject or getString");
    }

    private String name(int column) {
        return targets[column - 1].column().qualified();
    }
}
