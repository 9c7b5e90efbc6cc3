package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.sql.ResultShape;
import dev.veil.driver.sql.Target;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Map;

/**
 * Chooses the wrapper for a result: a guarded forwarding one when nothing in it is encrypted, else a
 * {@link VeilResultSet} (a {@link FilteredResultSet} when Veil appended hidden columns) with the encrypted positions
 * resolved once, here.
 */
final class ResultSets {

    private ResultSets() {
    }

    static ResultSet wrap(DelegatingStatement statement, ResultSet raw, ResultShape shape) {
        return wrap(statement, raw, shape, null);
    }

    /**
     * @param parameters the statement's kept parameter values, for row filters comparing with parameters
     */
    static ResultSet wrap(DelegatingStatement statement, ResultSet raw, ResultShape shape, Object[] parameters) {
        if (raw == null) {
            return null;
        }
        if (!shape.hasEncrypted()) {
            return new GuardedResultSet(statement, raw);
        }
        try {
            Target[] targets = resolve(raw, shape);
            if (shape.hidden() == 0) {
                return new VeilResultSet(statement, raw, targets, null, Integer.MAX_VALUE, parameters);
            }
            int visible = targets.length - shape.hidden();
            java.util.Arrays.fill(targets, visible, targets.length, EncryptedValues.HIDDEN);
            // hidden columns without row filters hold row keys (row binding): the result stays scrollable
            return new FilteredResultSet(statement, raw, targets, visible, shape.filters(), parameters);
        } catch (SQLException e) {
            if (statement.connection instanceof VeilConnection) {
                ((VeilConnection) statement.connection).runtime().invalidateSchema();
            }
            return new VeilResultSet(statement, raw, new Target[0], e);
        }
    }

    /**
     * Wraps a result whose columns belong to one table and are matched by label: {@code getGeneratedKeys()}
     * ({@code RETURNING *} or the requested columns).
     */
    static ResultSet wrapByLabel(DelegatingStatement statement, ResultSet raw, Map<String, Target> byName)
            throws SQLException {
        if (raw == null) {
            return null;
        }
        if (byName.isEmpty()) {
            return new GuardedResultSet(statement, raw);
        }
        ResultSetMetaData md = raw.getMetaData();
        int n = md.getColumnCount();
        Target[] targets = new Target[n];
        boolean any = false;
        Map<String, Integer> positions = new java.util.HashMap<>();
        for (int i = 1; i <= n; i++) {
            targets[i - 1] = byName.get(Identifiers.canonical(md.getColumnLabel(i)));
            positions.putIfAbsent(Identifiers.canonical(md.getColumnLabel(i)), i);
            any |= targets[i - 1] != null;
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] != null && targets[i].rowBinding() != null) {
                // row binding: the key columns by label; a value whose key is not among the columns stays unreadable
                targets[i] = targets[i].readingKeysAt(positions);
            }
        }
        return any ? new VeilResultSet(statement, raw, targets, null) : new GuardedResultSet(statement, raw);
    }

    /**
     * The encrypted positions of a result, checked against what the driver reports: a result whose shape changed
     * since the plan was made (a column dropped) is refused rather than misread.
     */
    private static Target[] resolve(ResultSet raw, ResultShape shape) throws SQLException {
        ResultSetMetaData md = raw.getMetaData();
        int n = md.getColumnCount();
        if (shape.columnCount() >= 0 && shape.columnCount() != n) {
            throw mismatch();
        }
        if (shape.knownColumns() > n) {
            throw mismatch();
        }
        Target[] targets = new Target[n];
        for (int i = 1; i <= shape.knownColumns(); i++) {
            Target t = shape.target(i);
            if (t != null) {
                String expected = shape.label(i);
                String label = expected == null ? null : md.getColumnLabel(i);
                if (expected != null && !expected.equals(label) && !expected.equals(Identifiers.canonical(label))) {
                    throw mismatch();
                }
                targets[i - 1] = t;
            }
        }
        return targets;
    }

    private static SQLException mismatch() {
        return VeilSqlState.SCHEMA_MISMATCH.exception("the result's columns are not where Veil's analysis placed them "
                + "(the table changed since the statement was first analysed). Veil refuses to read it; run the "
                + "statement again after the schema change has been seen (DDL through Veil resets its cache), or "
                + "list the columns instead of *");
    }
}
