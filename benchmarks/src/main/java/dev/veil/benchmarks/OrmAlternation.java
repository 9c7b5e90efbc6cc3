package dev.veil.benchmarks;

import dev.veil.benchmarks.OrmSide.Kind;
import dev.veil.benchmarks.OrmSide.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.infra.Blackhole;

/**
 * W1–W4 in both shapes ({@link OrmSide.Shape}) through plain pgjdbc, the physical twin, the crypto floor
 * ({@link FloorCrypto}: the twin plus Tink's AES-GCM and HMAC, nothing else) and Veil, interleaved round by
 * round in one JVM, for a machine shared with other work (JMH runs one variant's trial after the other's, so load
 * that comes and goes between them skews their ratio). Each round runs, per workload and shape, a fixed number of
 * operations on each side, the sides' order rotating from round to round; it records per side the wall time, this
 * thread's CPU time and the CPU time of the side's server process ({@code /proc/<pid>/schedstat}, when the server
 * runs on this machine) per operation. The first rounds warm up and are left out. Printed: per round the ratios,
 * then per workload and shape the medians over the rounds with their interquartile range (the error bars), and the
 * median of the per-round ratios veil ÷ plain, twin ÷ plain (physical layout), floor ÷ twin (the cryptography) and
 * veil ÷ floor (what Veil adds around the cryptography).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.OrmAlternation [rounds=12] [warmup=2]
 * [scale=1.0] [workloads=W1,W2,W3,W4] [shapes=orm,reuse] [rows=100000] [peers=auto] [w3=10000]</pre>
 *
 * {@code scale} multiplies the operations per side and round (W1 1,000, W2 2,000, W3 15, W4 10 at 1.0).
 * {@code W4B} (not among the defaults) is W4's client path alone ({@link OrmSide#bindBatch}: 1,000 rows bound and
 * added to a batch that is cleared, not executed; 10 per round at 1.0): what the drivers and the cryptography cost
 * per written row, without a commit's noise. {@code W3B} likewise is W3's client path alone
 * ({@link OrmSide#readAgain}: W3's 10,000 rows (or {@code w3}) fetched once, then read again from the first row by
 * every operation; 15 per round at 1.0; one shape: it ignores {@code shapes}, run it with {@code shapes=orm}).
 * {@code peers}: {@code auto} (the default) adds every peer on the class path as a further side —
 * ShardingSphere-JDBC's encrypt feature ({@link ShardingPeer}) when the jar was built with the {@code peers} profile,
 * the AWS Advanced JDBC Wrapper's KMS encryption plugin ({@link AwsWrapperPeer}) when a wrapper jar with it is added
 * to {@code -cp}; {@code sharding}, {@code aws} or {@code sharding,aws} require those, {@code none} leaves them out.
 * A side that cannot run a workload (the AWS plugin has no search by e-mail: W2 orm) is reported "not supported". {@code w3}: the rows W3 reads (at most {@code rows}; its operations per round scale inversely, so a
 * round takes about as long).
 */
public final class OrmAlternation {

    private static final Map<String, Integer> OPERATIONS = Map.of("W1", 1_000, "W2", 2_000, "W3", 15, "W4", 10,
            "W3B", 15, "W4B", 10);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private OrmAlternation() {
    }

    /**
     * One side's run of one workload, per operation: microseconds (wall, this thread's CPU, the server process's CPU,
     * this JVM's CPU over all its threads), and bytes this thread allocated.
     */
    record Sample(double wall, double clientCpu, double serverCpu, double allocated, double processCpu) {

