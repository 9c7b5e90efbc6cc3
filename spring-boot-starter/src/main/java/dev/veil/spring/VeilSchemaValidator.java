package dev.veil.spring;

import dev.veil.driver.codec.CiphertextSize;
import dev.veil.blindindex.LeakageReport;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.VeilDataSource;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.driver.codec.ValueType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Checks, once every singleton exists (so after Hibernate's {@code ddl-auto} ran, and before the web server takes
 * requests), each Veil DataSource's schema:
 * <ul>
 *   <li>every encrypted column exists with a type that can hold ciphertext: {@code bytea}, {@code text}/{@code citext},
 *       or {@code varchar(n)} long enough;</li>
 *   <li>every blind index's companion column exists as {@code bytea}, with an index whose first column it is.</li>
 * </ul>
 * Problems are thrown together as a {@link VeilSchemaException}, which the failure analyzer prints with the DDL that
 * fixes each one. When the schema is right it also logs, without failing: a WARNING per blind index that has rows
 * written before it existed (Veil refuses searches through it with VE013 until they are re-saved; failing start-up
 * would stop the very application that re-saves them), and at INFO the leakage guidance of each index from
 * PostgreSQL's statistics (numbers only, never values).
 *
 * <p>Then it samples each encrypted column ({@code veil.schema.plaintext-check}, default {@code fail}): values that
 * do not start with Veil's envelope ({@code V\x01} in {@code bytea}, {@code veil1:} in text) were written without
 * Veil and would fail every read with VE004, so start-up fails with a {@link VeilLegacyPlaintextException} naming
 * each column, the count and the migration; {@code warn}, or {@code veil.allow-legacy-plaintext}, logs it instead.
 */
final class VeilSchemaValidator implements SmartInitializingSingleton {

    private static final System.Logger LOG = System.getLogger(VeilSchemaValidator.class.getName());

    private final ObjectProvider<DataSource> dataSources;
    private final VeilProperties.PlaintextCheck plaintextCheck;
    private final int sampleSize;

    VeilSchemaValidator(ObjectProvider<DataSource> dataSources) {
        this(dataSources, VeilProperties.PlaintextCheck.FAIL, 1000);
    }

    VeilSchemaValidator(ObjectProvider<DataSource> dataSources, VeilProperties.PlaintextCheck plaintextCheck,
            int sampleSize) {
        this.dataSources = dataSources;
        this.plaintextCheck = plaintextCheck;
        this.sampleSize = sampleSize;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<VeilSchemaException.Problem> problems = new ArrayList<>();
        Map<DataSource, VeilRuntime> checked = new LinkedHashMap<>();
        for (DataSource dataSource : dataSources.orderedStream().toList()) {
            if (!VeilJpaPostProcessor.isVeil(dataSource)) {
                continue;
            }
            try {
                VeilRuntime runtime = dataSource.unwrap(VeilDataSource.class).runtime();
                problems.addAll(validate(dataSource, runtime.config()));
                checked.put(dataSource, runtime);
            } catch (SQLException e) {
                throw new IllegalStateException("Veil schema validation could not read the database catalog: "
                        + e.getMessage(), e);
            }
        }
        if (!problems.isEmpty()) {
            throw new VeilSchemaException(problems);
        }
        if (plaintextCheck != VeilProperties.PlaintextCheck.OFF) {
            List<VeilLegacyPlaintextException.Finding> findings = new ArrayList<>();
            boolean legacyAllowed = true; // every finding is in a column whose migration window is open
            for (Map.Entry<DataSource, VeilRuntime> e : checked.entrySet()) {
                VeilConfig config = e.getValue().config();
                try {
                    for (VeilLegacyPlaintextException.Finding f : samplePlaintext(e.getKey(), config, sampleSize)) {
                        findings.add(f);
                        legacyAllowed &= config.allowLegacyPlaintext()
                                || config.legacyPlaintextColumns().contains(f.column());
                    }
                } catch (SQLException ex) {
                    throw new IllegalStateException("Veil could not sample its encrypted columns for plaintext: "
                            + ex.getMessage() + " (veil.schema.plaintext-check=off skips this check)", ex);
                }
            }
            if (!findings.isEmpty()) {
                if (plaintextCheck == VeilProperties.PlaintextCheck.FAIL && !legacyAllowed) {
                    throw new VeilLegacyPlaintextException(findings);
                }
                LOG.log(System.Logger.Level.WARNING, "Veil: encrypted columns hold values that are not Veil "
                        + "ciphertext: " + findings + ". " + VeilLegacyPlaintextException.procedure());
            }
        }
        checked.forEach((dataSource, runtime) -> {
            if (!runtime.config().blindIndexes().isEmpty()) {
                report(dataSource, runtime);
            }
        });
    }

