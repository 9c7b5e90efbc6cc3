package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Column label → index for one result, each label resolved once: the first time a label is used, the driver's
 * {@code findColumn} answers it (so its rules hold: case, quoting, the first of duplicate labels), and the answer is
 * kept for the life of the result; every later label getter is one map lookup. Columns past {@code visible} are
 * Veil's hidden ones ({@link FilteredResultSet}): their labels are refused as the driver refuses an unknown one.
 * Not thread-safe (a ResultSet is not).
 */
final class ColumnLabels {

    private final ResultSet driver;
    private final int visible;
    /** Created on the first label that resolves. */
    private Map<String, Integer> resolved;

    /** @param visible how many leading columns the application sees; {@link Integer#MAX_VALUE} when all */
    ColumnLabels(ResultSet driver, int visible) {
        this.driver = driver;
        this.visible = visible;
    }

    /** The 1-based index of the column labelled {@code label}, as {@code findColumn} answers it. */
    int index(String label) throws SQLException {
        Map<String, Integer> known = resolved;
        if (known != null) {
            Integer i = known.get(label);
            if (i != null) {
                return i;
            }
        }
        int i = driver.findColumn(label);
        if (i > visible) {
            throw VeilSqlState.UNDEFINED_COLUMN.exception("The column name " + label
                    + " was not found in this ResultSet.");
        }
        if (known == null) {
            known = new HashMap<>();
            resolved = known;
        }
        known.put(label, i);
        return i;
    }
}
