package dev.veil.driver.jdbc;

import dev.veil.driver.sql.Target;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
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

/**
 * A result with encrypted columns: dispatch only. Each value getter takes the fast path for a plain column
 * ({@link EncryptedValues#plain}: forward, through {@link GuardedResultSet} where a whole envelope could come back)
 * and hands an encrypted one to {@link EncryptedValues}, which decrypts it once per row and converts it as pgjdbc
 * would. Label getters resolve the label once per result ({@link ColumnLabels}) and take the index path.
 *
 * <p>Updatable results are refused: {@code updateXxx} would write plaintext into an encrypted column. Write
 * with UPDATE instead. The check runs before the first row is reached. A result with hidden columns (row filters,
 * row keys) is a {@link FilteredResultSet}.
 */
public class VeilResultSet extends GuardedResultSet {

    /** The encrypted columns and the current row's decrypted values. */
    private final EncryptedValues values;
    /** How many leading columns are the application's ({@link Integer#MAX_VALUE}: all). */
    private final int visible;
    /** Created on the first label lookup: a result read by index never pays for it. */
    private ColumnLabels labels;

    /**
     * @param targets index i holds the target of column i+1, or null for a plain column
     * @param broken when not null, the reason this result must not be read; thrown on the first move
     */
    VeilResultSet(DelegatingStatement statement, ResultSet delegate, Target[] targets, SQLException broken) {
        this(statement, delegate, targets, broken, Integer.MAX_VALUE, null);
    }

    /** A result whose columns after 1-based {@code visible} are Veil's own ({@link EncryptedValues#HIDDEN}). */
    VeilResultSet(DelegatingStatement statement, ResultSet delegate, Target[] targets, SQLException broken,
            int visible, Object[] parameters) {
        super(statement, delegate);
        this.values = new EncryptedValues(delegate, targets, visible == Integer.MAX_VALUE ? 0 : visible, broken,
                parameters);
        this.visible = visible;
    }

    @Override
    protected java.sql.ResultSetMetaData wrapMetaData(java.sql.ResultSetMetaData raw) {
        java.sql.ResultSetMetaData projected = values.projectedMetaData(raw, visible);
        return projected != null ? projected : super.wrapMetaData(raw);
    }

    @Override
    public int findColumn(String label) throws SQLException {
        ColumnLabels l = labels;
        if (l == null) {
            l = new ColumnLabels(delegate, visible);
            labels = l;
        }
        return l.index(label);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return values.wasNull();
    }

    @Override
    public String getString(int i) throws SQLException {
        return values.plain(i) ? super.getString(i) : values.string(i);
    }

    @Override
    public String getString(String label) throws SQLException {
        return getString(findColumn(label));
    }

    @Override
    public String getNString(int i) throws SQLException {
        return values.plain(i) ? super.getNString(i) : values.string(i);
    }

    @Override
    public String getNString(String label) throws SQLException {
        return getNString(findColumn(label));
    }

    @Override
    public boolean getBoolean(int i) throws SQLException {
        return values.plain(i) ? delegate.getBoolean(i) : values.asBoolean(i);
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return getBoolean(findColumn(label));
    }

    @Override
    public byte getByte(int i) throws SQLException {
        return values.plain(i) ? delegate.getByte(i) : values.asByte(i);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return getByte(findColumn(label));
    }

    @Override
    public short getShort(int i) throws SQLException {
        return values.plain(i) ? delegate.getShort(i) : values.asShort(i);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return getShort(findColumn(label));
    }

    @Override
    public int getInt(int i) throws SQLException {
        return values.plain(i) ? delegate.getInt(i) : values.asInt(i);
    }

    @Override
    public int getInt(String label) throws SQLException {
        return getInt(findColumn(label));
    }

    @Override
    public long getLong(int i) throws SQLException {
        return values.plain(i) ? delegate.getLong(i) : values.asLong(i);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return getLong(findColumn(label));
    }

