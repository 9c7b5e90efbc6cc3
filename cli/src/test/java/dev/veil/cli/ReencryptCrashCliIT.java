package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crash scenario: a users table with two encrypted columns (one with a blind index), seeded through
 * Veil, and 8 application threads writing and reading through the Veil driver the whole time. {@code veil rotate
 * data-key}, then {@code veil reencrypt} as a child process, killed with SIGKILL about half way; the same command
 * again resumes ({@code "resumed": true}) and examines well under the table. Afterwards {@code status --check}
 * passes (every row on the new primary version), every update the threads committed is there (0 lost updates),
 * and every lookup through the blind index found its row.
 *
 * <p>{@code -Dveil.scenario.rows} sets the table size (default 50,000; the {@code scenarios} profile of
 * cli/pom.xml runs 1,000,000), {@code -Dveil.scenario.ops-per-second} the load (default 800 over all threads).
 * Timings go to standard output and to {@code target/reencrypt-crash-<rows>.txt}.
 */
class ReencryptCrashCliIT {

    static final int THREADS = 8;
    static final int ROWS = Integer.getInteger("veil.scenario.rows", 50_000) / THREADS * THREADS;
    static final int OPS_PER_SECOND = Integer.getInteger("veil.scenario.ops-per-second", 800);
    static final Duration KEY_CACHE_TTL = Duration.ofSeconds(1);
    static final String[] REENCRYPT = {"reencrypt", "--table", "users", "--batch-size", "500", "--json"};

