package dev.veil.blindindex;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The result of {@link LeakageGuidance#assess}: expected lookup behaviour, what the index reveals, the
 * recommended length range and warnings. {@link #toString()} is a readable multi-line report for the CLI and
 * the starter; it holds statistics only, never values or keys.
 *
 * @param index                          {@code table.index}, or {@code null} when assessed by bits only
 * @param bits                           the index length assessed
 * @param statistics                     the column statistics used
 * @param falsePositiveRatePerRow        {@code 2^-bits}: chance that a row with another value matches a lookup
 * @param falsePositiveProbabilityPerLookup chance that a lookup of a present value also matches rows of at
 *                                       least one other value
 * @param expectedTrueMatches            rows per value, {@code R / N}
 * @param expectedFalsePositives         non-matching rows a lookup returns, {@code (R − R/N)·2^-bits}
 * @param distinctValuesPerIndexValue    distinct values sharing the index value of a present value
 * @param uniquelyIdentifiedShare        share of distinct values alone in their index value (fingerprinted)
 * @param coincidenceCount               CipherSweet's {@code C = R / 2^min(bits, log2 N)}
 * @param minBits                        usefulness floor (below it lookups return mostly false positives)
 * @param maxBits                        privacy ceiling (above it index values fingerprint values); 0 when no
 *                                       length keeps 2 values per index value
 * @param recommendedBits                the suggested length ({@code maxBits}), {@code null} when the column
 *                                       should not be indexed alone
 * @param warnings                       what is wrong with {@code bits}, most important first
 */
public record LeakageReport(String index, int bits, ColumnStatistics statistics, double falsePositiveRatePerRow,
        double falsePositiveProbabilityPerLookup, double expectedTrueMatches, double expectedFalsePositives,
        double distinctValuesPerIndexValue, double uniquelyIdentifiedShare, double coincidenceCount, int minBits,
        int maxBits, Integer recommendedBits, List<Warning> warnings) {

    /** What kind of problem a warning is. */
    public enum Kind {
        /** The index is longer than the privacy ceiling: most values get an index value of their own. */
        FINGERPRINT,
        /** The index is shorter than the usefulness floor: lookups return mostly false positives. */
        TOO_SHORT,
        /** The column has too few distinct values for any length to both hide its distribution and narrow lookups. */
        LOW_CARDINALITY
    }

    /** How much it matters. */
    public enum Severity {
        /** Worth knowing, usually acceptable (e.g. an exact index over mostly unique values). */
        NOTE,
        /** Change the configuration or accept the stated leak knowingly. */
        WARNING
    }

    /** One finding with a readable message (statistics only). */
    public record Warning(Kind kind, Severity severity, String message) {
        @Override
        public String toString() {
            return severity + " " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + ": " + message;
        }
    }

    public LeakageReport {
        warnings = List.copyOf(warnings);
    }

    /** Expected rows per lookup of a present value: true matches plus false positives. */
    public double expectedCandidates() {
        return expectedTrueMatches + expectedFalsePositives;
    }

    /** Whether {@code bits} is at least {@link BlindIndexDefinition#EXACT_BITS} (false positives negligible). */
    public boolean exact() {
        return bits >= BlindIndexDefinition.EXACT_BITS;
    }

    /** The suggested length, empty when the column should not be indexed on its own. */
    public OptionalInt recommended() {
        return recommendedBits == null ? OptionalInt.empty() : OptionalInt.of(recommendedBits);
    }

    /** Whether any finding is a {@link Severity#WARNING}. */
    public boolean hasWarnings() {
        return warnings.stream().anyMatch(w -> w.severity() == Severity.WARNING);
    }

    /** The first warning of this kind. */
    public Optional<Warning> warning(Kind kind) {
        return warnings.stream().filter(w -> w.kind() == kind).findFirst();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("Blind index ").append(index == null ? "" : index + " ").append("at ").append(bits).append(" bits")
                .append(exact() ? " (exact)" : " (truncated)").append(" over ~")
                .append(num(statistics.distinctValues())).append(" distinct values in ~")
                .append(num(statistics.rows())).append(" rows\n");
        b.append("  per lookup: ~").append(num(expectedCandidates())).append(" rows (")
                .append(num(expectedTrueMatches)).append(" matching, ").append(num(expectedFalsePositives))
                .append(" false positives); false-positive rate per row ").append(num(falsePositiveRatePerRow))
                .append("; chance of any false positive ").append(percent(falsePositiveProbabilityPerLookup)).append('\n');
        b.append("  reveals: ~").append(num(distinctValuesPerIndexValue)).append(" distinct values per index value; ")
                .append(percent(uniquelyIdentifiedShare)).append(" of values have an index value of their own\n");
        b.append("  CipherSweet coincidence count C = ").append(num(coincidenceCount)).append(" (advice: 2 ≤ C < √R = ")
                .append(num(Math.sqrt(statistics.rows()))).append(")\n");
        b.append("  recommended: ");
        if (recommendedBits == null) {
            b.append("do not index this column alone (compound index with a high-entropy column)");
        } else {
            b.append(recommendedBits).append(" bits (privacy ceiling ").append(maxBits).append(", usefulness floor ")
                    .append(minBits).append(')');
        }
        for (Warning w : warnings) {
            b.append("\n  ").append(w);
        }
        return b.toString();
    }

    /** Numbers for people: grouped integers from 1000 on, 3 significant digits below. */
    static String num(double x) {
        if (x == 0) {
            return "0";
        }
        double a = Math.abs(x);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        if (a >= 0.001) {
            String s = String.format(Locale.ROOT, "%.3g", x);
            if (s.contains(".") && !s.contains("e")) {
                s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return s;
        }
        return String.format(Locale.ROOT, "%.3g", x);
    }

    static String percent(double share) {
        if (share < 1 && share >= 0.9999) {
            return ">99.99%";
        }
        return num(share * 100) + "%";
    }
}
