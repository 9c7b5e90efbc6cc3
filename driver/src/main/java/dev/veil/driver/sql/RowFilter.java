package dev.veil.driver.sql;

import java.sql.SQLException;

/**
 * Drops the false positives of a truncated blind index after decryption: a row is kept when the decrypted value of
 * the compared column equals one of the queried values (as the index compares them, normalizers included). The
 * column is read from a hidden trailing result column Veil appended to the select list.
 */
public final class RowFilter {

    private final int hiddenIndex;
    private final Target target;
    private final IndexTarget index;
    private final int part;
    private final Object[] sources;

    RowFilter(int hiddenIndex, Target target, IndexTarget index, int part, Object[] sources) {
        this.hiddenIndex = hiddenIndex;
        this.target = target;
        this.index = index;
        this.part = part;
        this.sources = sources;
    }

    /** This filter reading its column through {@code keyed} (the same column, with its row key: row binding). */
    RowFilter reading(Target keyed) {
        return new RowFilter(hiddenIndex, keyed, index, part, sources);
    }

    /** 0-based position among the hidden trailing columns. */
    public int hiddenIndex() {
        return hiddenIndex;
    }

    /** The encrypted column whose ciphertext the hidden column holds. */
    public Target target() {
        return target;
    }

    /** Whether a row whose column decrypted to {@code decrypted} matches; {@code parameters} are the buffered values. */
    public boolean accepts(Object decrypted, Object[] parameters) throws SQLException {
        if (decrypted == null) {
            return false;
        }
        for (Object s : sources) {
            Object queried = ParameterMap.resolve(s, parameters);
            for (Object q : queried instanceof Object[] ? (Object[]) queried : new Object[] {queried}) {
                if (index.sameValue(part, decrypted, q)) {
                    return true; // an array parameter (= ANY(?)) is kept as its elements
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RowFilter[" + target.column().qualified() + " via " + index.index().qualified() + "]";
    }
}
