package dev.veil.blindindex;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sizes a blind index against a column's statistics: how many rows a lookup returns, how many of them are false
 * positives, and what the index values reveal. Formulas (model: the PRF maps distinct values to independent
 * uniform {@code L}-bit values; {@code N} distinct values, {@code R} rows, {@code r = R/N} rows per value):
 *
 * <ul>
 *   <li>false-positive rate per non-matching row: {@code 2^-L};</li>
 *   <li>expected candidates per lookup of a present value: {@code r + (R − r)·2^-L} (true + false);</li>
 *   <li>P(a lookup sees any false positive) = P(another distinct value shares its index value)
 *       {@code = 1 − (1 − 2^-L)^(N−1)};</li>
 *   <li>distinct values per index value (of a present value): {@code 1 + (N − 1)·2^-L}; values alone in
 *       their index value (uniquely fingerprinted): {@code (1 − 2^-L)^(N−1)};</li>
 *   <li>CipherSweet's coincidence count {@code C = R / 2^min(L, log2 N)}, with its advice {@code 2 ≤ C < √R};</li>
 *   <li><b>privacy ceiling</b> (AWS Database Encryption SDK beacon sizing; CipherSweet's {@code C ≥ 2} counted
 *       over distinct values): every index value should stand for at least two distinct values,
 *       {@code N / 2^L ≥ 2}, so {@code maxBits = floor(log2 N − 1)};</li>
 *   <li><b>usefulness floor</b> (CipherSweet's {@code C < √R}, counted over false candidates and relaxed to
 *       the true matches when duplicates alone exceed √R): {@code (R − r)·2^-L ≤ max(√R, r)}, so
 *       {@code minBits = ceil(log2((R − r) / max(√R, r)))}.</li>
 * </ul>
 * See {@code docs/blind-index.md} for the derivations and worked examples.
 */
public final class LeakageGuidance {

    /** Average rows per value from which a fingerprinting index's frequency leak is a warning, not a note. */
    static final double FREQUENCY_LEAK_ROWS_PER_VALUE = 2.0;

    private LeakageGuidance() {
    }

    /** Assesses an index of {@code bits} bits over a column with these statistics. */
    public static LeakageReport assess(int bits, ColumnStatistics stats) {
        return assess(null, bits, stats);
    }

    /** Assesses a configured index (its name appears in the report). */
    public static LeakageReport assess(BlindIndexDefinition definition, ColumnStatistics stats) {
        return assess(definition.table() + "." + definition.name(), definition.bits(), stats);
    }

    static LeakageReport assess(String index, int bits, ColumnStatistics stats) {
        Objects.requireNonNull(stats, "stats");
        if (bits < BlindIndexDefinition.MIN_BITS || bits > BlindIndexDefinition.MAX_BITS) {
            throw new IllegalArgumentException("bits " + bits + " is out of range " + BlindIndexDefinition.MIN_BITS
                    + ".." + BlindIndexDefinition.MAX_BITS);
        }
        double n = stats.distinctValues();
        double rows = stats.rows();
        double r = stats.rowsPerValue();
        double p = Math.pow(2, -bits);
        double log1mP = Math.log1p(-p);
        double trueMatches = r;
        double falseCandidates = (rows - r) * p;
        double anyFalse = -Math.expm1((n - 1) * log1mP);
        double alone = Math.exp((n - 1) * log1mP);
        double valuesPerIndexValue = 1 + (n - 1) * p;
        double log2n = log2(n);
        double coincidence = rows / Math.pow(2, Math.min(bits, log2n));
        double sqrtRows = Math.sqrt(rows);

        int maxBits = (int) Math.floor(log2n - 1 + 1e-9);
        maxBits = Math.min(maxBits, BlindIndexDefinition.MAX_BITS);
        double falsePool = rows - r;
        int minBits = falsePool <= 0 ? 1
                : (int) Math.ceil(log2(falsePool / Math.max(sqrtRows, r)) - 1e-9);
        minBits = Math.max(1, Math.min(minBits, BlindIndexDefinition.MAX_BITS));
        boolean noPrivateLength = maxBits < 1;
        boolean conflict = noPrivateLength || minBits > maxBits;
        Integer recommended = noPrivateLength ? null : maxBits;

        List<LeakageReport.Warning> warnings = new ArrayList<>();
        if (!noPrivateLength && bits > maxBits) {
            boolean frequency = r >= FREQUENCY_LEAK_ROWS_PER_VALUE;
            warnings.add(new LeakageReport.Warning(LeakageReport.Kind.FINGERPRINT,
                    frequency ? LeakageReport.Severity.WARNING : LeakageReport.Severity.NOTE,
                    String.format(java.util.Locale.ROOT, "at %d bits %s of the ~%s distinct values have an index value "
                            + "of their own: the index shows which rows are equal%s; for at least 2 values per index "
                            + "value use at most %d bits", bits, percent(alone), LeakageReport.num(n),
                            frequency ? " and the column's frequency distribution (~" + LeakageReport.num(r)
                                    + " rows per value), open to frequency analysis"
                                    : " (the values are mostly unique, so little beyond that)",
                            maxBits)));
        }
        if (bits < minBits) {
            warnings.add(new LeakageReport.Warning(LeakageReport.Kind.TOO_SHORT, LeakageReport.Severity.WARNING,
                    String.format(java.util.Locale.ROOT, "at %d bits a lookup returns ~%s rows of which ~%s are false "
                            + "positives (%s of the candidates), more than max(√R, rows per value) = %s; use at "
                            + "least %d bits", bits, LeakageReport.num(trueMatches + falseCandidates),
                            LeakageReport.num(falseCandidates),
                            percent(falseCandidates / (trueMatches + falseCandidates)),
                            LeakageReport.num(Math.max(sqrtRows, r)), minBits)));
        }
        if (conflict) {
            warnings.add(new LeakageReport.Warning(LeakageReport.Kind.LOW_CARDINALITY, LeakageReport.Severity.WARNING,
                    noPrivateLength
                            ? String.format(java.util.Locale.ROOT, "with ~%s distinct values no length puts 2 values "
                                    + "behind each index value: any index of this column alone reveals its values' "
                                    + "frequencies; index it only inside a compound index with a high-entropy column",
                                    LeakageReport.num(n))
                            : String.format(java.util.Locale.ROOT, "~%s distinct values over ~%s rows: lengths that hide "
                                    + "the distribution (≤ %d bits) return too many rows, lengths that narrow lookups "
                                    + "enough (≥ %d bits) reveal it; prefer a compound index with a high-entropy "
                                    + "column, or accept %d bits and the extra rows", LeakageReport.num(n),
                                    LeakageReport.num(rows), maxBits, minBits, maxBits)));
        }
        return new LeakageReport(index, bits, stats, p, anyFalse, trueMatches, falseCandidates, valuesPerIndexValue,
                alone, coincidence, minBits, noPrivateLength ? 0 : maxBits, recommended, warnings);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static String percent(double share) {
        return LeakageReport.percent(share);
    }
}
