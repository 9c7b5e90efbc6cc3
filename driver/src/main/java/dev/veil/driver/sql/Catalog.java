package dev.veil.driver.sql;

import dev.veil.driver.TableName;
import java.sql.SQLException;
import java.util.List;

/** What the analysis needs to know of the database schema. */
public interface Catalog {

    /**
     * The table's columns in ordinal order, as the database resolves the name (search path for an unqualified
     * name), or null when no such table is visible.
     */
    TableInfo table(TableName name) throws SQLException;

    /** Columns of one table: canonical names in order, and each column's SQL type name. */
    record TableInfo(List<String> columns, List<String> typeNames) {
        public String typeOf(String column) {
            int i = columns.indexOf(column);
            return i < 0 ? null : typeNames.get(i);
        }
    }
}
