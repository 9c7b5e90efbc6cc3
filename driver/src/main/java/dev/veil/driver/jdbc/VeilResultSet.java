package dev.veil.driver.jdbc;

import dev.veil.driver.VeilSqlState;
import dev.veil.driver.codec.Conversions;
import dev.veil.driver.sql.RowFilter;
import dev.veil.driver.sql.Target;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * A result with encrypted columns. Each value getter takes the fast path for a plain column
 * ({@code targets[i] == null}: forward), and for an encrypted one reads the stored ciphertext, decrypts it and
 * converts the written value to what the getter asks for, as pgjdbc would. Label getters resolve the label once
 * through the driver and take the index path.
 *
 * <p>Updatable results are refused: {@code updateXxx} would write plaintext into an encrypted column. Write
 * with UPDATE instead. The check runs before the first row is reached.
 *
 * <p>A plain column's value goes through {@link GuardedResultSet} (never Veil ciphertext from a relation Veil does
 * not know). Generated from a table of getters; each override is one line of dispatch.
 */
public class VeilResultSet extends GuardedResultSet {

    private final Target[] targets;
    /** Per encrypted column, the key kept for this result (created on first read). */
    private final dev.veil.driver.codec.ColumnCipher.Reader[] readers;
    private final SQLException broken;
    private boolean gated;
    /** Columns the application sees; trailing ones beyond hold Veil's row-filter values. -1: all. */
    private final int visible;
    private final RowFilter[] filters;
    private final Object[] parameters;
    /** The current row's decrypted values: each is decrypted at most once per row. */
    private final DecryptedRow row;
    /** The last getter was answered from {@link #row}, without reading the driver's row: a non-null value. */
    private boolean answeredFromRow;
    /** Row binding: the key last encoded, for which key source and row (0: unknown). */
    private Object keySource;
    private int keyRow;
    private byte[] keyOfRow;

    /**
     * @param targets index i holds the target of column i+1, or null for a plain column
     * @param broken when not null, the reason this result must not be read; thrown on the first move
     */
    VeilResultSet(DelegatingStatement statement, ResultSet delegate, Target[] targets, SQLException broken) {
        this(statement, delegate, targets, broken, -1, null, null);
    }

    /**
     * A result whose rows are filtered after decryption (a truncated blind index): {@code visible} columns are
     * the application's, the ones after them hold the compared columns' ciphertexts for {@code filters}.
     */
    VeilResultSet(DelegatingStatement statement, ResultSet delegate, Target[] targets, SQLException broken,
            int visible, RowFilter[] filters, Object[] parameters) {
        super(statement, delegate);
        this.targets = targets;
        this.readers = new dev.veil.driver.codec.ColumnCipher.Reader[targets.length];
        this.broken = broken;
        this.visible = visible;
        this.filters = filters;
        this.parameters = parameters;
        this.row = new DecryptedRow(targets.length);
    }

    /** Whether the current row passes every row filter. */
    private boolean accepted() throws SQLException {
        for (RowFilter f : filters) {
            Target t = f.target();
            int column = visible + 1 + f.hiddenIndex();
            Object stored = t.storage() == dev.veil.driver.codec.ColumnCipher.Storage.BINARY
                    ? delegate.getBytes(column) : delegate.getString(column);
            if (!f.accepts(stored == null ? null : t.decrypt(t.reader(), stored, delegate, visible), parameters)) {
                return false;
            }
        }
        return true;
    }

