package dev.veil.driver.schema;

import dev.veil.driver.codec.Padding;
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
 * @param padding how new values are padded before encryption ({@code pad:}); {@link Padding#NONE} for none
 */
public record EncryptedColumn(TableName table, String name, ValueType type, String boundName, Padding padding) {

    public EncryptedColumn {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(boundName, "boundName");
        Objects.requireNonNull(padding, "padding");
    }

    /** A column without padding. */
    public EncryptedColumn(TableName table, String name, ValueType type, String boundName) {
        this(table, name, type, boundName, Padding.NONE);
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
