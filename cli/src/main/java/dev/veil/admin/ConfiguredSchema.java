package dev.veil.admin;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration seen table by table, and the names the commands accept: {@code table.column} or
 * {@code schema.table.column} for columns, {@code table.index} for blind indexes (the companion column's name).
 */
final class ConfiguredSchema {

    /** One configured table: its encrypted columns and its blind indexes. */
    record Table(TableName name, List<EncryptedColumn> columns, List<ConfiguredIndex> indexes) {

        /** The indexes with at least one of {@code sources} among their columns. */
        List<ConfiguredIndex> indexesOver(List<EncryptedColumn> sources) {
            List<ConfiguredIndex> out = new ArrayList<>();
            for (ConfiguredIndex ix : indexes) {
                for (EncryptedColumn c : sources) {
                    if (ix.columns().contains(c.name()) && !out.contains(ix)) {
                        out.add(ix);
                    }
                }
            }
            return out;
        }

        EncryptedColumn column(String name) {
            for (EncryptedColumn c : columns) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    private final Map<TableName, Table> tables = new LinkedHashMap<>();

    ConfiguredSchema(VeilConfig config) {
        Map<TableName, List<EncryptedColumn>> cols = new LinkedHashMap<>();
        Map<TableName, List<ConfiguredIndex>> ixs = new LinkedHashMap<>();
        for (EncryptedColumn c : config.columns()) {
            cols.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
        }
        for (ConfiguredIndex ix : config.blindIndexes()) {
            ixs.computeIfAbsent(ix.table(), t -> new ArrayList<>()).add(ix);
            cols.computeIfAbsent(ix.table(), t -> new ArrayList<>());
        }
        for (Map.Entry<TableName, List<EncryptedColumn>> e : cols.entrySet()) {
            tables.put(e.getKey(), new Table(e.getKey(), List.copyOf(e.getValue()),
                    List.copyOf(ixs.getOrDefault(e.getKey(), List.of()))));
        }
    }

    List<Table> tables() {
        return List.copyOf(tables.values());
    }

    /** A configured table by name ({@code users} or {@code public.users}). */
    Table table(String name) throws AdminException {
        TableName wanted = TableName.parse(name);
        Table t = tables.get(wanted);
        if (t == null && wanted.schema() != null) {
            t = tables.get(new TableName(null, wanted.name()));
        }
        if (t == null && wanted.schema() == null) {
            for (Table candidate : tables.values()) {
                if (candidate.name().name().equals(wanted.name())) {
                    t = candidate;
                    break;
                }
            }
        }
        if (t == null) {
            throw AdminException.usage("table " + name + " is not in the Veil configuration; configured tables: "
                    + names());
        }
        return t;
    }

    /** A configured encrypted column: {@code table.column} or {@code schema.table.column}. */
    EncryptedColumn column(String spec) throws AdminException {
        String[] parts = Identifiers.split(spec);
        if (parts.length < 2) {
            throw AdminException.usage("a column is named table.column (e.g. users.email), was '" + spec + "'");
        }
        String column = parts[parts.length - 1];
        Table t = table(spec.substring(0, spec.length() - rawLast(spec).length() - 1));
        EncryptedColumn c = t.column(column);
        if (c == null) {
            throw AdminException.usage(t.name() + "." + column + " is not an encrypted column of the configuration; "
                    + "encrypted columns of " + t.name() + ": " + t.columns());
        }
        return c;
    }

    /** A configured blind index: {@code table.index} (the companion column's name). */
    ConfiguredIndex index(String spec) throws AdminException {
        String[] parts = Identifiers.split(spec);
        if (parts.length < 2) {
            throw AdminException.usage("a blind index is named table.index (e.g. users.email_bidx), was '" + spec
                    + "'");
        }
        String name = parts[parts.length - 1];
        Table t = table(spec.substring(0, spec.length() - rawLast(spec).length() - 1));
        for (ConfiguredIndex ix : t.indexes()) {
            if (ix.name().equals(name)) {
                return ix;
            }
        }
        throw AdminException.usage(t.name() + "." + name + " is not a blind index of the configuration; blind indexes "
                + "of " + t.name() + ": " + t.indexes());
    }

    Table tableOf(EncryptedColumn c) {
        return tables.get(c.table());
    }

    Table tableOf(ConfiguredIndex ix) {
        return tables.get(ix.table());
    }

    private String names() {
        List<String> out = new ArrayList<>();
        for (TableName t : tables.keySet()) {
            out.add(t.qualified());
        }
        return out.isEmpty() ? "(none)" : String.join(", ", out);
    }

    /** The last dotted part as written (quoted or not), so the rest is the table as written. */
    private static String rawLast(String spec) {
        if (spec.endsWith("\"")) {
            int open = spec.lastIndexOf('"', spec.length() - 2);
            return spec.substring(open);
        }
        return spec.substring(spec.lastIndexOf('.') + 1);
    }
}
