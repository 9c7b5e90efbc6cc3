package dev.veil.driver.config;

import dev.veil.driver.codec.CiphertextSize;
import dev.veil.driver.codec.Padding;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The column rules of {@link VeilConfig.Builder#build()}: names valid, one declaration per column unless they agree,
 * padding only where it hides something, legacy plaintext only for configured columns.
 */
final class ColumnRules {

    private ColumnRules() {
    }

    /** The encrypted columns of the declarations, merged where they agree; conflicts fail naming both origins. */
    static List<EncryptedColumn> columns(List<ColumnSpec> specs) {
        List<EncryptedColumn> columns = new ArrayList<>();
        Map<String, ColumnSpec> seen = new LinkedHashMap<>();
        for (ColumnSpec s : specs) {
            EncryptedColumn c = s.toColumn();
            String key = c.qualified();
            ColumnSpec earlier = seen.get(key);
            if (earlier != null) {
                EncryptedColumn e = earlier.toColumn();
                boolean typesAgree = e.type() == null || c.type() == null || e.type() == c.type();
                boolean paddingAgrees = !e.padding().enabled() || !c.padding().enabled()
                        || e.padding().equals(c.padding());
                if (!typesAgree || !paddingAgrees || !e.boundName().equals(c.boundName())) {
                    throw new VeilConfigException("conflicting configuration for encrypted column " + key + ": "
                            + earlier.origin + " says " + describe(e) + ", " + s.origin + " says " + describe(c)
                            + ". Make both declarations agree or remove one");
                }
                // a declaration without type (or padding) gives way to one with it (YAML `ssn: {}` + @Encrypted String)
                EncryptedColumn merged = new EncryptedColumn(e.table(), e.name(), e.type() != null ? e.type()
                        : c.type(), e.boundName(), e.padding().enabled() ? e.padding() : c.padding());
                columns.set(columns.indexOf(e), merged);
                seen.put(key, new ColumnSpec(s.table, s.column, merged.type(), s.renamedFrom, merged.padding(),
                        c.padding().enabled() && !e.padding().enabled() ? s.origin : earlier.origin));
                continue;
            }
            seen.put(key, s);
            columns.add(c);
        }
        for (EncryptedColumn c : columns) {
            if (c.padding().enabled() && c.type() != null && CiphertextSize.fixedWidth(c.type())) {
                throw new VeilConfigException(seen.get(c.qualified()).origin + ": pad on " + c.qualified()
                        + " hides nothing: every " + c.type().configName() + " value has the same length, so its "
                        + "ciphertexts already do. Remove pad (it is for strings, bytes, decimals and columns "
                        + "without a type)");
            }
        }
        return columns;
    }

    /** The {@code table.column} of every column named for legacy plaintext; unknown names fail. */
    static Set<String> legacyColumns(List<LegacySpec> legacySpecs, List<EncryptedColumn> columns) {
        Set<String> out = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        String origin = null;
        for (LegacySpec s : legacySpecs) {
            List<EncryptedColumn> found = s.resolve(columns);
            if (found.isEmpty()) {
                unknown.add(s.written());
                origin = origin == null ? s.origin() : origin;
            }
            found.forEach(c -> out.add(c.qualified()));
        }
        if (!unknown.isEmpty()) {
            List<String> known = columns.stream().map(EncryptedColumn::qualified).toList();
            throw new VeilConfigException(origin + ": legacy plaintext is asked for " + String.join(", ", unknown)
                    + ", which " + (unknown.size() == 1 ? "is not an encrypted column"
                            : "are not encrypted columns")
                    + " of this configuration. Name configured columns as table.column or schema.table.column"
                    + (known.isEmpty() ? "" : " (configured: " + String.join(", ", known) + ")"));
        }
        return out;
    }

    private static String describe(EncryptedColumn c) {
        return "{type: " + (c.type() == null ? "any" : c.type().configName()) + ", bound to " + c.boundName()
                + (c.padding().enabled() ? ", pad: " + c.padding().describe() : "") + "}";
    }

    /** A column named for legacy plaintext: by table and column (YAML), or by one dotted name (property). */
    record LegacySpec(String table, String column, String name, String origin) {
        String written() {
            return name != null ? "'" + name + "'" : table + "." + column;
        }

        /** Every configured column it names (an unqualified table names it in every schema); empty when none. */
        List<EncryptedColumn> resolve(List<EncryptedColumn> columns) {
            String schema = null;
            String t;
            String c;
            try {
                if (name != null) {
                    String[] parts = Identifiers.split(name.trim());
                    if (parts.length < 2 || parts.length > 3) {
                        return List.of();
                    }
                    schema = parts.length == 3 ? parts[0] : null;
                    t = parts[parts.length - 2];
                    c = parts[parts.length - 1];
                } else {
                    TableName tn = TableName.parse(table);
                    schema = tn.schema();
                    t = tn.name();
                    String[] parts = Identifiers.split(column);
                    if (parts.length != 1) {
                        return List.of();
                    }
                    c = parts[0];
                }
            } catch (RuntimeException e) {
                return List.of();
            }
            List<EncryptedColumn> out = new ArrayList<>();
            for (EncryptedColumn ec : columns) {
                if (ec.table().name().equals(t) && ec.name().equals(c)
                        && (schema == null || schema.equals(ec.table().schema()))) {
                    out.add(ec);
                }
            }
            return out;
        }
    }

    record ColumnSpec(String table, String column, ValueType type, String renamedFrom, Padding padding,
            String origin) {
        EncryptedColumn toColumn() {
            if (table == null || table.isBlank()) {
                throw new VeilConfigException(origin + ": encrypted column '" + column + "' has no table name");
            }
            if (column == null || column.isBlank()) {
                throw new VeilConfigException(origin + ": table '" + table + "' has an encrypted column with no name");
            }
            TableName t;
            try {
                t = TableName.parse(table);
            } catch (RuntimeException e) {
                throw new VeilConfigException(origin + ": '" + table + "' is not a valid table name");
            }
            String[] colParts = Identifiers.split(column);
            if (colParts.length != 1 || colParts[0].isEmpty()) {
                throw new VeilConfigException(origin + ": '" + column + "' in table " + t
                        + " is not a valid column name (write just the column, quoted if it has dots)");
            }
            String col = colParts[0];
            String boundName = t.qualified() + "." + col;
            if (renamedFrom != null && !renamedFrom.isBlank()) {
                String[] parts = Identifiers.split(renamedFrom);
                if (parts.length < 2) {
                    throw new VeilConfigException(origin + ": renamed-from of " + t + "." + col + " is '" + renamedFrom
                            + "'; write the former table.column, e.g. renamed-from: people.social_security_number");
                }
                boundName = String.join(".", parts);
            }
            return new EncryptedColumn(t, col, type, boundName, padding);
        }
    }
}
