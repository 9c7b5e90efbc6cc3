package dev.veil.driver.sql;

import dev.veil.driver.schema.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The child tables ({@code INHERITS}) and partitions (declarative partitioning, {@code ATTACH PARTITION}) of the
 * encrypted tables, at any depth, as the catalog ({@code pg_inherits}) lists them. Veil encrypts a child like its
 * parent — the parent's columns, keys and {@code table.column} binding — so a row written through either reads back
 * through either. Immutable.
 */
public final class Inheritance {

    public static final Inheritance NONE = new Inheritance(Map.of());

    private static final String QUERY = "SELECT cn.nspname, c.relname, pn.nspname, p.relname "
            + "FROM pg_catalog.pg_inherits i "
            + "JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
            + "JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace "
            + "JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
            + "JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace";

    /** Child table name (canonical, unqualified) to its children-of-the-same-name with their encrypted ancestor. */
    private final Map<String, List<Child>> byName;

    private record Child(String schema, TableName ancestor) {
    }

    private Inheritance(Map<String, List<Child>> byName) {
        this.byName = byName;
    }

    /**
     * Reads every inheritance edge and keeps the descendants of the tables {@code encrypted} accepts.
     *
     * @param encrypted whether a table (schema and name as in the catalog) is a configured encrypted table
     */
    public static Inheritance read(Connection connection, Predicate<TableName> encrypted) throws SQLException {
        Map<TableName, TableName> parentOf = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(QUERY); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                parentOf.put(new TableName(rs.getString(1), rs.getString(2)),
                        new TableName(rs.getString(3), rs.getString(4)));
            }
        }
        if (parentOf.isEmpty()) {
            return NONE;
        }
        Map<String, List<Child>> byName = new HashMap<>();
        for (TableName child : parentOf.keySet()) {
            TableName ancestor = parentOf.get(child);
            int depth = 0;
            while (ancestor != null && !encrypted.test(ancestor) && depth++ < 1000) {
                ancestor = parentOf.get(ancestor);
            }
            if (ancestor != null && encrypted.test(ancestor)) {
                byName.computeIfAbsent(child.name(), k -> new ArrayList<>()).add(new Child(child.schema(), ancestor));
            }
        }
        return byName.isEmpty() ? NONE : new Inheritance(Map.copyOf(byName));
    }

    /**
     * The encrypted ancestor of a table as referenced (schema may be null: any schema matches, erring towards
     * encryption as configured names do), or null when it is no child of an encrypted table.
     */
    public TableName parentOf(String schema, String name) {
        List<Child> children = byName.get(name);
        if (children == null) {
            return null;
        }
        for (Child c : children) {
            if (schema == null || schema.equals(c.schema())) {
                return c.ancestor();
            }
        }
        return null;
    }

    /** Every child table and partition of an encrypted table, with its encrypted ancestor. */
    public Map<TableName, TableName> children() {
        Map<TableName, TableName> out = new HashMap<>();
        byName.forEach((name, list) -> list.forEach(c -> out.put(new TableName(c.schema(), name), c.ancestor())));
        return out;
    }

    /** The unqualified names of all children (for the statement pre-check). */
    public Collection<String> childNames() {
        return byName.keySet();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Inheritance && ((Inheritance) o).byName.equals(byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return "Inheritance" + byName.keySet();
    }
}
