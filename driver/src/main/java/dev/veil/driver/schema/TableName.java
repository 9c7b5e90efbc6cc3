package dev.veil.driver.schema;

import java.util.Objects;

/**
 * A table name in canonical form (see {@link Identifiers}), with an optional schema.
 * A configured name without schema matches the table in any schema; with a schema it matches that schema and
 * unqualified references (which may resolve to it through {@code search_path}) — both err on the side of
 * treating a table as encrypted.
 */
public record TableName(String schema, String name) {

    public TableName {
        Objects.requireNonNull(name, "name");
    }

    public static TableName parse(String qualified) {
        String[] parts = Identifiers.split(qualified);
        if (parts.length == 1) {
            return new TableName(null, parts[0]);
        }
        if (parts.length == 2) {
            return new TableName(parts[0], parts[1]);
        }
        // catalog.schema.table: the catalog is the database; keep schema and table
        return new TableName(parts[parts.length - 2], parts[parts.length - 1]);
    }

    /** {@code schema.name} or {@code name}, canonical, as used in messages and key scopes. */
    public String qualified() {
        return schema == null ? name : schema + "." + name;
    }

    /** The name as it must be written in SQL. */
    public String sql() {
        return schema == null ? Identifiers.quoteIfNeeded(name)
                : Identifiers.quoteIfNeeded(schema) + "." + Identifiers.quoteIfNeeded(name);
    }

    @Override
    public String toString() {
        return qualified();
    }
}
