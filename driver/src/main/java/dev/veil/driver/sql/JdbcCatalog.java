package dev.veil.driver.sql;

import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads table shapes from the database through the application's connection (so the connection's search path and
 * uncommitted DDL count), caching them in a {@link Cache} shared by every connection of one runtime. PostgreSQL is
 * asked with {@code to_regclass}, which resolves a name exactly as a statement would; other databases through
 * {@link DatabaseMetaData#getColumns}.
 */
public final class JdbcCatalog implements Catalog {

    private static final String PG_COLUMNS = "SELECT a.attname, t.typname, a.atttypmod, "
            + "coalesce(co.collisdeterministic, true) FROM pg_catalog.pg_attribute a "
            + "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
            + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
            + "WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

    private static final String PG_PRIMARY_KEY = "SELECT a.attname FROM pg_catalog.pg_index i "
            + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            + "WHERE i.indrelid = pg_catalog.to_regclass(?) AND i.indisprimary "
            + "ORDER BY pg_catalog.array_position(i.indkey::int2[], a.attnum)";

    /** Table shapes by qualified name as referenced; only tables that exist are cached. */
    public static final class Cache {
        private final ConcurrentHashMap<String, TableInfo> tables = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, List<String>> primaryKeys = new ConcurrentHashMap<>();
        private volatile Boolean postgres;

        public void clear() {
            tables.clear();
            primaryKeys.clear();
        }
    }

    private final Connection connection;
    private final Cache cache;
    /** Ambiguous unqualified names to the schema they resolve to on this connection (null value: none). */
    private final java.util.Map<String, String> resolution;

    public JdbcCatalog(Connection connection, Cache cache) {
        this(connection, cache, null);
    }

    /** @param resolution see {@link SearchPathNames#resolve}; null when the statement names no ambiguous name */
    public JdbcCatalog(Connection connection, Cache cache, java.util.Map<String, String> resolution) {
        this.connection = connection;
        this.cache = cache;
        this.resolution = resolution;
    }

    @Override
    public TableName resolved(TableName name) {
        if (resolution == null || name.schema() != null) {
            return name;
        }
        String schema = resolution.get(name.name());
        return schema == null ? name : new TableName(schema, name.name());
    }

    @Override
    public TableInfo table(TableName name) throws SQLException {
        String key = name.qualified();
        TableInfo info = cache.tables.get(key);
        if (info != null) {
            return info;
        }
        info = isPostgres() ? readPostgres(name) : readMetaData(name);
        if (info != null) {
            cache.tables.put(key, info);
        }
        return info;
    }

    @Override
    public List<String> primaryKey(TableName name) throws SQLException {
        String key = name.qualified();
        List<String> pk = cache.primaryKeys.get(key);
        if (pk != null) {
            return pk;
        }
        List<String> columns = new ArrayList<>();
        if (isPostgres()) {
            try (PreparedStatement ps = connection.prepareStatement(PG_PRIMARY_KEY)) {
                ps.setString(1, name.sql());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add(rs.getString(1));
                    }
                }
            }
        } else {
            java.util.TreeMap<Short, String> bySeq = new java.util.TreeMap<>();
            try (ResultSet rs = connection.getMetaData().getPrimaryKeys(connection.getCatalog(), name.schema(),
                    name.name())) {
                while (rs.next()) {
                    bySeq.put(rs.getShort("KEY_SEQ"), Identifiers.canonical(rs.getString("COLUMN_NAME")));
                }
            }
            columns.addAll(bySeq.values());
        }
        pk = List.copyOf(columns);
        if (!pk.isEmpty()) {
            cache.primaryKeys.put(key, pk);
        }
        return pk;
    }

    private boolean isPostgres() throws SQLException {
        Boolean pg = cache.postgres;
        if (pg == null) {
            pg = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                    .contains("postgres");
            cache.postgres = pg;
        }
        return pg;
    }

    private TableInfo readPostgres(TableName name) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<Boolean> deterministic = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PG_COLUMNS)) {
            ps.setString(1, name.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(rs.getString(2));
                    lengths.add(characterLength(rs.getString(2), rs.getInt(3)));
                    deterministic.add(rs.getBoolean(4));
                }
            }
        }
        return columns.isEmpty() ? null
                : new TableInfo(List.copyOf(columns), List.copyOf(types), List.copyOf(lengths),
                        List.copyOf(deterministic));
    }

    /** {@code varchar(n)} and {@code char(n)} store n + 4 in {@code atttypmod}; -1 means no limit. */
    private static int characterLength(String typeName, int typmod) {
        boolean character = "varchar".equals(typeName) || "bpchar".equals(typeName);
        return character && typmod > 4 ? typmod - 4 : -1;
    }

    private TableInfo readMetaData(TableName name) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        DatabaseMetaData md = connection.getMetaData();
        try (ResultSet rs = md.getColumns(connection.getCatalog(), name.schema(), name.name(), null)) {
            while (rs.next()) {
                columns.add(Identifiers.canonical(rs.getString("COLUMN_NAME")));
                types.add(rs.getString("TYPE_NAME"));
            }
        }
        return columns.isEmpty() ? null : new TableInfo(List.copyOf(columns), List.copyOf(types));
    }
}
