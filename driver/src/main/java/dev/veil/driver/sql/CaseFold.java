package dev.veil.driver.sql;

import dev.veil.blindindex.Normalizer;
import dev.veil.blindindex.SourceColumn;
import dev.veil.blindindex.StandardNormalizer;
import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;
import java.util.Locale;

/**
 * {@code lower(col) = v} and {@code upper(col) = v} through a blind index that normalizes with {@code lowercase}
 * ({@link CaseFoldPredicate}): normalized equality, where PostgreSQL's result is known without reading the stored
 * value. A searched value that is not already in the function's case ({@code lower(col) = 'Ada'}) matches no
 * row, as in PostgreSQL: its index value is replaced by {@link #NO_MATCH}, which no stored index value equals
 * (false, not unknown, for a non-NULL column). Otherwise the index finds the rows whose value lower-cases to the
 * searched one. PostgreSQL's case mapping depends on the database's collation outside ASCII, so a searched value
 * with a character outside ASCII is refused at execution.
 */
enum CaseFold {
    LOWER("lower"),
    UPPER("upper");

    /** An index value no stored value has (index values are never empty). */
    static final byte[] NO_MATCH = new byte[0];

    private final String function;

    CaseFold(String function) {
        this.function = function;
    }

    /** The fold a function name denotes ({@code lower}, {@code upper}, unquoted), or null. */
    static CaseFold of(String name) {
        for (CaseFold f : values()) {
            if (f.function.equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    String function() {
        return function;
    }

    /** Whether an index column part normalizes with {@code lowercase} (so it finds every case of a value). */
    static boolean foldsCase(SourceColumn part) {
        for (Normalizer n : part.normalizers()) {
            if (n.name().equals(StandardNormalizer.LOWERCASE.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code value} can be equal to {@code lower(col)} (resp. {@code upper(col)}): it is its own
     * lower (upper) case. Refuses (VE010) a value outside ASCII, whose case PostgreSQL maps by collation.
     */
    boolean searchable(IndexTarget index, Object value) throws SQLException {
        if (value == null) {
            return true; // SQL NULL: unknown, as the original
        }
        String s = String.valueOf(value);
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil refused " + function + "("
                        + index.index().table().qualified() + "." + index.index().columns().get(0) + ") = ? through blind index "
                        + index.index().qualified() + " for a searched value with characters outside ASCII: "
                        + "PostgreSQL's " + function + "() maps them by the database's collation, which the index "
                        + "cannot reproduce. Search with col = ? (normalized equality through the index) instead");
            }
        }
        String folded = this == LOWER ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
        return folded.equals(s);
    }
}
