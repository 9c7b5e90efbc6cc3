package dev.veil.driver.sql;

import java.sql.SQLException;
import java.util.Arrays;

/**
 * What one value (or tuple, for a compound index) a statement writes or searches gives a blind index, computed just
 * before each execution so that a statement prepared before a key change uses the keys of its execution:
 * <ul>
 *   <li>a write: the value under the primary key version ({@link #PRIMARY});</li>
 *   <li>a search: the value under each enabled version ({@link #PRIMARY}, {@link #OTHER_VERSION}; the primary's
 *       again when there is one version), and — for a part in its migration window — the parameter its plaintext
 *       comparison binds ({@link #plaintextSlot(int)}).</li>
 * </ul>
 * Each slot is one parameter (or literal) of the rewritten statement; all slots of one instance are computed
 * together, once per execution.
 */
final class IndexValues {

    /** The value under the primary key version. */
    static final int PRIMARY = 0;
    /** The value under the other enabled version while the key is rotated, else the primary's again. */
    static final int OTHER_VERSION = 1;

    private final IndexTarget index;
    private final Object[] sources;
    private final boolean search;
    /** Per part, how its plaintext is compared in the migration window; null when no part is in one. */
    private final LegacyComparison[] plaintext;
    /** The one source is a parameter holding an array of searched values ({@link SearchedArrays}). */
    private final boolean array;
    /** {@code lower(col) = v} / {@code upper(col) = v}: the searched value must be case-folded already. */
    private final CaseFold fold;

    private IndexValues(IndexTarget index, Object[] sources, boolean search, LegacyComparison[] plaintext,
            boolean array, CaseFold fold) {
        this.index = index;
        this.sources = sources;
        this.search = search;
        this.plaintext = plaintext;
        this.array = array;
        this.fold = fold;
    }

    /** The companion value a write stores. */
    static IndexValues write(IndexTarget index, Object[] sources) {
        return new IndexValues(index, sources, false, null, false, null);
    }

    /**
     * A searched value: {@code sources} are parameter references or constants in index part order;
     * {@code plaintext} (may be null) says per part how a stored plaintext is compared in the migration window.
     */
    static IndexValues search(IndexTarget index, Object[] sources, LegacyComparison[] plaintext) {
        return new IndexValues(index, sources, true, plaintext, false, null);
    }

    /**
     * The searched values of one array parameter ({@code col = ANY(?)}): slot {@link #PRIMARY} carries a
     * {@code byte[][]} with every element's index value under each enabled key version (SQL NULL for a NULL
     * element), or null for a NULL array.
     */
    static IndexValues searchArray(IndexTarget index, Object source) {
        return new IndexValues(index, new Object[] {source}, true, null, true, null);
    }

    /** A searched value of {@code lower(col) = v} or {@code upper(col) = v} ({@link CaseFold}). */
    static IndexValues searchFolded(IndexTarget index, Object source, CaseFold fold) {
        return new IndexValues(index, new Object[] {source}, true, null, false, fold);
    }

    /** Whether slot {@link #PRIMARY} carries an array of index values (SQL type {@code bytea[]}). */
    boolean array() {
        return array;
    }

    IndexTarget index() {
        return index;
    }

    Object[] sources() {
        return sources;
    }

    /** The slot of the parameter part {@code part}'s plaintext comparison binds. */
    static int plaintextSlot(int part) {
        return 2 + part;
    }

    /** Whether a slot carries text (a plaintext comparison) rather than an index value ({@code bytea}). */
    static boolean isText(int slot) {
        return slot >= 2;
    }

    /** Every slot's value for this execution; {@code buffer} holds the application's parameter values. */
    Object[] compute(Object[] buffer) throws SQLException {
        Object[] parts = new Object[sources.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = ParameterMap.resolve(sources[i], buffer);
        }
        if (!search) {
            return new Object[] {index.compute(parts)};
        }
        if (array) {
            return new Object[] {SearchedArrays.indexValues(index, parts[0]), null};
        }
        if (fold != null && !fold.searchable(index, parts[0])) {
            return new Object[] {CaseFold.NO_MATCH, CaseFold.NO_MATCH};
        }
        byte[][] versions = index.computeVersions(parts);
        Object[] out = new Object[2 + (plaintext == null ? 0 : plaintext.length)];
        out[PRIMARY] = versions[0];
        out[OTHER_VERSION] = versions[1];
        if (plaintext != null) {
            for (int p = 0; p < plaintext.length; p++) {
                if (plaintext[p] != null) {
                    out[plaintextSlot(p)] = plaintext[p].parameter(index.searchedText(p, parts[p]));
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        // sources may be constants from the statement text: never shown
        return "IndexValues[" + index.index().qualified() + (search ? ", search" : ", write") + ", "
                + sources.length + " part(s)" + (array ? ", array" : "") + (fold == null ? "" : ", " + fold) + (plaintext == null ? "" : ", window "
                + Arrays.stream(plaintext).filter(java.util.Objects::nonNull).count()) + "]";
    }
}
