package dev.veil.driver.jdbc;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A {@link Connection} that forwards every call to the driver's connection it wraps.
 *
 * <p>Every method of {@link Connection}, including the interface's {@code default} methods
 * ({@link #beginRequest()}, {@link #endRequest()}, {@code setShardingKey…}), calls the same method on
 * {@link #delegate} with the same arguments. There is no logic here: Veil's behaviour lives in a subclass that
 * overrides only what it changes.
 *
 * <p>Objects handed out stay wrapped. Statements come back through {@link #wrapStatement(Statement)},
 * {@link #wrapPreparedStatement(PreparedStatement, String)} and {@link #wrapCallableStatement(CallableStatement,
 * String)}, the metadata through {@link #wrapMetaData(DatabaseMetaData)}; a subclass overrides these hooks to
 * hand out its own wrappers. Their {@code getConnection()} returns this object, never the driver's connection.
 *
 * <p><b>Bypassing Veil.</b> {@code unwrap(org.postgresql.PGConnection.class)} returns the driver's own connection;
 * it is the documented way to reach vendor APIs (COPY, large objects, LISTEN/NOTIFY). Whatever is done through
 * the unwrapped object is <em>not</em> encrypted or decrypted: values written through it are stored as plaintext,
 * and encrypted columns read through it come back as ciphertext. {@code unwrap(Connection.class)} does not
 * bypass anything: this wrapper is itself a {@link Connection}, so it returns the wrapper.
 *
 * <p>{@code equals} and {@code hashCode} are identity (not forwarded); {@link #toString()} never shows the
 * delegate's string form.
 */
public class DelegatingConnection implements Connection {

    /** The driver's connection; every call ends up here. */
    protected final Connection delegate;

    /**
     * Wraps a driver's connection.
     *
     * @param delegate the connection to forward to, not null
     */
    public DelegatingConnection(Connection delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Wraps a statement created by {@link #delegate}; used by every {@code createStatement} overload.
     *
     * @param raw the driver's statement, may be null
     * @return the wrapper, or null when {@code raw} is null
     */
    protected Statement wrapStatement(Statement raw) {
        return raw == null ? null : new DelegatingStatement(this, raw);
    }

    /**
     * Wraps a prepared statement created by {@link #delegate}; used by every {@code prepareStatement} overload.
     *
     * @param raw the driver's statement, may be null
     * @param sql the SQL text it was prepared from, as the application passed it (ignored here)
     * @return the wrapper, or null when {@code raw} is null
     */
    protected PreparedStatement wrapPreparedStatement(PreparedStatement raw, String sql) {
        return raw == null ? null : new DelegatingPreparedStatement(this, raw);
    }

    /**
     * Wraps a callable statement created by {@link #delegate}; used by every {@code prepareCall} overload.
     *
     * @param raw the driver's statement, may be null
     * @param sql the SQL text it was prepared from, as the application passed it (ignored here)
     * @return the wrapper, or null when {@code raw} is null
     */
    protected CallableStatement wrapCallableStatement(CallableStatement raw, String sql) {
        return raw == null ? null : new DelegatingCallableStatement(this, raw);
    }

    /**
     * Wraps the driver's metadata; used by {@link #getMetaData()}.
     *
     * @param raw the driver's metadata, may be null
     * @return the wrapper, or null when {@code raw} is null
     */
    protected DatabaseMetaData wrapMetaData(DatabaseMetaData raw) {
        return raw == null ? null : new DelegatingDatabaseMetaData(this, raw);
    }

    @Override
    public Statement createStatement() throws SQLException {
        return wrapStatement(delegate.createStatement());
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return wrapPreparedStatement(delegate.prepareStatement(sql), sql);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return wrapCallableStatement(delegate.prepareCall(sql), sql);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return delegate.nativeSQL(sql);
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        delegate.setAutoCommit(autoCommit);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return delegate.getAutoCommit();
    }

    @Override
    public void commit() throws SQLException {
        delegate.commit();
    }

    @Override
    public void rollback() throws SQLException {
        delegate.rollback();
    }

    @Override
    public void close() throws SQLException {
        delegate.close();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return wrapMetaData(delegate.getMetaData());
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        delegate.setReadOnly(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return delegate.isReadOnly();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        delegate.setCatalog(catalog);
    }

    @Override
    public String getCatalog() throws SQLException {
        return delegate.getCatalog();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        delegate.setTransactionIsolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return delegate.getTransactionIsolation();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return wrapStatement(delegate.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType,
            int resultSetConcurrency) throws SQLException {
        return wrapPreparedStatement(delegate.prepareStatement(sql, resultSetType, resultSetConcurrency), sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return wrapCallableStatement(delegate.prepareCall(sql, resultSetType, resultSetConcurrency), sql);
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return delegate.getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        delegate.setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        delegate.setHoldability(holdability);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate.getHoldability();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return delegate.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return delegate.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        delegate.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        delegate.releaseSavepoint(savepoint);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return wrapStatement(delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return wrapPreparedStatement(delegate.prepareStatement(sql, resultSetType, resultSetConcurrency,
                resultSetHoldability), sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return wrapCallableStatement(delegate.prepareCall(sql, resultSetType, resultSetConcurrency,
                resultSetHoldability), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return wrapPreparedStatement(delegate.prepareStatement(sql, autoGeneratedKeys), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return wrapPreparedStatement(delegate.prepareStatement(sql, columnIndexes), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return wrapPreparedStatement(delegate.prepareStatement(sql, columnNames), sql);
    }

    @Override
    public Clob createClob() throws SQLException {
        return delegate.createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return delegate.createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return delegate.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return delegate.createSQLXML();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        return delegate.isValid(timeout);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        delegate.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        delegate.setClientInfo(properties);
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return delegate.getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return delegate.getClientInfo();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return delegate.createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return delegate.createStruct(typeName, attributes);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        delegate.setSchema(schema);
    }

    @Override
    public String getSchema() throws SQLException {
        return delegate.getSchema();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        delegate.abort(executor);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        delegate.setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return delegate.getNetworkTimeout();
    }

    @Override
    public void beginRequest() throws SQLException {
        delegate.beginRequest();
    }

    @Override
    public void endRequest() throws SQLException {
        delegate.endRequest();
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey,
            int timeout) throws SQLException {
        return delegate.setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
        return delegate.setShardingKeyIfValid(shardingKey, timeout);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
        delegate.setShardingKey(shardingKey, superShardingKey);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        delegate.setShardingKey(shardingKey);
    }

    /**
     * Returns this wrapper when it implements {@code iface}, else the driver's connection when that does, else
     * what the driver's connection unwraps to; the driver throws {@link SQLException} when nothing in the chain
     * implements {@code iface}.
     *
     * <p>{@code unwrap(org.postgresql.PGConnection.class)} is the documented way to bypass Veil: nothing done
     * through the returned object is encrypted or decrypted. {@code unwrap(Connection.class)} is not a bypass; it
     * returns this wrapper.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    /**
     * Names the wrapper class and its identity, never the delegate's {@code toString()}: a driver's string form
     * may carry SQL with literal or bound values (pgjdbc's prepared statement prints its SQL with the parameter
     * values filled in), and strings like this end up in logs and exception messages.
     */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this));
    }
}
