package dev.veil.driver.sql;

import dev.veil.driver.codec.RowKey;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.RowBindingSpec;
import dev.veil.driver.schema.TableName;
import java.sql.SQLException;
import java.util.List;

/**
 * The row binding of one table as a statement reaches it: its key columns with the kind each encodes as (from the
 * catalog), and whether unbound values are still read. Resolved once per table per analysis.
 */
final class RowBinding {

    private final TableName table;
    private final String[] keys;
    private final RowKey.Kind[] kinds;
    private final boolean acceptUnbound;
    private final String keyNames;

    private RowBinding(TableName table, String[] keys, RowKey.Kind[] kinds, boolean acceptUnbound) {
        this.table = table;
        this.keys = keys;
        this.kinds = kinds;
        this.acceptUnbound = acceptUnbound;
        this.keyNames = String.join(", ", keys);
    }

    /**
     * Resolves the binding of {@code referenced} (a configured bound table or a child of one) from the catalog.
     *
     * @param column an encrypted column of the table, for messages
     * @throws Refusal.Signal (VE012) when the key cannot be known: no primary key, a key column missing or of a type
     *         that cannot be a key
     */
    static RowBinding resolve(RowBindingSpec spec, EncryptedColumn column, TableName referenced, Catalog catalog,
            Catalog.TableInfo info, boolean cacheable) throws SQLException {
        List<String> keys = spec.keyColumns();
        if (info == null) {
            throw refusal(column, "Veil cannot see table " + referenced + " to read its key columns", "Create the "
                    + "table first", cacheable);
        }
        if (spec.primaryKey()) {
            keys = catalog.primaryKey(referenced);
            if (keys == null || keys.isEmpty()) {
                throw refusal(column, "table " + referenced + " has no primary key to bind its values to", "Add a "
                        + "primary key, or name the key columns: row-binding: [id]", cacheable);
            }
        }
        RowKey.Kind[] kinds = new RowKey.Kind[keys.size()];
        for (int i = 0; i < kinds.length; i++) {
            String k = keys.get(i);
            String type = info.typeOf(k);
            if (type == null) {
                throw refusal(column, "row-binding key column " + k + " is not a column of " + referenced, "Name an "
                        + "existing column in row-binding", cacheable);
            }
            kinds[i] = RowKey.Kind.of(type);
            if (kinds[i] == null || (kinds[i] == RowKey.Kind.TEXT && !info.deterministic(k))) {
                throw refusal(column, "row-binding key column " + referenced + "." + k + " is of type " + type
                        + (kinds[i] == null ? "" : " with a non-deterministic collation") + ", which cannot be a "
                        + "row key (its stored value or its equality is not exactly the value written)", "Bind to "
                        + "a key column of type " + RowKey.SUPPORTED, cacheable);
            }
        }
        return new RowBinding(referenced, keys.toArray(new String[0]), kinds, spec.acceptUnbound());
    }

    private static Refusal.Signal refusal(EncryptedColumn column, String problem, String fix, boolean cacheable) {
        return new Refusal.Signal(new Refusal(VeilSqlState.SCHEMA_MISMATCH, "Veil refused the statement: encrypted "
                + "column " + column.qualified() + " is bound to its rows (row-binding), but " + problem + ". " + fix),
                cacheable);
    }

    public TableName table() {
        return table;
    }

    /** The key columns, canonical, in key order. */
    public String[] keys() {
        return keys.clone();
    }

    int size() {
        return keys.length;
    }

    String key(int i) {
        return keys[i];
    }

    /** The key column names joined for messages. */
    public String keyNames() {
        return keyNames;
    }

    public boolean acceptUnbound() {
        return acceptUnbound;
    }

    /** Encodes one row's key values, in key order. */
    byte[] encode(Object[] values, String column) throws SQLException {
        return RowKey.encode(kinds, values, column, keys);
    }

    @Override
    public String toString() {
        return "RowBinding[" + table + " on " + keyNames + "]";
    }
}
