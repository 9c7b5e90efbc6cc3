package dev.veil.driver;

import dev.veil.driver.codec.ValueType;
import java.util.Objects;

/**
 * One configured encrypted column.
 *
 * @param table the configured table
 * @param name canonical column name
 * @param type the declared Java type, or null to keep whatever type each write carries
 * @param boundName the {@code table.column} name the ciphertexts and the data key are bound to: normally this
 *        column's own, or the old name given by {@code renamed-from} after a rename
 */
public record EncryptedColumn(TableName table, String name, ValueType type, String boundName) {

    public EncryptedColumn {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(boundName, "boundName");
    }

    /** {@code table.column}, for messages. */
    public String qualified() {
        return table.qualified() + "." + name;
    }

    @Override
    public String toString() {
        return qualified();
    }
}
