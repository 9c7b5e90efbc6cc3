package dev.veil.driver.jdbc;

import dev.veil.driver.VeilSqlState;
import dev.veil.driver.sql.ParameterMap;
import dev.veil.driver.sql.StatementPlan;
import dev.veil.driver.sql.Target;
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
import java.sql.Types;
import java.util.Calendar;

/**
 * A prepared statement that touches encrypted columns. Each setter takes the fast path for a plain parameter
 * ({@code plan.parameter(i) == null}: forward); for an encrypted one it encrypts the value and binds the ciphertext
 * as {@code bytea} or text, per the column's storage. NULL stays SQL NULL. Results are decrypted per the plan.
 *
 * <p>The SQL-taking {@code Statement} methods throw, as JDBC requires of a prepared statement.
 *
 * <p>Generated from a table of setters; each override is a few lines of dispatch.
 */
public class VeilPreparedStatement extends DelegatingPreparedStatement {

    private final StatementPlan plan;
    /** Where parameters go when Veil rewrote the statement for blind indexes; null when they keep their places. */
    private final ParameterMap map;
    /** Values kept for derived blind index values (original positions); null when none are. */
    private final Object[] buffer;

    private final VeilConnection veil;
    /** Row binding: the values of the row-key parameters (original positions); null when the plan has none. */
    private final RowKeyParameters rowKeys;

    VeilPreparedStatement(VeilConnection connection, PreparedStatement delegate, StatementPlan plan) {
        super(connection, delegate);
        this.veil = connection;
        this.plan = plan;
        this.map = plan.parameterMap();
        this.buffer = map == null ? null : map.newBuffer();
        this.rowKeys = RowKeyParameters.of(plan);
    }

    /** The position original parameter {@code i} is sent at (0: not sent). */
    private int at(int i) {
        return map == null ? i : map.position(i);
    }

    /**
     * Binds a parameter Veil handles: keeps its value when a blind index is derived from it, then sends a plain
     * value as is, an encrypted column's value as ciphertext (a typed NULL for null), and a compared encrypted
     * value not at all (only its index is sent).
     */
    private void bind(int parameterIndex, Target t, Object value) throws SQLException {
        if (buffer != null && map.buffered(parameterIndex)) {
            buffer[parameterIndex - 1] = value;
        }
        if (rowKeys != null && rowKeys.keep(parameterIndex, t, value)) {
            return; // a row-bound value: encrypted at execution, once its row's key is bound
        }
        int position = at(parameterIndex);
        if (position == 0) {
            return;
        }
        if (t.isPlain()) {
            if (value == null) {
                preparedDelegate.setNull(position, Types.NULL);
            } else {
                preparedDelegate.setObject(position, value);
            }
            return;
        }
        if (value == null) {
            preparedDelegate.setNull(position, nullType(t));
            return;
        }
        Object stored = t.encrypt(value);
        if (stored instanceof byte[]) {
            preparedDelegate.setBytes(position, (byte[]) stored);
        } else {
            preparedDelegate.setString(position, (String) stored);
        }
    }

    /**
     * Before each execution: refuses a construct the current key versions make inexact, then computes and binds the
     * derived values (blind index values under the keys of this moment, plaintext comparisons) from the kept
     * parameter values.
     */
    private void derive() throws SQLException {
        plan.checkKeyVersions();
        if (rowKeys != null) {
            rowKeys.encryptPending(this::bindStored);
        }
        if (map == null) {
            return;
        }
        if (buffer != null && plan.result().readsParameters()) {
            for (int p : plan.result().projectionParameters()) {
                ParameterMap.requireSet(buffer, p); // kept for COALESCE(col, ?), never sent: pgjdbc cannot check it
            }
        }
        Object[] values = map.derivedValues(buffer);
        for (int k = 0; k < values.length; k++) {
            Object v = values[k];
            if (v == null) {
                preparedDelegate.setNull(map.derivedPosition(k), map.derivedSqlType(k));
            } else if (v instanceof byte[]) {
                preparedDelegate.setBytes(map.derivedPosition(k), (byte[]) v);
            } else {
                preparedDelegate.setString(map.derivedPosition(k), (String) v);
            }
        }
    }

