package dev.veil.blindindex;

import java.util.Optional;

/**
 * What {@link LeakageGuidance} needs to know about the indexed column (or, for a compound index, the combination
 * of columns): estimated distinct values and rows. Estimates are fine; the guidance is about orders of magnitude.
 *
 * @param distinctValues estimated number of distinct (normalized) values, {@code 1 ≤ distinctValues ≤ rows}
 * @param rows           estimated number of rows, at least 1
 */
public record ColumnStatistics(double distinctValues, double rows) {

    public ColumnStatistics {
        if (!(rows >= 1) || Double.isInfinite(rows)) {
            throw new IllegalArgumentException("rows " + rows + " is out of range: at least 1");
        }
        if (!(distinctValues >= 1) || distinctValues > rows) {
            throw new IllegalArgumentException("distinct values " + distinctValues + " is out of range 1..rows ("
                    + rows + ")");
        }
    }

    public static ColumnStatistics of(long distinctValues, long rows) {
        return new ColumnStatistics(distinctValues, rows);
    }

    /**
     * From PostgreSQL's planner statistics: {@code pg_stats.n_distinct} (positive: a count; negative: minus the
     * fraction of rows that are distinct, e.g. {@code -1} for a unique column) and {@code pg_class.reltuples}.
     * Empty when the table was never analysed ({@code reltuples < 0}), is empty, or {@code n_distinct} is 0
     * (unknown). The result is clamped to {@code 1 ≤ distinct ≤ rows}.
     *
     * <p>A compound index needs the distinct count of the <em>combination</em>: {@code CREATE STATISTICS … (ndistinct)}
     * gives it in {@code pg_stats_ext.n_distinct}; the product of the columns' counts (capped at the rows) assumes
     * independence and overestimates, which makes the guidance err towards longer, more revealing indexes.
     */
    public static Optional<ColumnStatistics> fromPostgres(double nDistinct, double reltuples) {
        if (!(reltuples >= 1) || nDistinct == 0 || Double.isNaN(nDistinct)) {
            return Optional.empty();
        }
        double distinct = nDistinct > 0 ? nDistinct : -nDistinct * reltuples;
        distinct = Math.max(1, Math.min(distinct, reltuples));
        return Optional.of(new ColumnStatistics(distinct, reltuples));
    }

    /** Average rows per distinct value, {@code rows / distinctValues}. */
    public double rowsPerValue() {
        return rows / distinctValues;
    }
}