        /** What a side that does not support the workload records. */
        static final Sample UNSUPPORTED = new Sample(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "12"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "2"));
        double scale = Double.parseDouble(o.getOrDefault("scale", "1.0"));
        List<String> workloads = List.of(o.getOrDefault("workloads", "W1,W2,W3,W4").toUpperCase(Locale.ROOT)
                .split(","));
        List<Shape> shapes = new ArrayList<>();
        for (String s : o.getOrDefault("shapes", "orm,reuse").split(",")) {
            shapes.add(Shape.valueOf(s.trim().toUpperCase(Locale.ROOT)));
        }
        int rows = Integer.parseInt(o.getOrDefault("rows", String.valueOf(OrmSchema.DEFAULT_ROWS)));
        Set<Kind> peers = peers(o.getOrDefault("peers", "auto"));
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly "
                + "is dangerous.");
        // workload/shape -> side -> samples of the measured rounds
        Map<String, Map<Kind, List<Sample>>> results = new LinkedHashMap<>();
        System.out.printf("load average at start: %s%n", loadAverage());
        long started = System.nanoTime();
        int w3 = Integer.parseInt(o.getOrDefault("w3", String.valueOf(Math.min(rows, OrmSchema.W3_ROWS))));
        try (OrmFixture f = OrmFixture.open(rows, peers)) {
            f.w3Rows(w3);
            System.out.printf("seeded %,d rows per table in %.1f s; load average %s%n", rows,
                    (System.nanoTime() - started) / 1e9, loadAverage());
            measure(f, rounds, warmup, scale, workloads, shapes, bh, results, (double) OrmSchema.W3_ROWS / w3);
            if (f.aws() != null) {
                System.out.println("fake KMS calls (AWS wrapper side): " + f.aws().kmsCalls());
            }
        } finally {
            System.out.printf("load average at end: %s; %d measured rounds after %d warm-up, %.0f s in all%n",
                    loadAverage(), results.isEmpty() ? 0 : results.values().iterator().next().get(Kind.PLAIN).size(),
                    warmup, (System.nanoTime() - started) / 1e9);
            print(results);
        }
    }

    /** The peers the {@code peers} option names: auto, none, or a comma list of sharding and aws. */
    static Set<Kind> peers(String option) {
        Set<Kind> out = EnumSet.noneOf(Kind.class);
        switch (option) {
            case "auto" -> {
                if (ShardingPeer.available()) {
                    out.add(Kind.SHARDING);
                }
                if (AwsWrapperPeer.available()) {
                    out.add(Kind.AWS);
                }
            }
            case "none" -> { }
            default -> {
                for (String p : option.split(",")) {
                    switch (p.trim()) {
                        case "sharding" -> out.add(Kind.SHARDING);
                        case "aws" -> {
                            if (!AwsWrapperPeer.available()) {
                                throw new IllegalArgumentException("peers=aws needs a jar of the AWS Advanced JDBC "
                                        + "Wrapper with its KMS encryption plugin on -cp");
                            }
                            out.add(Kind.AWS);
                        }
                        default -> throw new IllegalArgumentException("peers: auto, none, or a comma list of "
                                + "sharding and aws");
                    }
                }
            }
        }
        return out;
    }

    private static void measure(OrmFixture f, int rounds, int warmup, double scale, List<String> workloads,
            List<Shape> shapes, Blackhole bh, Map<String, Map<Kind, List<Sample>>> results, double w3Scale)
            throws SQLException {
        System.out.print(OrmSchema.sizes(f.database()));
        Kind[] kinds = f.kinds();
        Map<Kind, Integer> pids = new EnumMap<>(Kind.class);
        for (Kind k : kinds) {
            pids.put(k, k == Kind.SHARDING ? -1 : f.side(k).backendPid());
        }
        for (int r = 0; r < rounds; r++) {
            f.removeWrites();
            StringBuilder line = new StringBuilder(String.format("round %2d%s:", r, r < warmup ? " (warm-up)" : ""));
            for (String w : workloads) {
                for (int si = 0; si < shapes.size(); si++) {
                    Shape shape = shapes.get((si + r) % shapes.size());
                    int n = Math.max(1, (int) Math.round(OPERATIONS.get(w) * scale * (w.equals("W3") ? w3Scale : 1)));
                    Map<Kind, Sample> round = new EnumMap<>(Kind.class);
                    for (int k = 0; k < kinds.length; k++) {
                        Kind kind = kinds[(k + r) % kinds.length];
                        OrmSide side = f.side(kind);
                        round.put(kind, side.supports(w, shape) ? run(side, pids.get(kind), w, shape, n, bh)
                                : Sample.UNSUPPORTED);
                    }
                    String key = w + " " + shape.label();
                    line.append(String.format(" %s %.2f", key, round.get(Kind.VEIL).wall()
                            / round.get(Kind.PLAIN).wall()));
                    if (r >= warmup) {
                        Map<Kind, List<Sample>> m = results.computeIfAbsent(key, x -> new EnumMap<>(Kind.class));
                        for (Kind kind : kinds) {
                            m.computeIfAbsent(kind, x -> new ArrayList<>()).add(round.get(kind));
                        }
                    }
                }
            }
            System.out.println(line + "   load " + loadAverage());
        }
    }

    private static Sample run(OrmSide side, int pid, String workload, Shape shape, int n, Blackhole bh)
            throws SQLException {
        long server = serverCpuNanos(pid);
        long process = PROCESS.getProcessCpuTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        int ops = 0;
        for (int i = 0; i < n; i++) {
            switch (workload) {
                case "W1" -> ops += side.w1(shape);
                case "W2" -> side.w2(shape, bh);
                case "W3" -> bh.consume(side.w3(shape, bh));
                case "W4" -> ops += side.w4(shape);
                case "W4B" -> ops += side.bindBatch(shape);
                case "W3B" -> bh.consume(side.readAgain(bh));
                default -> throw new IllegalArgumentException("unknown workload " + workload
                        + "; W1, W2, W3, W4, W3B, W4B");
            }
        }
        double wall = (System.nanoTime() - t0) / 1e3 / n;
        double clientCpu = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / n;
        double allocated = (double) (THREADS.getCurrentThreadAllocatedBytes() - bytes) / n;
        double processCpu = (PROCESS.getProcessCpuTime() - process) / 1e3 / n;
        long serverAfter = serverCpuNanos(pid);
        double serverCpu = server < 0 || serverAfter < 0 ? Double.NaN : (serverAfter - server) / 1e3 / n;
        bh.consume(ops);
        return new Sample(wall, clientCpu, serverCpu, allocated, processCpu);
    }

    /** CPU time the server process {@code pid} has used, in ns; -1 when it cannot be read (another machine). */
    private static long serverCpuNanos(int pid) {
        try {
            String s = Files.readString(Path.of("/proc", String.valueOf(pid), "schedstat")).trim();
            return Long.parseLong(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void print(Map<String, Map<Kind, List<Sample>>> results) {
        System.out.println();
        System.out.println("| workload | shape | plain µs/op | twin µs/op | floor µs/op | Veil µs/op | **Veil ÷ plain** "
                + "| twin ÷ plain | floor ÷ twin | **Veil ÷ floor** "
                + "| client CPU µs/op plain / twin / floor / Veil | server CPU µs/op plain / twin / floor / Veil "
                + "| allocated B/op plain / twin / floor / Veil |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Map<Kind, List<Sample>>> e : results.entrySet()) {
            Map<Kind, List<Sample>> m = e.getValue();
            List<Sample> plain = m.get(Kind.PLAIN);
            List<Sample> twin = m.get(Kind.TWIN);
            List<Sample> floor = m.get(Kind.FLOOR);
            List<Sample> veil = m.get(Kind.VEIL);
            String[] ws = e.getKey().split(" ");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | **%s** | %s | %s | **%s** "
                    + "| %s / %s / %s / %s | %s / %s / %s / %s | %s / %s / %s / %s |%n",
                    ws[0], ws[1], spread(walls(plain), "%.1f"), spread(walls(twin), "%.1f"),
                    spread(walls(floor), "%.1f"), spread(walls(veil), "%.1f"),
                    spread(ratios(veil, plain), "%.3f"), spread(ratios(twin, plain), "%.3f"),
                    spread(ratios(floor, twin), "%.3f"), spread(ratios(veil, floor), "%.3f"),
                    one(plain, Sample::clientCpu), one(twin, Sample::clientCpu), one(floor, Sample::clientCpu),
                    one(veil, Sample::clientCpu),
                    one(plain, Sample::serverCpu), one(twin, Sample::serverCpu), one(floor, Sample::serverCpu),
                    one(veil, Sample::serverCpu),
                    bytes(plain), bytes(twin), bytes(floor), bytes(veil));
        }
        printPeers(results);
        printClientShare(results);
        System.out.println();
        System.out.println("Cells: median over the measured rounds [interquartile range]; a ratio is the median of the "
                + "per-round ratios.");
    }

    /**
     * What Veil's own client work costs, paired round by round: per round, Veil's client CPU minus the floor's (the
     * same workload, adjacent in time), and Veil's client share, 1 + that difference ÷ the floor's wall time; the
     * median and interquartile range over the rounds. Pairing takes out what moves a whole round (a busier machine,
     * a slower moment), which the difference of two medians keeps.
     */
    private static void printClientShare(Map<String, Map<Kind, List<Sample>>> results) {
        System.out.println();
        System.out.println("| workload | shape | Veil's client CPU above the floor, µs/op (per round) "
                + "| **Veil's client share** (1 + that ÷ floor wall, per round) |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, Map<Kind, List<Sample>>> e : results.entrySet()) {
            List<Sample> floor = e.getValue().get(Kind.FLOOR);
            List<Sample> veil = e.getValue().get(Kind.VEIL);
            List<Double> above = new ArrayList<>();
            List<Double> share = new ArrayList<>();
            for (int i = 0; i < veil.size(); i++) {
                double d = veil.get(i).clientCpu() - floor.get(i).clientCpu();
                above.add(d);
                share.add(1 + d / floor.get(i).wall());
            }
            String[] ws = e.getKey().split(" ");
            double m = quantile(above, 0.5);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | **%s** |%n", ws[0], ws[1],
                    spread(above, Math.abs(m) >= 100 ? "%.0f" : "%.2f"), spread(share, "%.3f"));
        }
    }

    /**
     * Veil beside the peers, when any ran: wall time, ratio to plain, CPU (this thread; the whole JVM, which counts
     * work a side hands to other threads, such as the AWS wrapper's SQL parser, but also GC and JIT; the server
     * process) and allocation per operation.
     */
    private static void printPeers(Map<String, Map<Kind, List<Sample>>> results) {
        if (results.isEmpty()) {
            return;
        }
        List<Kind> peers = new ArrayList<>();
        for (Kind k : results.values().iterator().next().keySet()) {
            if (k == Kind.SHARDING || k == Kind.AWS) {
                peers.add(k);
            }
        }
        if (peers.isEmpty()) {
            return;
        }
        StringBuilder head = new StringBuilder("| workload | shape | plain µs/op | Veil µs/op |");
        StringBuilder names = new StringBuilder("plain / Veil");
        for (Kind p : peers) {
            head.append(' ').append(p.label()).append(" µs/op |");
            names.append(" / ").append(p.label());
        }
        head.append(" **Veil ÷ plain** |");
        for (Kind p : peers) {
            head.append(" **").append(p.label()).append(" ÷ plain** |");
        }
        head.append(" client CPU µs/op ").append(names).append(" | JVM CPU µs/op ").append(names)
                .append(" | server CPU µs/op ").append(names).append(" | allocated B/op ").append(names).append(" |");
        System.out.println();
        System.out.println(head);
        System.out.println("|---|---|---|---|" + "---|---|".repeat(peers.size()) + "---|---|---|---|---|");
        for (Map.Entry<String, Map<Kind, List<Sample>>> e : results.entrySet()) {
            Map<Kind, List<Sample>> m = e.getValue();
            List<Kind> sides = new ArrayList<>(List.of(Kind.PLAIN, Kind.VEIL));
            sides.addAll(peers);
            String[] ws = e.getKey().split(" ");
            StringBuilder row = new StringBuilder("| " + ws[0] + " | " + ws[1] + " |");
            for (Kind k : sides) {
                row.append(' ').append(wallCell(m.get(k))).append(" |");
            }
            for (Kind k : sides.subList(1, sides.size())) {
                row.append(" **").append(ratioCell(m.get(k), m.get(Kind.PLAIN))).append("** |");
            }
            List<String> cpu = new ArrayList<>();
            List<String> jvm = new ArrayList<>();
            List<String> server = new ArrayList<>();
            List<String> allocated = new ArrayList<>();
            for (Kind k : sides) {
                cpu.add(one(m.get(k), Sample::clientCpu));
                jvm.add(one(m.get(k), Sample::processCpu));
                server.add(one(m.get(k), Sample::serverCpu));
                allocated.add(bytes(m.get(k)));
            }
            row.append(' ').append(String.join(" / ", cpu)).append(" | ").append(String.join(" / ", jvm))
                    .append(" | ").append(String.join(" / ", server)).append(" | ")
                    .append(String.join(" / ", allocated)).append(" |");
            System.out.println(row);
        }
    }

    /** The per-round ratios of two sides' wall times. */
    private static List<Double> ratios(List<Sample> a, List<Sample> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i).wall() / b.get(i).wall());
        }
        return out;
    }

    private static boolean unsupported(List<Sample> samples) {
        return samples.stream().allMatch(s -> Double.isNaN(s.wall()));
    }

    private static String wallCell(List<Sample> samples) {
        return unsupported(samples) ? "not supported" : spread(walls(samples), "%.1f");
    }

    private static String ratioCell(List<Sample> side, List<Sample> plain) {
        return unsupported(side) ? "n/a" : spread(ratios(side, plain), "%.3f");
    }

    private static String bytes(List<Sample> samples) {
        if (unsupported(samples)) {
            return "n/a";
        }
        List<Double> v = new ArrayList<>();
        for (Sample s : samples) {
            v.add(s.allocated());
        }
        return String.format(Locale.ROOT, "%,.0f", quantile(v, 0.5));
    }

    private static List<Double> walls(List<Sample> samples) {
        List<Double> out = new ArrayList<>();
        for (Sample s : samples) {
            out.add(s.wall());
        }
        return out;
    }

    private static String one(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        List<Double> v = new ArrayList<>();
        for (Sample s : samples) {
            v.add(f.applyAsDouble(s));
        }
        double m = quantile(v, 0.5);
        return Double.isNaN(m) ? "n/a" : String.format(Locale.ROOT, m >= 100 ? "%.0f" : "%.1f", m);
    }

    /** The median and interquartile range of {@code values}: {@code "m [q1–q3]"}. */
    static String spread(List<Double> values, String format) {
        return String.format(Locale.ROOT, format + " [" + format + "–" + format + "]", quantile(values, 0.5),
                quantile(values, 0.25), quantile(values, 0.75));
    }

    /** The {@code q} quantile of {@code values}, linearly interpolated; NaN when empty. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
    }

    private static Map<String, String> options(String[] args) {
        String[] names = {"rounds", "warmup", "scale", "workloads", "shapes", "rows", "peers", "w3"};
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq > 0) {
                out.put(args[i].substring(0, eq).replaceFirst("^--", ""), args[i].substring(eq + 1));
            } else if (i < names.length) {
                out.put(names[i], args[i]);
            }
        }
        return out;
    }
}