    static List<VeilSchemaException.Problem> validate(DataSource dataSource, VeilConfig config) throws SQLException {
        List<VeilSchemaException.Problem> problems = new ArrayList<>();
        Map<String, List<EncryptedColumn>> byTable = new LinkedHashMap<>();
        Map<String, List<ConfiguredIndex>> indexesByTable = new LinkedHashMap<>();
        Map<String, TableName> tables = new LinkedHashMap<>();
        for (EncryptedColumn c : config.columns()) {
            tables.putIfAbsent(c.table().qualified(), c.table());
            byTable.computeIfAbsent(c.table().qualified(), k -> new ArrayList<>()).add(c);
        }
        for (ConfiguredIndex i : config.blindIndexes()) {
            tables.putIfAbsent(i.table().qualified(), i.table());
            indexesByTable.computeIfAbsent(i.table().qualified(), k -> new ArrayList<>()).add(i);
        }
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            for (Map.Entry<String, TableName> entry : tables.entrySet()) {
                TableName name = entry.getValue();
                List<EncryptedColumn> columns = byTable.getOrDefault(entry.getKey(), List.of());
                List<ConfiguredIndex> indexes = indexesByTable.getOrDefault(entry.getKey(), List.of());
                Shape actual = shapeOf(meta, connection, name.schema(), name.name());
                String table = name.sql();
                if (actual == null) {
                    StringBuilder defs = new StringBuilder();
                    for (EncryptedColumn c : columns) {
                        defs.append(defs.length() == 0 ? "" : ", ").append(Identifiers.quoteIfNeeded(c.name()))
                                .append(" bytea");
                    }
                    StringBuilder after = new StringBuilder();
                    for (ConfiguredIndex i : indexes) {
                        defs.append(defs.length() == 0 ? "" : ", ").append(Identifiers.quoteIfNeeded(i.name()))
                                .append(" bytea");
                        after.append(' ').append(createIndex(name, i));
                    }
                    problems.add(new VeilSchemaException.Problem(indexes.isEmpty() ? VeilSchemaException.Kind.TABLE
                            : VeilSchemaException.Kind.TABLE_WITH_BLIND_INDEXES, name.qualified(), "table " + table
                            + " does not exist (encrypted columns: " + columns.stream().map(EncryptedColumn::name)
                                    .toList() + (indexes.isEmpty() ? "" : ", blind-index columns: "
                                            + indexes.stream().map(ConfiguredIndex::name).toList()) + ")",
                            "CREATE TABLE " + table + " (/* other columns, */ " + defs + ");" + after));
                    continue;
                }
                for (EncryptedColumn c : columns) {
                    String column = Identifiers.quoteIfNeeded(c.name());
                    String[] type = actual.columns().get(c.name());
                    if (type == null) {
                        problems.add(new VeilSchemaException.Problem(VeilSchemaException.Kind.ENCRYPTED_COLUMN,
                                c.qualified(), "column " + table + "." + column
                                + " does not exist", "ALTER TABLE " + table + " ADD COLUMN " + column + " bytea;"));
                        continue;
                    }
                    String problem = unfit(type[0], Integer.parseInt(type[1]), c.type(), c.padding());
                    if (problem != null) {
                        problems.add(new VeilSchemaException.Problem(VeilSchemaException.Kind.ENCRYPTED_COLUMN,
                                c.qualified(), "column " + table + "." + column
                                + " " + problem, "ALTER TABLE " + table + " ALTER COLUMN " + column
                                + " TYPE bytea USING NULL; -- after migrating values"));
                    }
                }
                if (!indexes.isEmpty()) {
                    Set<String> indexed = indexedColumns(meta, actual.schema(), name.name());
                    for (ConfiguredIndex i : indexes) {
                        problems.addAll(check(name, i, actual.columns().get(i.name()), indexed));
                    }
                }
            }
        }
        return problems;
    }

    /** The problems of one blind index's companion column: missing, not bytea, not indexed. */
    private static List<VeilSchemaException.Problem> check(TableName name, ConfiguredIndex index, String[] type,
            Set<String> indexed) {
        String table = name.sql();
        String column = Identifiers.quoteIfNeeded(index.name());
        String what = "blind index " + index.qualified() + " (on " + String.join(", ", index.columns()) + ")";
        if (type == null) {
            return List.of(new VeilSchemaException.Problem(VeilSchemaException.Kind.BLIND_INDEX,
                    index.qualified(), what + ": column " + table + "."
                    + column + " does not exist", "ALTER TABLE " + table + " ADD COLUMN " + column + " bytea; "
                            + createIndex(name, index)));
        }
        List<VeilSchemaException.Problem> problems = new ArrayList<>();
        if (!type[0].equalsIgnoreCase("bytea")) {
            problems.add(new VeilSchemaException.Problem(VeilSchemaException.Kind.BLIND_INDEX,
                    index.qualified(), what + ": column " + table + "." + column
                    + " has type " + type[0] + ", but index values are bytea", "ALTER TABLE " + table
                            + " ALTER COLUMN " + column + " TYPE bytea USING NULL; -- rows are indexed again when "
                            + "re-saved through Veil"));
        }
        if (!indexed.contains(index.name())) {
            problems.add(new VeilSchemaException.Problem(VeilSchemaException.Kind.BLIND_INDEX,
                    index.qualified(), what + ": column " + table + "." + column
                    + " has no index, so every search through it would read the whole table",
                    createIndex(name, index)));
        }
        return problems;
    }

    /** {@code CREATE INDEX <table>_<companion>_idx ON table (companion);}, as the Hibernate integrator names it. */
    static String createIndex(TableName table, ConfiguredIndex index) {
        return "CREATE INDEX " + Identifiers.quoteIfNeeded(VeilHibernateIntegrator.indexName(table.name(), index.name()))
                + " ON " + table.sql() + " (" + Identifiers.quoteIfNeeded(index.name()) + ");";
    }

    /** Logs blind indexes with rows that predate them (WARNING) and each index's leakage guidance (INFO). */
    private static void report(DataSource dataSource, VeilRuntime runtime) {
        try (Connection connection = dataSource.getConnection()) {
            for (ConfiguredIndex index : runtime.config().blindIndexes()) {
                if (backfillPending(connection, index)) {
                    LOG.log(System.Logger.Level.WARNING, "Veil: blind index " + index.qualified() + " has no value "
                            + "yet for rows written before it was declared. Searches through it are refused (SQLState "
                            + "VE013, InvalidDataAccessResourceUsageException) until those rows are re-saved through "
                            + "Veil: read them and write each back with ? parameters (UPDATE … SET "
                            + String.join(" = ?, ", index.columns()) + " = ? WHERE key = ?; an UPDATE setting a "
                            + "column to itself fills nothing; docs/configuration.md, \"Filling a new blind index\"); "
                            + "writes keep filling it.");
                }
            }
            Map<String, Optional<LeakageReport>> leakage = runtime.leakage(connection);
            leakage.forEach((index, report) -> LOG.log(System.Logger.Level.INFO, report
                    .map(r -> "Veil leakage guidance (from PostgreSQL statistics; numbers only):\n" + r)
                    .orElse("Veil leakage guidance: blind index " + index + " has no statistics yet; it is printed "
                            + "here at start-up once the table has been analysed (ANALYZE, or autovacuum)")));
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.INFO, "Veil could not read the backfill state and leakage statistics of its "
                    + "blind indexes: " + e.getMessage());
        }
    }

    /**
     * Per encrypted column, how many of its first {@code sampleSize} non-null values lack Veil's envelope. Reads
     * the stored bytes through the database driver's own connection (Veil would rightly refuse the prefix test).
     */
    static List<VeilLegacyPlaintextException.Finding> samplePlaintext(DataSource dataSource, VeilConfig config,
            int sampleSize) throws SQLException {
        List<VeilLegacyPlaintextException.Finding> findings = new ArrayList<>();
        try (Connection veil = dataSource.getConnection()) {
            Connection raw = raw(veil);
            if (raw == null) {
                return findings;
            }
            for (EncryptedColumn c : config.columns()) {
                String column = Identifiers.quoteIfNeeded(c.name());
                String sql = "SELECT count(*), count(*) FILTER (WHERE CASE WHEN pg_typeof(v)::text = 'bytea' "
                        + "THEN substring(v::text from 1 for 6) <> '\\x5601' ELSE left(v::text, 6) <> 'veil1:' END) "
                        + "FROM (SELECT " + column + " AS v FROM " + c.table().sql() + " WHERE " + column
                        + " IS NOT NULL LIMIT " + sampleSize + ") sample";
                try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    long sampled = rs.getLong(1);
                    long plaintext = rs.getLong(2);
                    if (plaintext > 0) {
                        findings.add(new VeilLegacyPlaintextException.Finding(c.qualified(), plaintext, sampled));
                    }
                }
            }
        }
        return findings;
    }

    /** The PostgreSQL driver's own connection behind a Veil one, or null on another database. */
    private static Connection raw(Connection veil) throws SQLException {
        try {
            Class<?> pg = Class.forName("org.postgresql.PGConnection", false, VeilSchemaValidator.class.getClassLoader());
            return veil.isWrapperFor(pg) && veil.unwrap(pg) instanceof Connection c ? c : null;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The runtime's VE013 condition: a row has every source column set but no index value. */
    static boolean backfillPending(Connection connection, ConfiguredIndex index) throws SQLException {
        StringBuilder q = new StringBuilder("SELECT 1 FROM ").append(index.table().sql()).append(" WHERE ");
        for (String c : index.columns()) {
            q.append(Identifiers.quoteIfNeeded(c)).append(" IS NOT NULL AND ");
        }
        q.append(Identifiers.quoteIfNeeded(index.name())).append(" IS NULL LIMIT 1");
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(q.toString())) {
            return rs.next();
        }
    }

    /** Why a column of this catalog type cannot hold the (padded) ciphertext, or null when it can. */
    static String unfit(String typeName, int size, ValueType declared, dev.veil.driver.codec.Padding padding) {
        String t = typeName.toLowerCase(Locale.ROOT);
        switch (t) {
            case "bytea":
            case "text":
            case "citext":
                return null;
            case "varchar":
            case "character varying":
                int needed = CiphertextSize.textLength(CiphertextSize.widest(declared, padding));
                return size > 0 && size < needed ? "is varchar(" + size + "), too short for ciphertext (needs at "
                        + "least varchar(" + needed + "); bytea has no such limit)" : null;
            default:
                return "has type " + typeName + ", which cannot hold ciphertext (use bytea)";
        }
    }



    /** A table as found in the catalog: its schema and column name → {type name, size}. */
    private record Shape(String schema, Map<String, String[]> columns) {
    }

    /**
     * A table's shape: in its schema when configured with one, else in the connection's current schema, else in
     * any schema; null when the table is not found.
     */
    private static Shape shapeOf(DatabaseMetaData meta, Connection connection, String schema, String table)
            throws SQLException {
        List<String> schemas = new ArrayList<>();
        if (schema != null) {
            schemas.add(schema);
        } else {
            String current = connection.getSchema();
            if (current != null) {
                schemas.add(current);
            }
            schemas.add(null);
        }
        for (String s : schemas) {
            Map<String, String[]> out = new LinkedHashMap<>();
            String found = null;
            try (ResultSet rs = meta.getColumns(null, s == null ? null : escape(s, meta), escape(table, meta), "%")) {
                while (rs.next()) {
                    String in = rs.getString("TABLE_SCHEM");
                    if (rs.getString("TABLE_NAME").equals(table) && (s == null || s.equals(in))
                            && (found == null || found.equals(in))) {
                        found = in;
                        out.putIfAbsent(rs.getString("COLUMN_NAME"),
                                new String[] {rs.getString("TYPE_NAME"), String.valueOf(rs.getInt("COLUMN_SIZE"))});
                    }
                }
            }
            if (!out.isEmpty()) {
                return new Shape(found, out);
            }
        }
        return null;
    }

    /** The columns that lead some index (or primary/unique key) of a table. */
    private static Set<String> indexedColumns(DatabaseMetaData meta, String schema, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (ResultSet rs = meta.getIndexInfo(null, schema, table, false, true)) {
            while (rs.next()) {
                if (rs.getShort("ORDINAL_POSITION") == 1 && rs.getString("COLUMN_NAME") != null) {
                    out.add(rs.getString("COLUMN_NAME"));
                }
            }
        }
        return out;
    }

    private static String escape(String name, DatabaseMetaData meta) throws SQLException {
        String e = meta.getSearchStringEscape();
        return e == null ? name : name.replace(e, e + e).replace("_", e + "_").replace("%", e + "%");
    }
}
