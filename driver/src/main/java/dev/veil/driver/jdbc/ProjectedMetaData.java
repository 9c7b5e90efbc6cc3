package dev.veil.driver.jdbc;

import dev.veil.driver.codec.Projection;
import dev.veil.driver.sql.ResultShape;
import dev.veil.driver.sql.Target;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * Metadata of a result with projections evaluated after decryption ({@code ssn::text}, {@code COALESCE(ssn, ?)}):
 * such a column reports the type PostgreSQL reports for the expression (name, JDBC type, Java class), not the
 * ciphertext column's storage type; every other call is forwarded. Trailing row-filter columns stay hidden.
 */
final class ProjectedMetaData extends DelegatingResultSetMetaData {

    private final Target[] targets;
    /** The columns the application sees (-1: all but {@link #hidden}). */
    private final int visible;
    private final int hidden;

    ProjectedMetaData(ResultSetMetaData delegate, Target[] targets, int visible) {
        this(delegate, targets, visible, 0);
    }

    private ProjectedMetaData(ResultSetMetaData delegate, Target[] targets, int visible, int hidden) {
        super(delegate);
        this.targets = targets;
        this.visible = visible;
        this.hidden = hidden;
    }

    /**
     * A prepared statement's result metadata before execution: projected columns report their type; null when the
     * shape has no projection (the caller keeps its own wrapper).
     */
    static ResultSetMetaData of(ResultSetMetaData raw, ResultShape shape) {
        Target[] targets = new Target[shape.knownColumns()];
        for (int i = 1; i <= targets.length; i++) {
            targets[i - 1] = shape.target(i);
        }
        return raw == null || !any(targets) ? null : new ProjectedMetaData(raw, targets, -1, shape.hidden());
    }

    static boolean any(Target[] targets) {
        for (Target t : targets) {
            if (t != null && t.projection() != null) {
                return true;
            }
        }
        return false;
    }

    private Projection.Result result(int column) {
        Target t = column >= 1 && column <= targets.length ? targets[column - 1] : null;
        return t == null || t.projection() == null ? null : t.projection().result();
    }

    @Override
    public int getColumnCount() throws SQLException {
        return visible < 0 ? delegate.getColumnCount() - hidden : visible;
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        Projection.Result r = result(column);
        return r == null ? delegate.getColumnType(column) : r.sqlType();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        Projection.Result r = result(column);
        return r == null ? delegate.getColumnTypeName(column) : r.typeName();
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        Projection.Result r = result(column);
        return r == null ? delegate.getColumnClassName(column) : r.className();
    }
}
