package dev.veil.driver.schema;

import java.util.List;
import java.util.Objects;

/**
 * Row binding of one configured table: each ciphertext of its encrypted columns is bound to the row's key value(s)
 * (in the associated data), so a value copied into another row of the same column fails to decrypt. See
 * {@code docs/design.md} §3 and {@code docs/configuration.md}, "Row binding".
 *
 * @param table the configured table
 * @param keyColumns the key columns (canonical names), in order; empty for the table's primary key, read from the
 *        catalog
 * @param acceptUnbound whether values written before binding was switched on (not bound to any row) are still read:
 *        the adoption window, insecure while it lasts (such a value can be swapped); off by default
 * @param origin where it was declared, for messages
 */
public record RowBindingSpec(TableName table, List<String> keyColumns, boolean acceptUnbound, String origin) {

    public RowBindingSpec {
        Objects.requireNonNull(table, "table");
        keyColumns = List.copyOf(keyColumns);
    }

    /** Whether the key is the table's primary key (read from the catalog). */
    public boolean primaryKey() {
        return keyColumns.isEmpty();
    }
}
