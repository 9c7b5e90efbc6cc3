package dev.veil.spring;

import dev.veil.driver.EncryptedColumn;
import dev.veil.driver.Identifiers;
import dev.veil.driver.VeilConfig;
import dev.veil.driver.VeilDataSource;
import dev.veil.driver.codec.ValueType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Checks, once every singleton exists (so after Hibernate's {@code ddl-auto} ran, and before the web server takes
 * requests), that every encrypted column of every Veil DataSource exists with a type that can hold ciphertext:
 * {@code bytea}, {@code text}/{@code citext}, or {@code varchar(n)} long enough. Problems are thrown together as a
 * {@link VeilSchemaException}, which the failure analyzer prints with the DDL that fixes each one.
 */
final class VeilSchemaValidator implements SmartInitializingSingleton {

    private final ObjectProvider<DataSource> dataSources;

    VeilSchemaValidator(ObjectProvider<DataSource> dataSources) {
        this.dataSources = dataSources;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<VeilSchemaException.Problem> problems = new ArrayList<>();
        for (DataSource dataSource : dataSources.orderedStream().toList()) {
            if (!VeilJpaPostProcessor.isVeil(dataSource)) {
                continue;
            }
            try {
                VeilConfig config = dataSource.unwrap(VeilDataSource.class).runtime().config();
                problems.addAll(validate(dataSource, config));
            } catch (SQLException e) {
                throw new IllegalStateException("Veil schema validation could not read the database catalog: "
                        + e.getMessage(), e);
            }
        }
        if (!problems.isEmpty()) {
            throw new VeilSchemaException(problems);
        }
    }

    static List<VeilSchemaException.Problem> validate(DataSource dataSource, VeilConfig config) throws SQLException {
        List<VeilSchemaException.Problem> problems = new ArrayList<>();
        Map<String, List<EncryptedColumn>> byTable = new LinkedHashMap<>();
        for (EncryptedColumn c : config.columns()) {
            byTable.computeIfAbsent(c.table().qualified(), k -> new ArrayList<>()).add(c);
        }
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            for (List<EncryptedColumn> columns : byTable.values()) {
                EncryptedColumn first = columns.get(0);
                Map<String, String[]> actual = columnsOf(meta, connection, first.table().schema(), first.table().name());
                String table = first.table().sql();
                if (actual == null) {
                    StringBuilder defs = new StringBuilder();
                    for (EncryptedColumn c : columns) {
                        defs.append(defs.length() == 0 ? "" : ", ").append(Identifiers.quoteIfNeeded(c.name()))
                                .append(" bytea");
                    }
                    problems.add(new VeilSchemaException.Problem(first.table().qualified(), "table " + table
                            + " does not exist (encrypted columns: " + columns.stream().map(EncryptedColumn::name)
                                    .toList() + ")",
                            "CREATE TABLE " + table + " (/* other columns, */ " + defs + ");"));
                    continue;
                }
                for (EncryptedColumn c : columns) {
                    String column = Identifiers.quoteIfNeeded(c.name());
                    String[] type = actual.get(c.name());
                    if (type == null) {
                        problems.add(new VeilSchemaException.Problem(c.qualified(), "column " + table + "." + column
                                + " does not exist", "ALTER TABLE " + table + " ADD COLUMN " + column + " bytea;"));
                        continue;
                    }
                    String problem = unfit(type[0], Integer.parseInt(type[1]), c.type());
                    if (problem != null) {
                        problems.add(new VeilSchemaException.Problem(c.qualified(), "column " + table + "." + column
                                + " " + problem, "ALTER TABLE " + table + " ALTER COLUMN " + column
                                + " TYPE bytea USING NULL; -- after migrating values"));
                    }
                }
            }
        }
        return problems;
    }

    /** Why a column of this catalog type cannot hold the ciphertext, or null when it can. */
    static String unfit(String typeName, int size, ValueType declared) {
        String t = typeName.toLowerCase(Locale.ROOT);
        switch (t) {
            case "bytea":
            case "text":
            case "citext":
                return null;
            case "varchar":
            case "character varying":
                int needed = textLength(widest(declared));
                return size > 0 && size < needed ? "is varchar(" + size + "), too short for ciphertext (needs at "
                        + "least varchar(" + needed + "); bytea has no such limit)" : null;
            default:
                return "has type " + typeName + ", which cannot hold ciphertext (use bytea)";
        }
    }

    /** Characters of the text form of an n-byte value's ciphertext (docs/design.md, "Column envelope"). */
    static int textLength(int n) {
        return 6 + (4 * (n + 46) + 2) / 3;
    }

    /** The longest encoded value of a type; strings and bytes assume 64 bytes. */
    static int widest(ValueType type) {
        if (type == null) {
            return 64;
        }
        return switch (type) {
            case BOOLEAN -> 1;
            case SHORT -> 2;
            case INT, FLOAT -> 4;
            case LONG, DOUBLE -> 8;
            case UUID, LOCAL_DATE, LOCAL_TIME, SQL_DATE, SQL_TIME -> 16;
            case LOCAL_DATE_TIME, OFFSET_DATE_TIME, INSTANT, SQL_TIMESTAMP -> 24;
            case DECIMAL -> 40;
            default -> 64;
        };
    }

    /**
     * Column name → {type name, size} of a table: in its schema when configured with one, else in the connection's
     * current schema, else in any schema; null when the table is not found.
     */
    private static Map<String, String[]> columnsOf(DatabaseMetaData meta, Connection connection, String schema,
            String table) throws SQLException {
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
            try (ResultSet rs = meta.getColumns(null, s == null ? null : escape(s, meta), escape(table, meta), "%")) {
                while (rs.next()) {
                    if (rs.getString("TABLE_NAME").equals(table) && (s == null || s.equals(rs.getString("TABLE_SCHEM")))) {
                        out.putIfAbsent(rs.getString("COLUMN_NAME"),
                                new String[] {rs.getString("TYPE_NAME"), String.valueOf(rs.getInt("COLUMN_SIZE"))});
                    }
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        return null;
    }

    private static String escape(String name, DatabaseMetaData meta) throws SQLException {
        String e = meta.getSearchStringEscape();
        return e == null ? name : name.replace(e, e + e).replace("_", e + "_").replace("%", e + "%");
    }
}
