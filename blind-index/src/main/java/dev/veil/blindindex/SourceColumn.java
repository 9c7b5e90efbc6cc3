package dev.veil.blindindex;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One part of a blind index: a source column and the normalizers applied, in order, to its text values.
 *
 * @param name        the column name as configured (physical name)
 * @param normalizers applied in this order to {@link String} values; empty for none
 */
public record SourceColumn(String name, List<Normalizer> normalizers) {

    public SourceColumn {
        Objects.requireNonNull(name, "name");
        normalizers = List.copyOf(normalizers);
    }

    /** Applies the normalizers in order. */
    String normalize(String value) {
        String v = value;
        for (Normalizer n : normalizers) {
            v = n.normalize(v);
            if (v == null) {
                throw new IllegalStateException("normalizer '" + n.name() + "' returned null");
            }
        }
        return v;
    }

    /** The normalizer names, e.g. {@code [nfkc, lowercase, trim]}. */
    public List<String> normalizerNames() {
        return normalizers.stream().map(Normalizer::name).collect(Collectors.toList());
    }

    /** {@code email[trim, lowercase]} or {@code birth_date}. */
    @Override
    public String toString() {
        return normalizers.isEmpty() ? name : name + normalizerNames();
    }
}
