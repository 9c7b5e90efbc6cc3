package dev.veil.driver.sql;

import dev.veil.driver.schema.TableName;
import java.sql.SQLException;
import java.util.List;

/** What the analysis needs to know of the database schema. */
public interface Catalog {

    /**
     * The table's columns in ordinal order, as the database resolves the name (search path for an unqualified
     * name), or null when no such table is visible.
     */
    TableInfo table(TableName name) throws SQLException;

    /**
     * The table's primary key columns (canonical names, in key order), empty when it has none, or null when this
     * catalog cannot tell (row binding then needs its key columns named).
     */
    default List<String> primaryKey(TableName name) throws SQLException {
        return null;
    }

    /**
     * The table an unqualified reference resolves to on this connection when its name is ambiguous across
     * schemas ({@link SearchPathNames}), schema-qualified; otherwise {@code name} itself.
     */
    default TableName resolved(TableName name) {
        return name;
    }

    /**
     * Columns of one table: canonical names in order, each column's SQL type name and its declared maximum length
     * in characters ({@code -1} when unbounded or unknown; {@code lengths} may be null when none is known), and
     * whether its collation is deterministic (equal text is equal bytes; {@code deterministic} may be null when
     * unknown, read as deterministic: PostgreSQL's database default collations are).
     */
    record TableInfo(List<String> columns, List<String> typeNames, List<Integer> lengths,
            List<Boolean> deterministic) {
        public TableInfo(List<String> columns, List<String> typeNames) {
            this(columns, typeNames, null, null);
        }

        public TableInfo(List<String> columns, List<String> typeNames, List<Integer> lengths) {
            this(columns, typeNames, lengths, null);
        }

        /** Whether the column's collation is deterministic (true when unknown or not collatable). */
        public boolean deterministic(String column) {
            int i = deterministic == null ? -1 : columns.indexOf(column);
            return i < 0 || deterministic.get(i);
        }

        public String typeOf(String column) {
            int i = columns.indexOf(column);
            return i < 0 ? null : typeNames.get(i);
        }

        /** The declared maximum length of a column ({@code varchar(n)}: n), or -1 when unbounded or unknown. */
        public int lengthOf(String column) {
            int i = lengths == null ? -1 : columns.indexOf(column);
            return i < 0 ? -1 : lengths.get(i);
        }
    }
}
