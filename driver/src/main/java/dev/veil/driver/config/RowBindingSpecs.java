package dev.veil.driver.config;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.RowBindingSpec;
import dev.veil.driver.schema.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validates and looks up the row bindings of a {@link VeilConfig}. */
final class RowBindingSpecs {

    /** One declaration as the builder received it. */
    record Declared(String table, List<String> keyColumns, boolean acceptUnbound, String origin) {
    }

    private RowBindingSpecs() {
    }

    static List<RowBindingSpec> validate(List<Declared> declared, List<EncryptedColumn> columns) {
        Map<TableName, RowBindingSpec> out = new LinkedHashMap<>();
        for (Declared d : declared) {
            TableName t;
            try {
                t = TableName.parse(d.table());
            } catch (RuntimeException e) {
                throw new VeilConfigException(d.origin() + ": '" + d.table() + "' is not a valid table name");
            }
            List<EncryptedColumn> encrypted = columns.stream().filter(c -> c.table().equals(t)).toList();
            if (encrypted.isEmpty()) {
                throw new VeilConfigException(d.origin() + ": row binding is asked for table " + t + ", which has no "
                        + "encrypted column in this configuration. Declare its encrypted columns, or remove "
                        + "row-binding");
            }
            List<String> keys = new ArrayList<>();
            for (String k : d.keyColumns() == null ? List.<String>of() : d.keyColumns()) {
                String[] parts = k == null ? new String[0] : Identifiers.split(k);
                if (parts.length != 1 || parts[0].isEmpty()) {
                    throw new VeilConfigException(d.origin() + ": '" + k + "' in the row-binding key of table " + t
                            + " is not a valid column name");
                }
                if (keys.contains(parts[0])) {
                    throw new VeilConfigException(d.origin() + ": the row-binding key of table " + t + " names "
                            + parts[0] + " twice");
                }
                for (EncryptedColumn c : encrypted) {
                    if (c.name().equals(parts[0])) {
                        throw new VeilConfigException(d.origin() + ": the row-binding key of table " + t
                                + " names encrypted column " + c.qualified() + "; a key must be a plain column "
                                + "(the id the row is found by)");
                    }
                }
                keys.add(parts[0]);
            }
            RowBindingSpec spec = new RowBindingSpec(t, keys, d.acceptUnbound(), d.origin());
            RowBindingSpec earlier = out.get(t);
            if (earlier != null && (!earlier.keyColumns().equals(spec.keyColumns())
                    || earlier.acceptUnbound() != spec.acceptUnbound())) {
                throw new VeilConfigException("conflicting row binding for table " + t + ": " + earlier.origin()
                        + " says " + describe(earlier) + ", " + spec.origin() + " says " + describe(spec)
                        + ". Make both declarations agree or remove one");
            }
            out.putIfAbsent(t, spec);
        }
        return List.copyOf(out.values());
    }

    static RowBindingSpec find(List<RowBindingSpec> specs, String schema, String table) {
        for (RowBindingSpec s : specs) {
            String cs = s.table().schema();
            if (s.table().name().equals(table) && (schema == null || cs == null || cs.equals(schema))) {
                return s;
            }
        }
        return null;
    }

    private static String describe(RowBindingSpec s) {
        return "{key: " + (s.primaryKey() ? "primary key" : s.keyColumns()) + ", accept-unbound-values: "
                + s.acceptUnbound() + "}";
    }
}