    /** Binds an encrypted value (not null) of original parameter {@code parameterIndex}. */
    private void bindStored(int parameterIndex, Object stored) throws SQLException {
        int position = at(parameterIndex);
        if (position == 0) {
            return;
        }
        if (stored instanceof byte[]) {
            preparedDelegate.setBytes(position, (byte[]) stored);
        } else {
            preparedDelegate.setString(position, (String) stored);
        }
    }

    /** The kept parameter values a post-filtered result compares with (a copy: parameters may change). */
    private Object[] filterValues() {
        return buffer == null || plan.result().filters().length == 0 && !plan.result().readsParameters() ? null
                : buffer.clone();
    }

    @Override
    public void clearParameters() throws SQLException {
        ParameterMap.clear(buffer);
        if (rowKeys != null) {
            rowKeys.clear();
        }
        preparedDelegate.clearParameters();
    }

    @Override
    public int executeUpdate() throws SQLException {
        derive();
        int n = preparedDelegate.executeUpdate();
        veil.ran(plan);
        return n;
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        derive();
        long n = preparedDelegate.executeLargeUpdate();
        veil.ran(plan);
        return n;
    }

    @Override
    public boolean execute() throws SQLException {
        derive();
        boolean r = preparedDelegate.execute();
        veil.ran(plan);
        return r;
    }

    @Override
    public void addBatch() throws SQLException {
        derive();
        preparedDelegate.addBatch();
    }

    private static int nullType(Target t) {
        return t.storage() == dev.veil.driver.codec.ColumnCipher.Storage.BINARY ? Types.BINARY : Types.VARCHAR;
    }

