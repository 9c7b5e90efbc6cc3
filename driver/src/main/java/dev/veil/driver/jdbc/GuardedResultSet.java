package dev.veil.driver.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * A result none of whose columns Veil decrypts (a pass-through statement, generated keys of a plain table), and the
 * base of {@link VeilResultSet} for its plain columns: every getter that can return a whole Veil envelope (text,
 * bytes, {@code getObject}, streams, LOBs) hands its value to {@link CiphertextGuard}, which refuses ciphertext from
 * a relation Veil does not know yet. Label getters resolve the label and take the index path. Everything else
 * forwards.
 *
 * <p>Not checked: {@code getArray} (an array of envelopes needs each element read; see
 * {@code docs/what-veil-sees.md} §10), {@code getSQLXML}, and ciphertext embedded in a larger value.
 */
class GuardedResultSet extends DelegatingResultSet {

    GuardedResultSet(DelegatingStatement statement, ResultSet delegate) {
        super(statement, delegate);
    }

    /** Names a result column in a refusal (its label, never its value). */
    private final CiphertextGuard.Source source = new CiphertextGuard.Source() {
        @Override
        public String describe(int index) {
            try {
                return "result column " + delegate.getMetaData().getColumnLabel(index);
            } catch (SQLException e) {
                return "result column " + index;
            }
        }

        @Override
        public DelegatingConnection connection() {
            return statement == null ? null : statement.connection;
        }
    };

    @Override
    public String getString(int columnIndex) throws SQLException {
        return CiphertextGuard.text(source, columnIndex, delegate.getString(columnIndex));
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return CiphertextGuard.text(source, columnIndex, delegate.getNString(columnIndex));
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return getNString(findColumn(columnLabel));
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        return CiphertextGuard.bytes(source, columnIndex, delegate.getBytes(columnIndex));
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return getBytes(findColumn(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return CiphertextGuard.object(source, columnIndex, delegate.getObject(columnIndex));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return CiphertextGuard.object(source, columnIndex, delegate.getObject(columnIndex, map));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(columnLabel), map);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return CiphertextGuard.object(source, columnIndex, delegate.getObject(columnIndex, type));
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return getObject(findColumn(columnLabel), type);
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        return CiphertextGuard.stream(source, columnIndex, delegate.getAsciiStream(columnIndex), true);
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        return getAsciiStream(findColumn(columnLabel));
    }

    @SuppressWarnings("deprecation")
    @Override
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        return CiphertextGuard.stream(source, columnIndex, delegate.getUnicodeStream(columnIndex), false);
    }

    @SuppressWarnings("deprecation")
    @Override
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return getUnicodeStream(findColumn(columnLabel));
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        return CiphertextGuard.stream(source, columnIndex, delegate.getBinaryStream(columnIndex), false);
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        return getBinaryStream(findColumn(columnLabel));
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        return CiphertextGuard.reader(source, columnIndex, delegate.getCharacterStream(columnIndex));
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        return getCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        return CiphertextGuard.reader(source, columnIndex, delegate.getNCharacterStream(columnIndex));
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        return getNCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        return CiphertextGuard.blob(source, columnIndex, delegate.getBlob(columnIndex));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return getBlob(findColumn(columnLabel));
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        return CiphertextGuard.clob(source, columnIndex, delegate.getClob(columnIndex));
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return getClob(findColumn(columnLabel));
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        return CiphertextGuard.clob(source, columnIndex, delegate.getNClob(columnIndex));
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        return getNClob(findColumn(columnLabel));
    }
}
