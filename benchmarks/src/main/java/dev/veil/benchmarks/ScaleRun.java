package dev.veil.benchmarks;

import dev.veil.benchmarks.OrmSide.Kind;
import dev.veil.benchmarks.OrmSide.Shape;
import dev.veil.benchmarks.PatientsSchema.Patient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How Veil's cost grows, beside plain pgjdbc on the same seeded tables as {@link OrmAlternation} (issue 11, "Scale"):
 *
 * <ol>
 * <li><b>threads</b>: W2 in the ORM shape (prepare per operation, search by e-mail, encrypted columns read twice)
 * on 1, 2, 4 and 8 threads, each on its own connection, for a fixed time; plain and Veil alternate, round by
 * round, and so does the floor side ({@link FloorCrypto}: the same search and decryptions done with Tink alone on
 * Veil's physical layout). Printed: operations per second per side (median over the rounds), Veil ÷ plain
 * throughput, and each side's scaling over its own one-thread throughput — Veil's should stay within 10 % of
 * plain's; the floor's says how much of a shortfall any client-side encryption on these 2 cores has.</li>
 * <li><b>texts</b>: {@code texts} distinct SQL texts (literal ids), half of them naming the encrypted table, each
 * prepared, executed and closed through one connection per side. Printed: the retained heap after a full GC
 * before and after (Veil's plan cache is bounded by {@code statement-cache-size}), and the W2 time of one
 * fixed text before and after the flood (the cache's hit path must not change).</li>
 * <li><b>connections</b>: {@code connections} open connections per side, idle, as a pool holds them; the retained
 * heap per connection after a full GC (Veil's connection wraps a pgjdbc one: the difference is Veil's).</li>
 * </ol>
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.ScaleRun [threads=1,2,4,8] [seconds=5]
 * [rounds=3] [texts=100000] [connections=200] [rows=100000] [parts=threads,texts,connections]</pre>
 *
 * The server needs {@code max_connections} above {@code connections} plus the other connections of the run
 * (PostgreSQL's default is 100); the run says how many it could open when it is not.
 */
public final class ScaleRun {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int rows = Integer.parseInt(o.getOrDefault("rows", String.valueOf(OrmSchema.DEFAULT_ROWS)));
        List<String> parts = List.of(o.getOrDefault("parts", "threads,texts,connections").split(","));
        System.out.printf("load average at start: %s%n", OrmAlternation.loadAverage());
        try (OrmFixture f = OrmFixture.open(rows)) {
            Lookups lookups = new Lookups(rows);
            if (parts.contains("threads")) {
                threads(f, lookups, o);
            }
            if (parts.contains("texts")) {
                texts(f, lookups, Integer.parseInt(o.getOrDefault("texts", "100000")));
            }
            if (parts.contains("connections")) {
                connections(f, Integer.parseInt(o.getOrDefault("connections", "200")));
            }
        }
        System.out.printf("load average at end: %s%n", OrmAlternation.loadAverage());
    }

    /** W2's lookup pool, as {@link OrmFixture} builds it. */
    record Lookups(long[] ids, String[] emails) {
        Lookups(int rows) {
            this(new long[OrmSide.POOL], new String[OrmSide.POOL]);
            Patient[] all = Patient.pool(rows);
            for (int i = 0; i < OrmSide.POOL; i++) {
                ids[i] = rows / 2 + 1 + (long) i * (rows / 2) / OrmSide.POOL;
                emails[i] = all[(int) ids[i] - 1].email();
            }
        }

        OrmSide side(OrmFixture f, Kind kind, Connection c) throws SQLException {
            return kind == Kind.FLOOR ? new OrmSide(c, null, ids, emails, f.crypto())
                    : new OrmSide(kind, c, null, null, ids, emails, null);
        }
    }

    // ------------------------------------------------------------------------------------------------ threads

    private static void threads(OrmFixture f, Lookups lookups, Map<String, String> o) throws Exception {
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "5"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
        List<Integer> counts = new ArrayList<>();
        for (String t : o.getOrDefault("threads", "1,2,4,8").split(",")) {
            counts.add(Integer.parseInt(t.trim()));
        }
        Kind[] kinds = {Kind.PLAIN, Kind.FLOOR, Kind.VEIL};
        Map<Integer, Map<Kind, List<Double>>> rates = new LinkedHashMap<>();
        // warm-up: every side on every thread count once, untimed
        for (int n : counts) {
            for (Kind k : kinds) {
                throughput(f, lookups, k, n, 1);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int n : counts) {
                for (int i = 0; i < kinds.length; i++) {
                    Kind k = kinds[(i + r) % kinds.length];
                    double ops = throughput(f, lookups, k, n, seconds);
                    rates.computeIfAbsent(n, x -> new EnumMap<>(Kind.class))
                            .computeIfAbsent(k, x -> new ArrayList<>()).add(ops);
                }
            }
            System.out.printf("threads round %d done; load %s%n", r, OrmAlternation.loadAverage());
        }
        System.out.println();
        System.out.println("| threads | plain ops/s | floor ops/s | Veil ops/s | **Veil ÷ plain** | floor ÷ plain "
                + "| plain scaling | floor scaling | Veil scaling | **Veil scaling ÷ plain scaling** "
                + "| floor scaling ÷ plain scaling | Veil scaling ÷ floor scaling |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Map<Kind, Double> one = new EnumMap<>(Kind.class);
        for (Kind k : kinds) {
            one.put(k, OrmAlternation.quantile(rates.get(counts.get(0)).get(k), 0.5));
        }
        for (int n : counts) {
            Map<Kind, List<Double>> at = rates.get(n);
            double p = OrmAlternation.quantile(at.get(Kind.PLAIN), 0.5);
            double fl = OrmAlternation.quantile(at.get(Kind.FLOOR), 0.5);
            double v = OrmAlternation.quantile(at.get(Kind.VEIL), 0.5);
            double ps = p / one.get(Kind.PLAIN);
            double fs = fl / one.get(Kind.FLOOR);
            double vs = v / one.get(Kind.VEIL);
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | **%.3f** | %.3f | %.2f × | %.2f × | %.2f × | **%.3f** "
                    + "| %.3f | %.3f |%n", n, OrmAlternation.spread(at.get(Kind.PLAIN), "%,.0f"),
                    OrmAlternation.spread(at.get(Kind.FLOOR), "%,.0f"), OrmAlternation.spread(at.get(Kind.VEIL), "%,.0f"),
                    v / p, fl / p, ps, fs, vs, vs / ps, fs / ps, vs / fs);
        }
        System.out.println();
    }

    /** W2 (ORM shape) on {@code n} threads with a connection each, for {@code seconds}: operations per second. */
    private static double throughput(OrmFixture f, Lookups lookups, Kind kind, int n, int seconds)
            throws Exception {
        List<OrmSide> sides = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sides.add(lookups.side(f, kind, kind == Kind.VEIL ? f.database().veil() : f.database().plain()));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (OrmSide side : sides) {
                Thread t = new Thread(() -> {
                    Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating "
                            + "Blackholes directly is dangerous.");
                    long mine = 0;
                    try {
                        start.await();
                        while (!stop.get()) {
                            side.w2(Shape.ORM, bh);
                            mine++;
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                    ops.addAndGet(mine);
                }, "w2-" + kind.label());
                t.start();
                threads.add(t);
            }
            long t0 = System.nanoTime();
            start.countDown();
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException(kind.label() + " on " + n + " threads failed", failure.get());
            }
            return ops.get() / elapsed;
        } finally {
            for (OrmSide s : sides) {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ texts

    private static void texts(OrmFixture f, Lookups lookups, int texts) throws Exception {
        System.out.println("| side | retained heap before | after " + texts + " texts | growth | W2 µs/op before "
                + "| W2 µs/op after | flood µs/text |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Kind kind : new Kind[] {Kind.PLAIN, Kind.VEIL}) {
            try (Connection c = kind == Kind.VEIL ? f.database().veil() : f.database().plain()) {
                OrmSide side = lookups.side(f, kind, c);
                Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating "
                        + "Blackholes directly is dangerous.");
                String table = kind == Kind.VEIL ? OrmSchema.VEIL : OrmSchema.PLAIN;
                double before = w2Micros(side, bh, 5_000);
                long heapBefore = retainedHeap();
                long t0 = System.nanoTime();
                for (int i = 0; i < texts; i++) {
                    // half the texts name the encrypted table (analysed, rewritten, decrypted), half a plain one
                    String sql = i % 2 == 0
                            ? "SELECT id, ssn FROM " + table + " WHERE id = " + (1 + i % f.rows())
                            : "SELECT id, name FROM " + OrmSchema.PLAIN + " WHERE id = " + (1 + i % f.rows());
                    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            bh.consume(rs.getString(2));
                        }
                    }
                }
                double flood = (System.nanoTime() - t0) / 1e3 / texts;
                long heapAfter = retainedHeap();
                double after = w2Micros(side, bh, 5_000);
                System.out.printf(Locale.ROOT, "| %s | %.1f MB | %.1f MB | %+.1f MB | %.1f | %.1f | %.1f |%n",
                        kind.label(), heapBefore / 1e6, heapAfter / 1e6, (heapAfter - heapBefore) / 1e6, before, after,
                        flood);
            }
        }
        System.out.println();
    }

    private static double w2Micros(OrmSide side, Blackhole bh, int n) throws SQLException {
        for (int i = 0; i < n / 5; i++) {
            side.w2(Shape.ORM, bh);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            side.w2(Shape.ORM, bh);
        }
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    // ------------------------------------------------------------------------------------------------ connections

    private static void connections(OrmFixture f, int count) throws Exception {
        System.out.println("| side | connections opened | retained heap per connection |");
        System.out.println("|---|---|---|");
        for (Kind kind : new Kind[] {Kind.PLAIN, Kind.VEIL}) {
            List<Connection> open = new ArrayList<>();
            long before = retainedHeap();
            String stopped = "";
            try {
                for (int i = 0; i < count; i++) {
                    Connection c = kind == Kind.VEIL ? f.database().veil() : f.database().plain();
                    open.add(c);
                    // a pool validates a connection before handing it out
                    c.isValid(5);
                }
            } catch (SQLException e) {
                stopped = " (the server refused more: " + e.getSQLState() + ")";
            }
            long after = retainedHeap();
            System.out.printf(Locale.ROOT, "| %s | %d%s | %,.0f B |%n", kind.label(), open.size(), stopped,
                    open.isEmpty() ? Double.NaN : (double) (after - before) / open.size());
            for (Connection c : open) {
                c.close();
            }
        }
        System.out.println();
    }

    /** Heap in use after full collections (what is retained). */
    private static long retainedHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                out.put(a.substring(0, eq).replaceFirst("^--", ""), a.substring(eq + 1));
            }
        }
        return out;
    }
}
