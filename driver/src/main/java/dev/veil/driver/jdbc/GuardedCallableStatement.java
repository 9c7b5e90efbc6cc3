package dev.veil.driver.jdbc;

import java.io.Reader;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * A callable statement Veil let pass (it touches no encrypted column as far as Veil can see): its results and its
 * out-parameters go through {@link CiphertextGuard}, so a procedure that reads an encrypted column Veil does not
 * know about (dynamic SQL) cannot hand ciphertext to the application as a value.
 */
final class GuardedCallableStatement extends DelegatingCallableStatement {

    private final CiphertextGuard.Source byIndex = source(null);

    GuardedCallableStatement(DelegatingConnection connection, CallableStatement delegate) {
        super(connection, delegate);
    }

    private CiphertextGuard.Source source(String name) {
        return new CiphertextGuard.Source() {
            @Override
            public String describe(int index) {
                return name != null ? "out-parameter " + name : "out-parameter " + index;
            }

            @Override
            public DelegatingConnection connection() {
                return connection;
            }
        };
    }

    private CiphertextGuard.Source named(String name) {
        return source(name);
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet raw) {
        return raw == null ? null : new GuardedResultSet(this, raw);
    }

    @Override
    public String getString(int parameterIndex) throws SQLException {
        return CiphertextGuard.text(byIndex, parameterIndex, callableDelegate.getString(parameterIndex));
    }

    @Override
    public String getString(String parameterName) throws SQLException {
        return CiphertextGuard.text(named(parameterName), 0, callableDelegate.getString(parameterName));
    }

    @Override
    public String getNString(int parameterIndex) throws SQLException {
        return CiphertextGuard.text(byIndex, parameterIndex, callableDelegate.getNString(parameterIndex));
    }

    @Override
    public String getNString(String parameterName) throws SQLException {
        return CiphertextGuard.text(named(parameterName), 0, callableDelegate.getNString(parameterName));
    }

    @Override
    public byte[] getBytes(int parameterIndex) throws SQLException {
        return CiphertextGuard.bytes(byIndex, parameterIndex, callableDelegate.getBytes(parameterIndex));
    }

    @Override
    public byte[] getBytes(String parameterName) throws SQLException {
        return CiphertextGuard.bytes(named(parameterName), 0, callableDelegate.getBytes(parameterName));
    }

    @Override
    public Object getObject(int parameterIndex) throws SQLException {
        return CiphertextGuard.object(byIndex, parameterIndex, callableDelegate.getObject(parameterIndex));
    }

    @Override
    public Object getObject(String parameterName) throws SQLException {
        return CiphertextGuard.object(named(parameterName), 0, callableDelegate.getObject(parameterName));
    }

    @Override
    public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
        return CiphertextGuard.object(byIndex, parameterIndex, callableDelegate.getObject(parameterIndex, map));
    }

    @Override
    public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
        return CiphertextGuard.object(named(parameterName), 0, callableDelegate.getObject(parameterName, map));
    }

    @Override
    public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException {
        return CiphertextGuard.object(byIndex, parameterIndex, callableDelegate.getObject(parameterIndex, type));
    }

    @Override
    public <T> T getObject(String parameterName, Class<T> type) throws SQLException {
        return CiphertextGuard.object(named(parameterName), 0, callableDelegate.getObject(parameterName, type));
    }

    @Override
    public Reader getCharacterStream(int parameterIndex) throws SQLException {
        return CiphertextGuard.reader(byIndex, parameterIndex, callableDelegate.getCharacterStream(parameterIndex));
    }

    @Override
    public Reader getCharacterStream(String parameterName) throws SQLException {
        return CiphertextGuard.reader(named(parameterName), 0, callableDelegate.getCharacterStream(parameterName));
    }

    @Override
    public Reader getNCharacterStream(int parameterIndex) throws SQLException {
        return CiphertextGuard.reader(byIndex, parameterIndex, callableDelegate.getNCharacterStream(parameterIndex));
    }

    @Override
    public Reader getNCharacterStream(String parameterName) throws SQLException {
        return CiphertextGuard.reader(named(parameterName), 0, callableDelegate.getNCharacterStream(parameterName));
    }

    @Override
    public Blob getBlob(int parameterIndex) throws SQLException {
        return CiphertextGuard.blob(byIndex, parameterIndex, callableDelegate.getBlob(parameterIndex));
    }

    @Override
    public Blob getBlob(String parameterName) throws SQLException {
        return CiphertextGuard.blob(named(parameterName), 0, callableDelegate.getBlob(parameterName));
    }

    @Override
    public Clob getClob(int parameterIndex) throws SQLException {
        return CiphertextGuard.clob(byIndex, parameterIndex, callableDelegate.getClob(parameterIndex));
    }

    @Override
    public Clob getClob(String parameterName) throws SQLException {
        return CiphertextGuard.clob(named(parameterName), 0, callableDelegate.getClob(parameterName));
    }

    @Override
    public NClob getNClob(int parameterIndex) throws SQLException {
        return CiphertextGuard.clob(byIndex, parameterIndex, callableDelegate.getNClob(parameterIndex));
    }

    @Override
    public NClob getNClob(String parameterName) throws SQLException {
        return CiphertextGuard.clob(named(parameterName), 0, callableDelegate.getNClob(parameterName));
    }
}