    @Override
    public float getFloat(int i) throws SQLException {
        return values.plain(i) ? delegate.getFloat(i) : values.asFloat(i);
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return getFloat(findColumn(label));
    }

    @Override
    public double getDouble(int i) throws SQLException {
        return values.plain(i) ? delegate.getDouble(i) : values.asDouble(i);
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return getDouble(findColumn(label));
    }

    @Override
    public BigDecimal getBigDecimal(int i) throws SQLException {
        return values.plain(i) ? delegate.getBigDecimal(i) : values.as(i, BigDecimal.class);
    }

    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException {
        return getBigDecimal(findColumn(label));
    }

    @Deprecated
    @Override
    public BigDecimal getBigDecimal(int i, int scale) throws SQLException {
        return values.plain(i) ? delegate.getBigDecimal(i, scale) : values.decimal(i, scale);
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public BigDecimal getBigDecimal(String label, int scale) throws SQLException {
        return getBigDecimal(findColumn(label), scale);
    }

    @Override
    public byte[] getBytes(int i) throws SQLException {
        return values.plain(i) ? super.getBytes(i) : values.as(i, byte[].class);
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        return getBytes(findColumn(label));
    }

    @Override
    public Date getDate(int i) throws SQLException {
        return values.plain(i) ? delegate.getDate(i) : values.as(i, Date.class);
    }

    @Override
    public Date getDate(String label) throws SQLException {
        return getDate(findColumn(label));
    }

    @Override
    public Time getTime(int i) throws SQLException {
        return values.plain(i) ? delegate.getTime(i) : values.as(i, Time.class);
    }

    @Override
    public Time getTime(String label) throws SQLException {
        return getTime(findColumn(label));
    }

    @Override
    public Timestamp getTimestamp(int i) throws SQLException {
        return values.plain(i) ? delegate.getTimestamp(i) : values.as(i, Timestamp.class);
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        return getTimestamp(findColumn(label));
    }

    @Override
    public Date getDate(int i, Calendar cal) throws SQLException {
        return values.plain(i) ? delegate.getDate(i, cal) : values.date(i, cal);
    }

    @Override
    public Date getDate(String label, Calendar cal) throws SQLException {
        return getDate(findColumn(label), cal);
    }

    @Override
    public Time getTime(int i, Calendar cal) throws SQLException {
        return values.plain(i) ? delegate.getTime(i, cal) : values.time(i, cal);
    }

    @Override
    public Time getTime(String label, Calendar cal) throws SQLException {
        return getTime(findColumn(label), cal);
    }

    @Override
    public Timestamp getTimestamp(int i, Calendar cal) throws SQLException {
        return values.plain(i) ? delegate.getTimestamp(i, cal) : values.timestamp(i, cal);
    }

    @Override
    public Timestamp getTimestamp(String label, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(label), cal);
    }

    @Override
    public Object getObject(int i) throws SQLException {
        return values.plain(i) ? super.getObject(i) : values.value(i);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return getObject(findColumn(label));
    }

    @Override
    public Object getObject(int i, Map<String, Class<?>> map) throws SQLException {
        return values.plain(i) ? super.getObject(i, map) : values.value(i);
    }