    private Object unsupported(int parameterIndex, String kind) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        throw VeilSqlState.CONVERSION.exception("a " + kind + " cannot be bound to "
                + (t.isPlain() ? "parameter " + parameterIndex + ", which feeds a blind index"
                        : "encrypted column " + t.column().qualified()) + "; bind a supported value type");
    }

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNull(at(parameterIndex), sqlType);
            return;
        }
        if (t.isPlain() && at(parameterIndex) != 0) {
            bind(parameterIndex, t, null);
            preparedDelegate.setNull(at(parameterIndex), sqlType);
            return;
        }
        bind(parameterIndex, t, null);
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNull(at(parameterIndex), sqlType, typeName);
            return;
        }
        if (t.isPlain() && at(parameterIndex) != 0) {
            bind(parameterIndex, t, null);
            preparedDelegate.setNull(at(parameterIndex), sqlType, typeName);
            return;
        }
        bind(parameterIndex, t, null);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        derive();
        return ResultSets.wrap(this, preparedDelegate.executeQuery(), plan.result(), filterValues());
    }

    @Override
    protected java.sql.ResultSetMetaData wrapMetaData(java.sql.ResultSetMetaData raw) {
        java.sql.ResultSetMetaData projected = ProjectedMetaData.of(raw, plan.result());
        return projected != null ? projected : super.wrapMetaData(raw);
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet raw) {
        return ResultSets.wrap(this, raw, plan.result(), filterValues());
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return ResultSets.wrapByLabel(this, delegate.getGeneratedKeys(), plan.modifiedTableColumns());
    }

    private static SQLException sqlOnPrepared() {
        return VeilSqlState.WRONG_OBJECT_TYPE.exception(
                "a SQL text cannot be passed to a method of a PreparedStatement; use a Statement");
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBoolean(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setByte(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, (short) x);
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setShort(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setInt(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setLong(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setFloat(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setDouble(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBigDecimal(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setString(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setNString(int parameterIndex, String value) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNString(at(parameterIndex), value);
            return;
        }
        bind(parameterIndex, t, value);
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBytes(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setDate(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setTime(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setTimestamp(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setDate(at(parameterIndex), x, cal);
            return;
        }
        bind(parameterIndex, t, x == null ? null : Temporals.dateIn(x, cal));
    }

    @Override
    public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setTime(at(parameterIndex), x, cal);
            return;
        }
        bind(parameterIndex, t, x == null ? null : Temporals.timeIn(x, cal));
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setTimestamp(at(parameterIndex), x, cal);
            return;
        }
        bind(parameterIndex, t, x == null ? null : Temporals.timestampIn(x, cal));
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setAsciiStream(at(parameterIndex), x, length);
            return;
        }
        bind(parameterIndex, t, Streams.ascii(x, length));
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setAsciiStream(at(parameterIndex), x, length);
            return;
        }
        bind(parameterIndex, t, Streams.ascii(x, length));
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setAsciiStream(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, Streams.ascii(x, -1));
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setUnicodeStream(at(parameterIndex), x, length);
            return;
        }
        bind(parameterIndex, t, Streams.utf8(x, length));
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBinaryStream(at(parameterIndex), x, length);
            return;
        }
        bind(parameterIndex, t, Streams.bytes(x, length));
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBinaryStream(at(parameterIndex), x, length);
            return;
        }
        bind(parameterIndex, t, Streams.bytes(x, length));
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBinaryStream(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, Streams.bytes(x, -1));
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setCharacterStream(at(parameterIndex), reader, length);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, length));
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setCharacterStream(at(parameterIndex), reader, length);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, length));
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setCharacterStream(at(parameterIndex), reader);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, -1));
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNCharacterStream(at(parameterIndex), value, length);
            return;
        }
        bind(parameterIndex, t, Streams.chars(value, length));
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNCharacterStream(at(parameterIndex), value);
            return;
        }
        bind(parameterIndex, t, Streams.chars(value, -1));
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBlob(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, Streams.blob(x));
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBlob(at(parameterIndex), inputStream, length);
            return;
        }
        bind(parameterIndex, t, Streams.bytes(inputStream, length));
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setBlob(at(parameterIndex), inputStream);
            return;
        }
        bind(parameterIndex, t, Streams.bytes(inputStream, -1));
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setClob(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, Streams.clob(x));
    }

    @Override
    public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setClob(at(parameterIndex), reader, length);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, length));
    }

    @Override
    public void setClob(int parameterIndex, Reader reader) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setClob(at(parameterIndex), reader);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, -1));
    }

    @Override
    public void setNClob(int parameterIndex, NClob value) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNClob(at(parameterIndex), value);
            return;
        }
        bind(parameterIndex, t, Streams.clob(value));
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNClob(at(parameterIndex), reader, length);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, length));
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setNClob(at(parameterIndex), reader);
            return;
        }
        bind(parameterIndex, t, Streams.chars(reader, -1));
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setSQLXML(at(parameterIndex), xmlObject);
            return;
        }
        bind(parameterIndex, t, xmlObject == null ? null : xmlObject.getString());
    }

    @Override
    public void setURL(int parameterIndex, URL x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setURL(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x == null ? null : x.toString());
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setRef(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, unsupported(parameterIndex, "Ref"));
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setArray(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, unsupported(parameterIndex, "Array"));
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setRowId(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, unsupported(parameterIndex, "RowId"));
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setObject(at(parameterIndex), x);
            return;
        }
        bind(parameterIndex, t, x);
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setObject(at(parameterIndex), x, targetSqlType);
            return;
        }
        bind(parameterIndex, t, JdbcTypes.convert(x, targetSqlType, -1, t));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setObject(at(parameterIndex), x, targetSqlType, scaleOrLength);
            return;
        }
        bind(parameterIndex, t, JdbcTypes.convert(x, targetSqlType, scaleOrLength, t));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setObject(at(parameterIndex), x, targetSqlType);
            return;
        }
        bind(parameterIndex, t, JdbcTypes.convert(x, JdbcTypes.vendorCode(targetSqlType), -1, t));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        Target t = plan.parameter(parameterIndex);
        if (t == null) {
            preparedDelegate.setObject(at(parameterIndex), x, targetSqlType, scaleOrLength);
            return;
        }
        bind(parameterIndex, t, JdbcTypes.convert(x, JdbcTypes.vendorCode(targetSqlType), scaleOrLength, t));
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
}