    private void forwardOnly(String move) throws SQLException {
        if (filters != null) {
            throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil filters the rows of this result after "
                    + "decryption (a truncated blind index), so it can only be read forward with next(), not with "
                    + move);
        }
    }

    @Override
    protected java.sql.ResultSetMetaData wrapMetaData(java.sql.ResultSetMetaData raw) {
        if (ProjectedMetaData.any(targets)) {
            return new ProjectedMetaData(raw, targets, visible);
        }
        if (visible < 0) {
            return super.wrapMetaData(raw);
        }
        return new DelegatingResultSetMetaData(raw) {
            @Override
            public int getColumnCount() {
                return visible;
            }
        };
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        int i = delegate.findColumn(columnLabel);
        if (visible >= 0 && i > visible) {
            throw VeilSqlState.UNDEFINED_COLUMN.exception("The column name " + columnLabel
                    + " was not found in this ResultSet.");
        }
        return i;
    }

    private Target target(int column) {
        answeredFromRow = false;
        return column <= targets.length && column > 0 ? targets[column - 1] : null;
    }

    private void gate() throws SQLException {
        if (gated) {
            return;
        }
        if (broken != null) {
            throw VeilSqlState.SCHEMA_MISMATCH.exception(broken.getMessage());
        }
        if (delegate.getConcurrency() == ResultSet.CONCUR_UPDATABLE) {
            throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil refuses updatable result sets over encrypted "
                    + "columns: updateXxx would store plaintext. Use a read-only result set and write with UPDATE");
        }
        gated = true;
    }

    /** The decrypted value of an encrypted column, or null for SQL NULL; decrypted once per row. */
    private Object value(int column, Target t) throws SQLException {
        gate();
        Object kept = row.get(column);
        if (kept != null) {
            answeredFromRow = true;
            return kept;
        }
        Object stored = t.storage() == dev.veil.driver.codec.ColumnCipher.Storage.BINARY
                ? delegate.getBytes(column) : delegate.getString(column);
        if (stored == null) {
            return t.projection() == null ? null : projected(column, t, null);
        }
        // one key lookup per column per result, not per value
        dev.veil.driver.codec.ColumnCipher.Reader r = readers[column - 1];
        if (r == null) {
            r = t.reader();
            readers[column - 1] = r;
        }
        Object v = t.rowBinding() == null ? r.decrypt(stored) : t.decrypt(r, stored, rowKey(t));
        return t.projection() != null ? projected(column, t, v) : v == null ? null : row.put(column, v);
    }

    /** A projection's value (ssn::text, COALESCE(ssn, ?)) from the decrypted one, kept for the row. */
    private Object projected(int column, Target t, Object decrypted) throws SQLException {
        Object v = t.projection().apply(decrypted, parameters, t.column().qualified());
        answeredFromRow = v != null; // COALESCE over a stored NULL: a value, so wasNull() is false
        return v == null ? null : row.put(column, v);
    }

    /** Row binding: the current row's key, encoded once per row for the values of one table reference. */
    private byte[] rowKey(Target t) throws SQLException {
        int at = delegate.getRow();
        if (t.rowKey() != keySource || at != keyRow || at == 0) {
            keyOfRow = t.rowKeyOf(delegate, visible < 0 ? 0 : visible);
            keySource = t.rowKey();
            keyRow = at;
        }
        return keyOfRow;
    }

    private <T> T as(int column, Object v, Class<T> type) throws SQLException {
        try {
            return Conversions.to(v, type);
        } catch (Conversions.ConversionException e) {
            throw VeilSqlState.CONVERSION.exception("cannot read encrypted column " + target(column).column().qualified()
                    + " as " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    private Timestamp timestampIn(int column, Object v, Calendar cal) throws SQLException {
        if (v instanceof java.time.OffsetDateTime || v instanceof java.time.Instant) {
            return Timestamp.from(as(column, v, java.time.Instant.class));
        }
        return Temporals.timestamp(as(column, v, java.time.LocalDateTime.class), cal);
    }

    private <T> T unsupported(int column, String kind) throws SQLException {
        throw VeilSqlState.CONVERSION.exception("encrypted column " + target(column).column().qualified()
                + " cannot be read as " + kind + "; read it with getObject or getString");
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getObject(columnIndex, type);
        }
        Object v = value(columnIndex, t);
        return v == null ? null : as(columnIndex, v, type);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return getObject(findColumn(columnLabel), type);
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getString(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : Conversions.asString(v);
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getBoolean(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? false : as(i, v, Boolean.class);
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        return getBoolean(findColumn(columnLabel));
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getByte(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? 0 : as(i, v, Byte.class);
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        return getByte(findColumn(columnLabel));
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getShort(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? 0 : as(i, v, Short.class);
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        return getShort(findColumn(columnLabel));
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getInt(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? 0 : as(i, v, Integer.class);
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return getInt(findColumn(columnLabel));
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getLong(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? 0 : as(i, v, Long.class);
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getFloat(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? 0 : as(i, v, Float.class);
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        return getFloat(findColumn(columnLabel));
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getDouble(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? 0 : as(i, v, Double.class);
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        return getDouble(findColumn(columnLabel));
    }

    @Deprecated
    @Override
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getBigDecimal(columnIndex, scale);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : as(i, v, BigDecimal.class).setScale(scale, RoundingMode.HALF_EVEN);
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        return getBigDecimal(findColumn(columnLabel), scale);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getBytes(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : as(i, v, byte[].class);
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return getBytes(findColumn(columnLabel));
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getDate(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : as(i, v, Date.class);
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        return getDate(findColumn(columnLabel));
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getTime(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : as(i, v, Time.class);
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        return getTime(findColumn(columnLabel));
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getTimestamp(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : as(i, v, Timestamp.class);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        return getTimestamp(findColumn(columnLabel));
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getAsciiStream(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new ByteArrayInputStream(Conversions.asString(v).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        return getAsciiStream(findColumn(columnLabel));
    }

    @Deprecated
    @Override
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getUnicodeStream(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new ByteArrayInputStream(Conversions.asString(v).getBytes(StandardCharsets.UTF_8));
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return getUnicodeStream(findColumn(columnLabel));
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getBinaryStream(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new ByteArrayInputStream(as(i, v, byte[].class));
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        return getBinaryStream(findColumn(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getObject(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : v;
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getCharacterStream(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new StringReader(Conversions.asString(v));
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        return getCharacterStream(findColumn(columnLabel));
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getBigDecimal(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : as(i, v, BigDecimal.class);
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        return getBigDecimal(findColumn(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getObject(columnIndex, map);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : v;
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(columnLabel), map);
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getRef(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : unsupported(i, "Ref");
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        return getRef(findColumn(columnLabel));
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getBlob(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new SerialBlob(as(i, v, byte[].class));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return getBlob(findColumn(columnLabel));
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getClob(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new SerialClob(Conversions.asString(v).toCharArray());
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return getClob(findColumn(columnLabel));
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getArray(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : unsupported(i, "Array");
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return getArray(findColumn(columnLabel));
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getDate(columnIndex, cal);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : Temporals.date(as(i, v, java.time.LocalDate.class), cal);
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        return getDate(findColumn(columnLabel), cal);
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getTime(columnIndex, cal);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : Temporals.time(as(i, v, java.time.LocalTime.class), cal);
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        return getTime(findColumn(columnLabel), cal);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getTimestamp(columnIndex, cal);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : timestampIn(i, v, cal);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(columnLabel), cal);
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getURL(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : unsupported(i, "URL");
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        return getURL(findColumn(columnLabel));
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getRowId(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : unsupported(i, "RowId");
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        return getRowId(findColumn(columnLabel));
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getNClob(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : unsupported(i, "NClob");
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        return getNClob(findColumn(columnLabel));
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return delegate.getSQLXML(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : unsupported(i, "SQLXML");
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        return getSQLXML(findColumn(columnLabel));
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getNString(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : Conversions.asString(v);
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return getNString(findColumn(columnLabel));
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        Target t = target(columnIndex);
        if (t == null) {
            return super.getNCharacterStream(columnIndex);
        }
        Object v = value(columnIndex, t);
        int i = columnIndex;
        return v == null ? null : new StringReader(Conversions.asString(v));
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        return getNCharacterStream(findColumn(columnLabel));
    }

    @Override
    public boolean next() throws SQLException {
        gate();
        row.clear();
        if (filters == null) {
            return delegate.next();
        }
        while (delegate.next()) {
            if (accepted()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean previous() throws SQLException {
        gate();
        row.clear();
        forwardOnly("previous()");
        return delegate.previous();
    }

    @Override
    public boolean first() throws SQLException {
        gate();
        row.clear();
        forwardOnly("first()");
        return delegate.first();
    }

    @Override
    public boolean last() throws SQLException {
        gate();
        row.clear();
        forwardOnly("last()");
        return delegate.last();
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        gate();
        this.row.clear();
        forwardOnly("absolute()");
        return delegate.absolute(row);
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        gate();
        row.clear();
        forwardOnly("relative()");
        return delegate.relative(rows);
    }

    @Override
    public void beforeFirst() throws SQLException {
        gate();
        row.clear();
        forwardOnly("beforeFirst()");
        delegate.beforeFirst();
    }

    @Override
    public void afterLast() throws SQLException {
        gate();
        row.clear();
        forwardOnly("afterLast()");
        delegate.afterLast();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        gate();
        row.clear();
        delegate.moveToInsertRow();
    }

    @Override
    public boolean wasNull() throws SQLException {
        return !answeredFromRow && delegate.wasNull();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        row.clear();
        delegate.moveToCurrentRow();
    }

    @Override
    public void refreshRow() throws SQLException {
        row.clear();
        delegate.refreshRow();
    }

    @Override
    public void close() throws SQLException {
        row.clear();
        super.close();
    }
}
