package dev.veil.driver.schema;

import dev.veil.blindindex.Argon2idCost;
import java.util.List;
import java.util.Objects;

/**
 * One blind index as a configuration source declares it, before validation: YAML ({@code blind-index:} on a column,
 * {@code indexes:} on a table), {@code @BlindIndex}/{@code @CompoundBlindIndex}, or code.
 * {@link dev.veil.driver.config.VeilConfig.Builder#build()} turns it into a {@link ConfiguredIndex}.
 *
 * @param table the table as written ({@code patients}, {@code clinic.patients})
 * @param columns the source columns in index order (one for a simple index)
 * @param name the companion column; null or empty for {@code <column>_bidx}
 * @param bits output length; 0 for the default (256, exact)
 * @param normalize normalizer names applied to every part, in order
 * @param slow {@code argon2id} or null/empty/{@code none}
 * @param argon2idCost the cost of the slow mode, or null for {@link Argon2idCost#PRODUCTION}
 * @param domain join domain, or null/empty
 * @param origin where it was declared, for messages
 */
public record BlindIndexSpec(String table, List<String> columns, String name, int bits, List<String> normalize,
        String slow, Argon2idCost argon2idCost, String domain, String origin) {

    public BlindIndexSpec {
        Objects.requireNonNull(columns, "columns");
        columns = List.copyOf(columns);
        normalize = normalize == null ? List.of() : List.copyOf(normalize);
    }

    /** A simple index with every default: {@code <column>_bidx}, 256 bits, no normalizer, fast, no domain. */
    public static BlindIndexSpec of(String table, String column, String origin) {
        return new BlindIndexSpec(table, List.of(column), null, 0, List.of(), null, null, null, origin);
    }
}