    static CliFixture cli;
    static final List<String> timings = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        cli = CliFixture.create(ReencryptCrashCliIT.class, """
                  users:
                    email: { type: string, blind-index: email_bidx }
                    ssn: {}
                key-cache: { ttl: PT1S }
                """);
        cli.fx.plainExecute("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, ssn text, "
                + "email_bidx bytea, name text)");
        ok(cli.veil("init"));
        ok(cli.veil("ddl", "--apply")); // the companion index and the backstops (validated: the table is empty)
        long t = System.nanoTime();
        seed();
        cli.fx.plainExecute("VACUUM ANALYZE users");
        timing("seed %,d rows through Veil (2 threads, batches of 1,000)", t, ROWS);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (cli != null) {
            cli.close();
        }
        String report = "ReencryptCrashCliIT, " + String.format(Locale.ROOT, "%,d", ROWS) + " rows, " + THREADS
                + " threads at " + OPS_PER_SECOND + " ops/s, " + Runtime.getRuntime().availableProcessors()
                + " cores\n  " + String.join("\n  ", timings) + "\n";
        System.out.print(report);
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "reencrypt-crash-" + ROWS + ".txt"), report);
    }

    static VeilProcess.Result ok(VeilProcess.Result r) {
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r;
    }

    static void timing(String what, long startedNanos, Object... args) {
        timings.add(String.format(Locale.ROOT, "%-70s %8.1f s", String.format(Locale.ROOT, what, args),
                (System.nanoTime() - startedNanos) / 1e9));
    }

    static String email(long id) {
        return "user" + id + "@example.com";
    }

    static String ssn(long id) {
        return String.format(Locale.ROOT, "%03d-%02d-%04d", id % 1000, id % 100, id % 10_000);
    }

    static Connection veil() throws SQLException {
        return DriverManager.getConnection(cli.fx.veilUrl(), cli.fx.properties());
    }

    static void seed() throws Exception {
        List<Thread> seeders = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int s = 0; s < 2; s++) {
            int slice = s;
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(cli.fx.veilUrl() + "&reWriteBatchedInserts=true",
                        cli.fx.properties())) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO users (id, email, ssn, name) VALUES (?, ?, ?, ?)")) {
                        int n = 0;
                        for (long id = slice + 1; id <= ROWS; id += 2) {
                            ps.setLong(1, id);
                            ps.setString(2, email(id));
                            ps.setString(3, ssn(id));
                            ps.setString(4, "name " + id);
                            ps.addBatch();
                            if (++n % 1_000 == 0) {
                                ps.executeBatch();
                                c.commit();
                            }
                        }
                        ps.executeBatch();
                        c.commit();
                    }
                } catch (SQLException | RuntimeException e) {
                    failures.add(e);
                }
            }, "seed-" + s);
            t.start();
            seeders.add(t);
        }
        for (Thread t : seeders) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(cli.scalar("SELECT count(*) FROM users")).isEqualTo(ROWS);
    }

    /**
     * One application thread: updates (both encrypted columns, with values it records once committed), inserts
     * and lookups through the blind index, on its own rows only (ids ≡ k mod 8), so what it recorded is what the
     * table must hold.
     */
    static final class AppThread extends Thread {
        final int k;
        final AtomicBoolean stop;
        final Map<Long, String[]> committed = new HashMap<>();
        final List<String> failures = new ArrayList<>();
        long updates;
        long inserts;
        long lookups;
        long[] latencies = new long[1 << 16];
        int ops;

        AppThread(int k, AtomicBoolean stop) {
            super("app-" + k);
            this.k = k;
            this.stop = stop;
        }

        long seeded() {
            return ROWS / THREADS;
        }

        /** The id of this thread's row number {@code j}: the seeded ones first, then those it inserted. */
        long id(long j) {
            return j < seeded() ? THREADS * j + k + 1 : ROWS + THREADS * (j - seeded()) + k + 1;
        }

        String[] expected(long id) {
            String[] v = committed.get(id);
            return v != null ? v : new String[] {email(id), ssn(id)};
        }

        @Override
        public void run() {
            Random rnd = new Random(k);
            long interval = (long) (THREADS * 1e9 / OPS_PER_SECOND);
            long next = System.nanoTime();
            try (Connection c = veil();
                    PreparedStatement update = c.prepareStatement("UPDATE users SET email = ?, ssn = ? WHERE id = ?");
                    PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO users (id, email, ssn, name) VALUES (?, ?, ?, ?)");
                    PreparedStatement lookup = c.prepareStatement("SELECT id, ssn FROM users WHERE email = ?")) {
                long seq = 0;
                while (!stop.get()) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    next += interval;
                    int op = rnd.nextInt(10);
                    long id = id((long) (rnd.nextDouble() * (seeded() + inserts)));
                    long t = System.nanoTime();
                    try {
                        if (op < 5) {
                            seq++;
                            String[] v = {"t" + k + "-" + seq + "-" + id + "@example.org", "9" + k + "-" + seq};
                            update.setString(1, v[0]);
                            update.setString(2, v[1]);
                            update.setLong(3, id);
                            if (update.executeUpdate() == 1) {
                                committed.put(id, v);
                                updates++;
                            } else {
                                failures.add("update of " + id + " changed no row");
                            }
                        } else if (op < 6) {
                            long nid = id(seeded() + inserts);
                            String[] v = {"new" + nid + "@example.org", "8" + k + "-" + nid};
                            insert.setLong(1, nid);
                            insert.setString(2, v[0]);
                            insert.setString(3, v[1]);
                            insert.setString(4, "name " + nid);
                            insert.executeUpdate();
                            committed.put(nid, v);
                            inserts++;
                        } else {
                            String[] v = expected(id);
                            lookup.setString(1, v[0]);
                            try (ResultSet rs = lookup.executeQuery()) {
                                if (!rs.next() || rs.getLong(1) != id || !v[1].equals(rs.getString(2)) || rs.next()) {
                                    failures.add("lookup of row " + id + " by its email did not find exactly it");
                                }
                            }
                            lookups++;
                        }
                    } catch (SQLException e) {
                        failures.add((op < 5 ? "update " : op < 6 ? "insert " : "lookup ") + id + ": "
                                + e.getSQLState() + " " + e.getMessage());
                    }
                    if (ops == latencies.length) {
                        latencies = Arrays.copyOf(latencies, ops * 2);
                    }
                    latencies[ops++] = System.nanoTime() - t;
                }
            } catch (SQLException e) {
                failures.add("connection: " + e.getSQLState() + " " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code veil reencrypt …} in the JVM a user gets from {@code java -jar}: its speed is what is reported. */
    static VeilProcess reencrypt() {
        return VeilProcess.start(VeilProcess.PLAIN_JVM, cli.env(), cli.withConnection(cli.config(), REENCRYPT));
    }

    static long examined() throws SQLException {
        return cli.scalar("SELECT coalesce(sum(rows_examined), 0) FROM veil_jobs WHERE job LIKE 'reencrypt %'");
    }

    @Test
    void reencryptKilledHalfWayUnderLoadResumesAndLosesNoUpdate() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<AppThread> app = new ArrayList<>();
        for (int k = 0; k < THREADS; k++) {
            app.add(new AppThread(k, stop));
        }
        app.forEach(Thread::start);
        long loadStarted = System.nanoTime();
        Thread.sleep(1_000);

        long t = System.nanoTime();
        Map<String, Object> rotated = ok(cli.veil("rotate", "data-key", "--table", "users", "--json")).json();
        timing("veil rotate data-key (child process)", t);
        assertThat(rotated.get("report").toString()).contains("added version");
        Thread.sleep(KEY_CACHE_TTL.plusSeconds(1).toMillis()); // every Veil connection writes the new version now

        t = System.nanoTime();
        long atKill;
        try (VeilProcess first = reencrypt()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (examined() < ROWS / 2) {
                assertThat(first.alive()).as("reencrypt still running (not yet half way): %s", first.stderrSoFar())
                        .isTrue();
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            first.process().destroyForcibly(); // SIGKILL: no handler, no last batch, no goodbye
            assertThat(first.process().waitFor()).isEqualTo(128 + 9);
        }
        atKill = examined();
        timing("veil reencrypt until kill -9 at %,d rows examined (%.0f %%)", t, atKill, 100.0 * atKill / ROWS);
        assertThat(cli.scalar("SELECT count(*) FILTER (WHERE NOT done) FROM veil_jobs WHERE job LIKE 'reencrypt %'"))
                .as("the killed job is unfinished in the job table").isPositive();
        assertThat(ok(cli.veil("status", "--json")).json().get("jobs").toString()).contains("reencrypt users");

        t = System.nanoTime();
        VeilProcess.Result again;
        try (VeilProcess second = reencrypt()) {
            again = second.await(Duration.ofMinutes(30));
        }
        ok(again);
        Map<String, Object> resumed = again.json();
        long examinedAgain = (Long) resumed.get("rows_examined");
        timing("the same command again: resumed, %,d rows examined, %,d changed", t, examinedAgain,
                resumed.get("rows_changed"));
        timings.add("  (its own report: " + resumed.get("seconds") + " s)");
        assertThat(resumed).containsEntry("resumed", true).containsEntry("rows_remaining", 0L);
        assertThat(examinedAgain).as("rows examined by the resumed run").isLessThanOrEqualTo(ROWS - atKill)
                .isLessThan(ROWS * 3L / 4);

        Thread.sleep(1_000); // the load goes on a little on the new version
        stop.set(true);
        for (AppThread a : app) {
            a.join();
        }
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;

        t = System.nanoTime();
        VeilProcess.Result check = cli.veil("status", "--check", "--json");
        assertThat(check.exitCode()).as("status --check: %s", check).isZero();
        timing("veil status --check", t);

        t = System.nanoTime();
        verify(app, loadSeconds);
        timing("verification through Veil (every row decrypted and compared)", t);
    }

    /** Every row as the threads (or the seed) left it, every lookup found, every committed write present. */
    static void verify(List<AppThread> app, double loadSeconds) throws Exception {
        List<String> failures = new ArrayList<>();
        long updates = 0;
        long inserts = 0;
        long lookups = 0;
        long[] all = new long[0];
        for (AppThread a : app) {
            failures.addAll(a.failures);
            updates += a.updates;
            inserts += a.inserts;
            lookups += a.lookups;
            int from = all.length;
            all = Arrays.copyOf(all, from + a.ops);
            System.arraycopy(a.latencies, 0, all, from, a.ops);
        }
        Arrays.sort(all);
        timings.add(String.format(Locale.ROOT, "load: %,d updates, %,d inserts, %,d lookups in %.1f s (%.0f ops/s); "
                + "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms", updates, inserts, lookups, loadSeconds,
                all.length / loadSeconds, percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1.0)));
        assertThat(failures).as("application failures (failed lookups, errors)").isEmpty();
        assertThat(updates).isPositive();
        assertThat(lookups).isPositive();

        long rows = 0;
        long lost = 0;
        List<Long> sample = new ArrayList<>();
        try (Connection c = veil()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, email, ssn FROM users ORDER BY id")) {
                ps.setFetchSize(5_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        long id = rs.getLong(1);
                        AppThread owner = app.get((int) ((id - 1) % THREADS));
                        String[] v = owner.expected(id);
                        if (id > ROWS && !owner.committed.containsKey(id)) {
                            lost++; // a row nobody inserted
                        } else if (!v[0].equals(rs.getString(2)) || !v[1].equals(rs.getString(3))) {
                            lost++;
                        }
                        if (owner.committed.containsKey(id) && sample.size() < 2_000) {
                            sample.add(id);
                        }
                    }
                }
            }
            c.commit();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE email = ?")) {
                for (long id : sample) {
                    ps.setString(1, app.get((int) ((id - 1) % THREADS)).expected(id)[0]);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next() && rs.getLong(1) == id).as("lookup of updated row %d", id).isTrue();
                    }
                }
            }
        }
        timings.add(String.format(Locale.ROOT, "verified %,d rows: %d lost or wrong; %,d updated rows looked up "
                + "again by their new email", rows, lost, sample.size()));
        assertThat(rows).isEqualTo(ROWS + inserts);
        assertThat(lost).as("lost updates").isZero();
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
