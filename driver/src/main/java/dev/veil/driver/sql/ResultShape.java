package dev.veil.driver.sql;

import java.util.Arrays;

/**
 * Which columns of a result are encrypted, by 1-based position, with the labels the analysis expects there so a
 * result whose shape changed (a column dropped since the plan was made) is detected instead of misread.
 */
public final class ResultShape {

    /** A result with no encrypted column. */
    public static final ResultShape PLAIN = new ResultShape(new Target[0], new String[0], -1);

    private final Target[] targets;
    private final String[] labels;
    private final int columnCount;
    private final int hidden;
    private final RowFilter[] filters;
    /** {@link #hasEncrypted()}, {@link #readsParameters()}, {@link #projectionParameters()}: fixed, so computed once. */
    private final boolean encrypted;
    private final int[] projectionParameters;

    /**
     * @param targets index i holds column i+1's target or null
     * @param labels index i holds the expected canonical label of column i+1 (null when unknown)
     * @param columnCount the expected column count, or -1 when only a prefix is known
     */
    public ResultShape(Target[] targets, String[] labels, int columnCount) {
        this(targets, labels, columnCount, 0, new RowFilter[0]);
    }

    /**
     * @param hidden how many trailing columns Veil appended for its row filters (not shown to the application)
     * @param filters the row filters (truncated blind indexes), empty for none
     */
    ResultShape(Target[] targets, String[] labels, int columnCount, int hidden, RowFilter[] filters) {
        this.targets = targets;
        this.labels = labels;
        this.columnCount = columnCount;
        this.hidden = hidden;
        this.filters = filters;
        this.encrypted = hidden > 0 || java.util.Arrays.stream(targets).anyMatch(java.util.Objects::nonNull);
        this.projectionParameters = java.util.Arrays.stream(targets).filter(t -> t != null && t.projection() != null
                && t.projection().readsParameters()).mapToInt(t -> t.projection().parameter()).toArray();
    }

    /** Trailing columns Veil appended for its row filters; hidden from the application. */
    public int hidden() {
        return hidden;
    }

    /** Row filters that drop a truncated index's false positives; empty for none. */
    public RowFilter[] filters() {
        return filters;
    }

    public boolean hasEncrypted() {
        return encrypted;
    }

    /** Whether a projection of this result needs the statement's kept parameter values (COALESCE(col, ?)). */
    public boolean readsParameters() {
        return projectionParameters.length > 0;
    }

    /** The parameters projections read ({@link #readsParameters()}), by original position; empty for none. */
    public int[] projectionParameters() {
        return projectionParameters.clone();
    }

    /** The target of 1-based column {@code index}, or null when that column is not encrypted. */
    public Target target(int index) {
        return index <= targets.length ? targets[index - 1] : null;
    }

    public int knownColumns() {
        return targets.length;
    }

    public int columnCount() {
        return columnCount;
    }

    public String label(int index) {
        return index <= labels.length ? labels[index - 1] : null;
    }

    Target[] targets() {
        return targets;
    }

    @Override
    public String toString() {
        return "ResultShape" + Arrays.toString(targets);
    }
}