    @Override
    public Object getObject(String label, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(label), map);
    }

    @Override
    public <T> T getObject(int i, Class<T> type) throws SQLException {
        return values.plain(i) ? super.getObject(i, type) : values.as(i, type);
    }

    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException {
        return getObject(findColumn(label), type);
    }

    @Override
    public InputStream getAsciiStream(int i) throws SQLException {
        return values.plain(i) ? super.getAsciiStream(i) : values.textStream(i, StandardCharsets.US_ASCII);
    }

    @Override
    public InputStream getAsciiStream(String label) throws SQLException {
        return getAsciiStream(findColumn(label));
    }

    @Deprecated
    @Override
    public InputStream getUnicodeStream(int i) throws SQLException {
        return values.plain(i) ? super.getUnicodeStream(i) : values.textStream(i, StandardCharsets.UTF_8);
    }

    @Deprecated
    @SuppressWarnings("deprecation")
    @Override
    public InputStream getUnicodeStream(String label) throws SQLException {
        return getUnicodeStream(findColumn(label));
    }

    @Override
    public InputStream getBinaryStream(int i) throws SQLException {
        return values.plain(i) ? super.getBinaryStream(i) : values.binaryStream(i);
    }

    @Override
    public InputStream getBinaryStream(String label) throws SQLException {
        return getBinaryStream(findColumn(label));
    }

    @Override
    public Reader getCharacterStream(int i) throws SQLException {
        return values.plain(i) ? super.getCharacterStream(i) : values.reader(i);
    }

    @Override
    public Reader getCharacterStream(String label) throws SQLException {
        return getCharacterStream(findColumn(label));
    }

    @Override
    public Reader getNCharacterStream(int i) throws SQLException {
        return values.plain(i) ? super.getNCharacterStream(i) : values.reader(i);
    }

    @Override
    public Reader getNCharacterStream(String label) throws SQLException {
        return getNCharacterStream(findColumn(label));
    }

    @Override
    public Blob getBlob(int i) throws SQLException {
        return values.plain(i) ? super.getBlob(i) : values.blob(i);
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        return getBlob(findColumn(label));
    }

    @Override
    public Clob getClob(int i) throws SQLException {
        return values.plain(i) ? super.getClob(i) : values.clob(i);
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        return getClob(findColumn(label));
    }

    @Override
    public NClob getNClob(int i) throws SQLException {
        return values.plain(i) ? super.getNClob(i) : values.unsupported(i, "NClob");
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        return getNClob(findColumn(label));
    }

    @Override
    public Ref getRef(int i) throws SQLException {
        return values.plain(i) ? delegate.getRef(i) : values.unsupported(i, "Ref");
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        return getRef(findColumn(label));
    }

    @Override
    public Array getArray(int i) throws SQLException {
        return values.plain(i) ? delegate.getArray(i) : values.unsupported(i, "Array");
    }

    @Override
    public Array getArray(String label) throws SQLException {
        return getArray(findColumn(label));
    }

    @Override
    public URL getURL(int i) throws SQLException {
        return values.plain(i) ? delegate.getURL(i) : values.unsupported(i, "URL");
    }

    @Override
    public URL getURL(String label) throws SQLException {
        return getURL(findColumn(label));
    }

    @Override
    public RowId getRowId(int i) throws SQLException {
        return values.plain(i) ? delegate.getRowId(i) : values.unsupported(i, "RowId");
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        return getRowId(findColumn(label));
    }

    @Override
    public SQLXML getSQLXML(int i) throws SQLException {
        return values.plain(i) ? delegate.getSQLXML(i) : values.unsupported(i, "SQLXML");
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        return getSQLXML(findColumn(label));
    }

    @Override
    public boolean next() throws SQLException {
        values.moving();
        return delegate.next();
    }

    @Override
    public boolean previous() throws SQLException {
        values.moving();
        return delegate.previous();
    }

    @Override
    public boolean first() throws SQLException {
        values.moving();
        return delegate.first();
    }

    @Override
    public boolean last() throws SQLException {
        values.moving();
        return delegate.last();
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        values.moving();
        return delegate.absolute(row);
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        values.moving();
        return delegate.relative(rows);
    }

    @Override
    public void beforeFirst() throws SQLException {
        values.moving();
        delegate.beforeFirst();
    }

    @Override
    public void afterLast() throws SQLException {
        values.moving();
        delegate.afterLast();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        values.moving();
        delegate.moveToInsertRow();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        values.forget();
        delegate.moveToCurrentRow();
    }

    @Override
    public void refreshRow() throws SQLException {
        values.forget();
        delegate.refreshRow();
    }

    @Override
    public void close() throws SQLException {
        values.forget();
        super.close();
    }
}
