package dev.veil.driver.schema;

import dev.veil.blindindex.BlindIndexDefinition;
import java.util.List;
import java.util.Objects;

/**
 * One validated blind index of the configuration: the table it lives in, the definition the blind-index module
 * computes values from, and where it was declared.
 *
 * @param table the configured table (matched against SQL like an encrypted column's table)
 * @param definition what the index values are; {@link BlindIndexDefinition#name()} is the companion column
 * @param origin where it was declared, for messages
 */
public record ConfiguredIndex(TableName table, BlindIndexDefinition definition, String origin) {

    public ConfiguredIndex {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(definition, "definition");
    }

    /** The companion column (canonical name). */
    public String name() {
        return definition.name();
    }

    /** The source columns (canonical names) in index order. */
    public List<String> columns() {
        return definition.columnNames();
    }

    /** {@code table.index}, for messages. */
    public String qualified() {
        return table.qualified() + "." + definition.name();
    }

    @Override
    public String toString() {
        return qualified();
    }
}
