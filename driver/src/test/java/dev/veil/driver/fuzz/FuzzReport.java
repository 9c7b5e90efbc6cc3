package dev.veil.driver.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What one fuzzing run found: its failures, and per construct how often it was run, refused, or failed on both sides. */
public final class FuzzReport {

    /**
     * One failure: the seed and statement number to replay it, what went wrong, the statement as generated and the
     * smallest version (with the statements before it that it needs, if any) that still fails the same way.
     */
    public record Failure(long seed, int index, Sides.Category category, String detail, FuzzStatement original,
            List<FuzzStatement> prefix, FuzzStatement smallest) {

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("FUZZ FAILURE ").append(category).append(" at statement #").append(index).append(" of seed ")
                    .append(seed).append(" (replay: -Dveil.fuzz.seed=").append(seed).append(" -Dveil.fuzz.count=")
                    .append(index + 1).append(")\n");
            b.append("  smallest failing statement (on fresh tables");
            b.append(prefix.isEmpty() ? "" : ", after the " + prefix.size() + " statement(s) below").append("):\n    ")
                    .append(smallest.describe()).append('\n');
            for (FuzzStatement p : prefix) {
                b.append("  before it: ").append(p.describe()).append('\n');
            }
            b.append("  as generated: ").append(original.describe()).append('\n');
            b.append("  ").append(detail.length() > 4000 ? detail.substring(0, 4000) + " …" : detail);
            return b.toString();
        }
    }

    private final long seed;
    private final List<Failure> failures = new ArrayList<>();
    private final Map<String, int[]> constructs = new TreeMap<>();
    private final Map<String, Integer> verdicts = new TreeMap<>();
    private final Map<String, Integer> refusals = new TreeMap<>();
    private final Map<String, String> examples = new TreeMap<>();
    private int statements;
    private long[] nanos = new long[4];
    private long catalogReads;

    FuzzReport(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    public List<Failure> failures() {
        return failures;
    }

    public int statements() {
        return statements;
    }

    /** How many statements ended with {@code verdict} (SAME, REFUSED, BOTH_FAILED, PROBLEM). */
    public int count(String verdict) {
        return verdicts.getOrDefault(verdict, 0);
    }

    private final List<String> slowest = new ArrayList<>();

    void timings(long[] sidesNanos, long veilCatalogReads, java.util.Collection<Sides.Slow> slow) {
        this.nanos = sidesNanos.clone();
        this.catalogReads = veilCatalogReads;
        slow.forEach(x -> slowest.add(0, x.nanos() / 1_000_000 + " ms: " + x.statement().describe().replace('\n', ' ')));
    }

    void add(Failure f) {
        failures.add(f);
    }

    void record(FuzzStatement s, Sides.Verdict v) {
        statements++;
        verdicts.merge(v.kind().name(), 1, Integer::sum);
        if (v.kind() == Sides.Kind.REFUSED) {
            String kind = v.state() + " " + shape(v.message());
            refusals.merge(kind, 1, Integer::sum);
            examples.putIfAbsent(kind, s.describe().replace('\n', ' '));
        }
        for (String c : s.constructs()) {
            int[] n = constructs.computeIfAbsent(c, k -> new int[3]);
            n[0]++;
            if (v.kind() == Sides.Kind.REFUSED) {
                n[1]++;
            } else if (v.kind() == Sides.Kind.BOTH_FAILED) {
                n[2]++;
            }
        }
    }

    /** A refusal message without its names, for counting refusals by kind. */
    private static String shape(String message) {
        String s = message.replaceAll("\\b(people|staff)\\.[a-z_]+", "t.c").replaceAll("near line [0-9]+, column [0-9]+",
                "near …").replaceAll("\\([^)]*\\)", "(…)");
        return s.substring(0, Math.min(s.length(), 150));
    }

    /** A table: per construct, statements using it, refused by Veil, failed on both sides (the server's error). */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("differential fuzzer, seed %d: %d statements, %s, %d failure(s)%n", seed, statements,
                verdicts, failures.size()));
        b.append(String.format("  time: through Veil %d ms, on the twin %d ms, resets %d ms, digests %d ms; Veil's own "
                + "catalog reads: %d%n", nanos[0] / 1_000_000, nanos[1] / 1_000_000, nanos[2] / 1_000_000,
                nanos[3] / 1_000_000, catalogReads));
        b.append("  slowest through Veil:\n");
        slowest.forEach(x -> b.append(String.format("    %.400s%n", x)));
        b.append(String.format("  %-62s %7s %8s %8s%n", "construct", "run", "refused", "errors"));
        constructs.forEach((c, n) -> b.append(String.format("  %-62s %7d %8d %8d%n", c, n[0], n[1], n[2])));
        b.append("  refusals by kind:\n");
        refusals.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue())
                .forEach(e -> b.append(String.format("  %6d  %s%n          e.g. %.300s%n", e.getValue(), e.getKey(),
                        examples.get(e.getKey()))));
        return b.toString();
    }
}
