package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.sql.StatementPlan;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement that touches encrypted columns: dispatch only. Each setter takes the fast path for a
 * parameter the plan does not handle ({@link ParameterBinder#forwards}: forward it, at its possibly moved position)
 * and hands any other to the {@link ParameterBinder}, which encrypts, keeps and derives as the plan says. Each
 * execution first lets the binder bind the derived values; results are decrypted per the plan
 * ({@link ResultSets}).
 *
 * <p>The SQL-taking {@code Statement} methods throw, as JDBC requires of a prepared statement.
 */
public class VeilPreparedStatement extends DelegatingPreparedStatement {

    private final VeilConnection veil;
    private final StatementPlan plan;
    private final ParameterBinder binder;

    VeilPreparedStatement(VeilConnection connection, PreparedStatement delegate, StatementPlan plan) {
        super(connection, delegate);
        this.veil = connection;
        this.plan = plan;
        this.binder = new ParameterBinder(plan, delegate);
    }

    @Override
    public void clearParameters() throws SQLException {
        binder.clear();
        preparedDelegate.clearParameters();
    }

    @Override
    public int executeUpdate() throws SQLException {
        binder.beforeExecute();
        int n = preparedDelegate.executeUpdate();
        veil.ran(plan);
        return n;
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        binder.beforeExecute();
        long n = preparedDelegate.executeLargeUpdate();
        veil.ran(plan);
        return n;
    }

    @Override
    public boolean execute() throws SQLException {
        binder.beforeExecute();
        boolean r = preparedDelegate.execute();
        veil.ran(plan);
        return r;
    }

    @Override
    public void addBatch() throws SQLException {
        binder.beforeExecute();
        preparedDelegate.addBatch();
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        binder.beforeExecute();
        return ResultSets.wrap(this, preparedDelegate.executeQuery(), plan.result(), binder.filterValues());
    }

    @Override
    protected java.sql.ResultSetMetaData wrapMetaData(java.sql.ResultSetMetaData raw) {
        java.sql.ResultSetMetaData projected = ProjectedMetaData.of(raw, plan.result());
        return projected != null ? projected : super.wrapMetaData(raw);
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet raw) {
        return ResultSets.wrap(this, raw, plan.result(), binder.filterValues());
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return ResultSets.wrapByLabel(this, delegate.getGeneratedKeys(), plan.modifiedTableColumns());
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBoolean(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setByte(binder.position(i), x);
        else binder.bind(i, (short) x);
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setShort(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setInt(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setLong(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setFloat(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setDouble(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBigDecimal(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setString(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setNString(int i, String value) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNString(binder.position(i), value);
        else binder.bind(i, value);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBytes(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setDate(int i, Date x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setDate(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setTime(int i, Time x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setTime(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setTimestamp(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setDate(int i, Date x, Calendar cal) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setDate(binder.position(i), x, cal);
        else binder.bind(i, x == null ? null : Temporals.dateIn(x, cal));
    }

    @Override
    public void setTime(int i, Time x, Calendar cal) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setTime(binder.position(i), x, cal);
        else binder.bind(i, x == null ? null : Temporals.timeIn(x, cal));
    }

    @Override
    public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setTimestamp(binder.position(i), x, cal);
        else binder.bind(i, x == null ? null : Temporals.timestampIn(x, cal));
    }

    @Override
    public void setAsciiStream(int i, InputStream x, int length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setAsciiStream(binder.position(i), x, length);
        else binder.bind(i, Streams.ascii(x, length));
    }

    @Override
    public void setAsciiStream(int i, InputStream x, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setAsciiStream(binder.position(i), x, length);
        else binder.bind(i, Streams.ascii(x, length));
    }

    @Override
    public void setAsciiStream(int i, InputStream x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setAsciiStream(binder.position(i), x);
        else binder.bind(i, Streams.ascii(x, -1));
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int i, InputStream x, int length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setUnicodeStream(binder.position(i), x, length);
        else binder.bind(i, Streams.utf8(x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x, int length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBinaryStream(binder.position(i), x, length);
        else binder.bind(i, Streams.bytes(x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBinaryStream(binder.position(i), x, length);
        else binder.bind(i, Streams.bytes(x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBinaryStream(binder.position(i), x);
        else binder.bind(i, Streams.bytes(x, -1));
    }

    @Override
    public void setCharacterStream(int i, Reader reader, int length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setCharacterStream(binder.position(i), reader, length);
        else binder.bind(i, Streams.chars(reader, length));
    }

    @Override
    public void setCharacterStream(int i, Reader reader, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setCharacterStream(binder.position(i), reader, length);
        else binder.bind(i, Streams.chars(reader, length));
    }

    @Override
    public void setCharacterStream(int i, Reader reader) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setCharacterStream(binder.position(i), reader);
        else binder.bind(i, Streams.chars(reader, -1));
    }

    @Override
    public void setNCharacterStream(int i, Reader value, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNCharacterStream(binder.position(i), value, length);
        else binder.bind(i, Streams.chars(value, length));
    }

    @Override
    public void setNCharacterStream(int i, Reader value) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNCharacterStream(binder.position(i), value);
        else binder.bind(i, Streams.chars(value, -1));
    }

    @Override
    public void setBlob(int i, Blob x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBlob(binder.position(i), x);
        else binder.bind(i, Streams.blob(x));
    }

    @Override
    public void setBlob(int i, InputStream inputStream, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBlob(binder.position(i), inputStream, length);
        else binder.bind(i, Streams.bytes(inputStream, length));
    }

    @Override
    public void setBlob(int i, InputStream inputStream) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setBlob(binder.position(i), inputStream);
        else binder.bind(i, Streams.bytes(inputStream, -1));
    }

    @Override
    public void setClob(int i, Clob x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setClob(binder.position(i), x);
        else binder.bind(i, Streams.clob(x));
    }

    @Override
    public void setClob(int i, Reader reader, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setClob(binder.position(i), reader, length);
        else binder.bind(i, Streams.chars(reader, length));
    }

    @Override
    public void setClob(int i, Reader reader) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setClob(binder.position(i), reader);
        else binder.bind(i, Streams.chars(reader, -1));
    }

    @Override
    public void setNClob(int i, NClob value) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNClob(binder.position(i), value);
        else binder.bind(i, Streams.clob(value));
    }

    @Override
    public void setNClob(int i, Reader reader, long length) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNClob(binder.position(i), reader, length);
        else binder.bind(i, Streams.chars(reader, length));
    }

    @Override
    public void setNClob(int i, Reader reader) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNClob(binder.position(i), reader);
        else binder.bind(i, Streams.chars(reader, -1));
    }

    @Override
    public void setSQLXML(int i, SQLXML xmlObject) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setSQLXML(binder.position(i), xmlObject);
        else binder.bind(i, xmlObject == null ? null : xmlObject.getString());
    }

    @Override
    public void setURL(int i, URL x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setURL(binder.position(i), x);
        else binder.bind(i, x == null ? null : x.toString());
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setObject(binder.position(i), x);
        else binder.bind(i, x);
    }

    @Override
    public void setRef(int i, Ref x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setRef(binder.position(i), x);
        else throw binder.unsupported(i, "Ref");
    }

    @Override
    public void setRowId(int i, RowId x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setRowId(binder.position(i), x);
        else throw binder.unsupported(i, "RowId");
    }

    @Override
    public void setArray(int i, Array x) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setArray(binder.position(i), x);
        else binder.bindArray(i, x);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setObject(binder.position(i), x, targetSqlType);
        else binder.bind(i, x, targetSqlType, -1);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setObject(binder.position(i), x, targetSqlType, scaleOrLength);
        else binder.bind(i, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setObject(binder.position(i), x, targetSqlType);
        else binder.bind(i, x, JdbcTypes.vendorCode(targetSqlType), -1);
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setObject(binder.position(i), x, targetSqlType, scaleOrLength);
        else binder.bind(i, x, JdbcTypes.vendorCode(targetSqlType), scaleOrLength);
    }

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNull(binder.position(i), sqlType);
        else binder.bindNull(i, sqlType, null);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        if (binder.forwards(i)) preparedDelegate.setNull(binder.position(i), sqlType, typeName);
        else binder.bindNull(i, sqlType, typeName);
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw sqlOnPrepared();
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        throw sqlOnPrepared();
    }

    private static SQLException sqlOnPrepared() {
        return VeilSqlState.WRONG_OBJECT_TYPE.exception(
                "a SQL text cannot be passed to a method of a PreparedStatement; use a Statement");
    }
}
