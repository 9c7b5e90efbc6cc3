package dev.veil.admin.job;

import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the catalog says about one table: its primary key (names and SQL types, in key order), its columns' SQL
 * types, its unique column sets, its CHECK constraints and which columns carry a one-column index. Read once per
 * operation from {@code pg_catalog}.
 */
public final class TableShape {

    private final TableName table;
    private final List<String> key;
    private final Map<String, String> types;
    private final List<Set<String>> unique;
    private final Map<String, Boolean> checks;
    private final Map<String, String> indexedBy;
    private final Map<String, Character> storage;

    private TableShape(TableName table, List<String> key, Map<String, String> types, List<Set<String>> unique,
            Map<String, Boolean> checks, Map<String, String> indexedBy, Map<String, Character> storage) {
        this.table = table;
        this.key = key;
        this.types = types;
        this.unique = unique;
        this.checks = checks;
        this.indexedBy = indexedBy;
        this.storage = storage;
    }

    /** Reads the table's shape; {@code null} when the table does not exist. */
    public static TableShape read(Connection c, TableName table) throws SQLException {
        String regclass = table.sql();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Character> storage = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname, format_type(atttypid, atttypmod), attstorage"
                + " FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                + " ORDER BY attnum")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                    storage.put(rs.getString(1), rs.getString(3).charAt(0));
                }
            }
        }
        if (types.isEmpty()) {
            return null;
        }
        List<String> key = new ArrayList<>();
        List<Set<String>> unique = new ArrayList<>();
        Map<String, String> indexedBy = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indisprimary, i.indisunique,"
                + " i.indexrelid::regclass::text, array(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY"
                + " AS k(attnum, n) JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " ORDER BY k.n) FROM pg_catalog.pg_index i WHERE i.indrelid = to_regclass(?)"
                + " AND i.indpred IS NULL AND i.indexprs IS NULL ORDER BY i.indexrelid")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] cols = (String[]) rs.getArray(4).getArray();
                    if (rs.getBoolean(1)) {
                        key.addAll(List.of(cols));
                    }
                    if (rs.getBoolean(2)) {
                        unique.add(new TreeSet<>(List.of(cols)));
                    }
                    if (cols.length == 1) {
                        indexedBy.putIfAbsent(cols[0], rs.getString(3));
                    }
                }
            }
        }
        Map<String, Boolean> checks = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT conname, convalidated FROM pg_catalog.pg_constraint"
                + " WHERE conrelid = to_regclass(?) AND contype = 'c'")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checks.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        return new TableShape(table, List.copyOf(key), types, unique, checks, indexedBy, storage);
    }

    /** Reads the shape or fails with a usage error naming the table. */
    public static TableShape require(Connection c, TableName table) throws SQLException, JobException {
        TableShape shape = read(c, table);
        if (shape == null) {
            throw JobException.usage("table " + table + " does not exist in the database (as the configuration "
                    + "names it); check the configuration's table names and the connection's database");
        }
        return shape;
    }

    public TableName table() {
        return table;
    }

    /** The primary key's columns in key order; empty when the table has none. */
    public List<String> key() {
        return key;
    }

    /** The primary key, or a usage error explaining why an online job needs one. */
    public List<String> requireKey(String command) throws JobException {
        if (key.isEmpty()) {
            throw JobException.usage(command + " needs a primary key on " + table + ": it walks the table in key "
                    + "order in small batches and writes each row back only if it is unchanged (WHERE key = … AND "
                    + "column = the value read), which needs a key that names exactly one row. Add one (ALTER TABLE "
                    + table.sql() + " ADD PRIMARY KEY (…), or an identity column) and run it again");
        }
        return key;
    }

    /** The SQL type of a column ({@code format_type} spelling), or null when it does not exist. */
    public String type(String column) {
        return types.get(column);
    }

    /**
     * The column's TOAST strategy ({@code pg_attribute.attstorage}): {@code 'x'} EXTENDED (compress, then move out of
     * line), {@code 'e'} EXTERNAL (move out of line uncompressed), {@code 'm'} MAIN, {@code 'p'} PLAIN; null when
     * the column does not exist.
     */
    public Character storage(String column) {
        return storage.get(column);
    }

    public boolean has(String column) {
        return types.containsKey(column);
    }

    /** Whether exactly this set of columns is unique (a unique index or constraint over them and no others). */
    public boolean unique(Set<String> columns) {
        return unique.contains(new TreeSet<>(columns));
    }

    /** Whether a CHECK constraint of this name exists, and whether it is validated. */
    public Boolean check(String name) {
        return checks.get(name);
    }

    /** The name of an index over exactly this one column, or null. */
    public String indexOn(String column) {
        return indexedBy.get(column);
    }

    /** How Veil stores ciphertext in a column of this SQL type: bytea, text, or null when it cannot. */
    public static Storage storageOf(String sqlType) {
        if (sqlType == null) {
            return null;
        }
        String t = sqlType.toLowerCase(Locale.ROOT);
        if (t.equals("bytea")) {
            return Storage.BINARY;
        }
        if (t.equals("text") || t.equals("citext") || t.equals("character varying")
                || t.startsWith("character varying(")) {
            return Storage.TEXT;
        }
        return null;
    }

    /** The storage of a column ciphertext goes to. */
    public enum Storage { BINARY, TEXT }

    /** {@code "col"} quoted as needed. */
    public static String q(String column) {
        return Identifiers.quoteIfNeeded(column);
    }
}
