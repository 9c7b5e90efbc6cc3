package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.VeilDriver;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.TunedRuntime;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyRingListener;
import dev.veil.key.KeyScope;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.TestDatabaseExtension;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Soak: {@value #DEFAULT_THREADS} threads over two runtimes (two "processes" sharing the key table and the KMS) run
 * a mix of inserts, batches in transactions, updates (by primary key and through the blind index), lookups through
 * the blind index ({@code =} and {@code IN}), bulk reads of their own rows and of other threads' rows, and deletes,
 * for {@code -Dveil.soak.seconds} (default {@value #DEFAULT_SECONDS}), while
 *
 * <ul>
 *   <li>data keys roll every {@code -Dveil.soak.max-encryptions-per-key-version} encryptions (default
 *       {@value #DEFAULT_LIMIT}), reserved in blocks of {@code -Dveil.soak.reservation-block} (default
 *       {@value #DEFAULT_BLOCK}) — the key ring's settings, which the YAML does not expose, so the runtimes are built
 *       by {@link TunedRuntime};</li>
 *   <li>cached keys live one second ({@code key-cache: { ttl: PT1S, max-staleness: PT5S }});</li>
 *   <li>the KMS ({@link FakeKmsServer}) fails at random, every 0.3–3 s: internal errors and throttling for the
 *       next few calls, hangs and refused connections for up to two seconds (never access denied: that is a
 *       refusal, VE003, not an outage).</li>
 * </ul>
 *
 * Every thread owns its rows and remembers what it last wrote to each. Expected: no error other than the documented
 * transient one (VE002, data key unavailable, {@link SQLTransientConnectionException}); every read of an own row
 * returns what was last written; at the end every row decrypts and equals what its thread wrote (no lost update, no
 * missing or extra row); heap after GC and live threads stay within a generous bound of their values at the start.
 * The figures are printed; docs/soak.md records a 30-minute run.
 */
class SoakIT {

    static final int DEFAULT_SECONDS = 45;
    static final int DEFAULT_THREADS = 16;
    static final long DEFAULT_LIMIT = 2_000;
    static final long DEFAULT_BLOCK = 20;

    static final Duration RUN = Duration.ofSeconds(Long.getLong("veil.soak.seconds", DEFAULT_SECONDS));
    static final int THREADS = Integer.getInteger("veil.soak.threads", DEFAULT_THREADS);
    static final int RUNTIMES = Integer.getInteger("veil.soak.runtimes", 2);
    static final long LIMIT = Long.getLong("veil.soak.max-encryptions-per-key-version", DEFAULT_LIMIT);
    static final long BLOCK = Long.getLong("veil.soak.reservation-block", DEFAULT_BLOCK);
    static final long SEED = Long.getLong("veil.soak.seed", new Random().nextLong());
    /** {@code -Dveil.soak.kms-faults=false} runs the same load with a healthy KMS (to tell outages from rolling). */
    static final boolean KMS_FAULTS = Boolean.parseBoolean(System.getProperty("veil.soak.kms-faults", "true"));
    /** Rows a thread keeps at most: beyond it, inserts become deletes, so the table's size is bounded. */
    static final int MAX_ROWS_PER_THREAD = 1_500;
    /** The only SQLStates a workload may see: documented as transient (retry). */
    static final Set<String> TRANSIENT = Set.of("VE002");

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static Path dir;
    static FakeKmsServer kms;

    static final Map<String, LongAdder> OPS = new ConcurrentHashMap<>();
    static final Map<String, LongAdder> ERRORS = new ConcurrentHashMap<>();
    static final Map<String, LongAdder> FAULTS = new ConcurrentHashMap<>();
    static final Map<String, LongAdder> KEY_EVENTS = new ConcurrentHashMap<>();
    /** Failures by operation and SQLState, and one message per distinct message shape (digits blanked). */
    static final Map<String, LongAdder> FAILED_OPS = new ConcurrentHashMap<>();
    static final Map<String, String> MESSAGES = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<String> UNEXPECTED = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<String> WRONG_READS = new ConcurrentLinkedQueue<>();
    static final AtomicLong UNEXPECTED_COUNT = new AtomicLong();
    static final AtomicLong WRONG_READ_COUNT = new AtomicLong();

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-soak");
        kms = FakeKmsServer.start();
        kms.warmUp();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE soak (id bigint PRIMARY KEY, owner int NOT NULL, payload bytea, email bytea, "
                    + "email_bidx bytea, counter bytea, note text)");
            st.execute("CREATE UNIQUE INDEX soak_email_bidx_key ON soak (email_bidx)");
            st.execute("CREATE INDEX soak_owner_idx ON soak (owner)");
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        kms.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static void count(Map<String, LongAdder> counters, String name, long n) {
        counters.computeIfAbsent(name, k -> new LongAdder()).add(n);
    }

    @Test
    void sixteenThreadsWithKeysRollingEveryFewHundredEncryptionsAndTheKmsFailingAtRandomLoseNothing()
            throws Exception {
        String arn = kms.createKey();
        Path config = KmsVeil.writeOutageConfig(dir, "soak.yml", kms, arn, "{ ttl: PT1S, max-staleness: PT5S }", """
                  soak:
                    payload: { type: string }
                    email: { type: string, blind-index: email_bidx }
                    counter: { type: long }
                    note: { type: string }
                """);
        Properties veil = new Properties();
        veil.setProperty("veil.config", config.toString());
        VeilConfig veilConfig = VeilDriver.configFrom(veil);
        List<VeilRuntime> runtimes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1, r -> {
            Thread t = new Thread(r, "soak");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < RUNTIMES; i++) {
                VeilRuntime runtime = TunedRuntime.create(veilConfig, DB::plainConnection, DB.name(),
                        b -> b.maxEncryptionsPerKeyVersion(LIMIT).encryptionReservationBlock(BLOCK));
                runtime.addKeyRingListener(new KeyEvents());
                runtimes.add(runtime);
                try (Connection c = new VeilConnection(DB.plainConnection(), runtime)) {
                    new Worker(-1 - i, runtime, new SplittableRandom(SEED)).warmUp(c); // keys created and cached
                }
            }
            Measure start = Measure.now();

            long deadline = System.nanoTime() + RUN.toNanos();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Worker> workers = new ArrayList<>();
            List<Future<?>> futures = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom(SEED);
            for (int i = 0; i < THREADS; i++) {
                Worker w = new Worker(i, runtimes.get(i % RUNTIMES), seeds.split());
                workers.add(w);
                futures.add(pool.submit(() -> w.run(deadline)));
            }
            Future<?> chaos = pool.submit(() -> chaos(running, new SplittableRandom(SEED ^ 0x5eed)));
            long started = System.nanoTime();
            for (Future<?> f : futures) {
                try {
                    f.get(RUN.toSeconds() + 180, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a worker did not finish within 3 minutes of the end:\n" + threadDump(),
                            e);
                }
            }
            long ran = System.nanoTime() - started;
            running.set(false);
            chaos.get(30, TimeUnit.SECONDS);
            kms.fault(FakeKmsServer.Fault.NONE);
            kms.restart();

            Verification verified = new Verification();
            for (Worker w : workers) {
                w.verify(verified);
            }
            long stored;
            try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM soak WHERE owner >= 0")) {
                rs.next();
                stored = rs.getLong(1);
            }
            for (Worker w : workers) {
                w.close();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            Measure end = Measure.now();

            String report = report(ran, start, end, verified, stored, runtimes);
            System.out.println(report);

            assertThat(UNEXPECTED).as("errors other than %s (%d in all)", TRANSIENT, UNEXPECTED_COUNT.get()).isEmpty();
            assertThat(WRONG_READS).as("reads of own rows that differed from what was written (%d in all)",
                    WRONG_READ_COUNT.get()).isEmpty();
            assertThat(verified.problems).as("final verification").isEmpty();
            assertThat(verified.rows).as("rows verified").isEqualTo(stored).isPositive();
            assertThat(KEY_EVENTS.get("rolled")).as("keys rolled during the run").isNotNull();
            assertThat(FAULTS.isEmpty()).as("KMS faults injected").isNotEqualTo(KMS_FAULTS);
            for (String op : List.of("insert", "batch", "update", "update-by-email", "lookup", "lookup-in",
                    "read-own", "read-other", "delete")) {
                assertThat(OPS.get(op)).as("operations: %s", op).isNotNull();
            }
            assertThat(end.heapBytes).as("heap after GC at the end (start %d MB)", start.heapBytes >> 20)
                    .isLessThan(2 * start.heapBytes + (128L << 20));
            assertThat(end.threadsWithoutFakeKms).as("live threads at the end, the fake KMS's own left out")
                    .isLessThanOrEqualTo(start.threadsWithoutFakeKms + 16);
        } finally {
            pool.shutdownNow();
            for (VeilRuntime r : runtimes) {
                r.close();
            }
        }
    }

    /** Injects KMS faults at random until told to stop: short bursts, never for long, never access denied. */
    static void chaos(AtomicBoolean running, SplittableRandom random) {
        try {
            while (running.get() && KMS_FAULTS) {
                Thread.sleep(300 + random.nextInt(2_700));
                int m = random.nextInt(100);
                if (m < 40) {
                    kms.failNext(FakeKmsServer.Fault.INTERNAL_ERROR, 1 + random.nextInt(5));
                    count(FAULTS, "internal-error (next 1-5 calls)", 1);
                } else if (m < 65) {
                    kms.failNext(FakeKmsServer.Fault.THROTTLING, 1 + random.nextInt(5));
                    count(FAULTS, "throttling (next 1-5 calls)", 1);
                } else if (m < 80) {
                    kms.fault(FakeKmsServer.Fault.HANG);
                    Thread.sleep(200 + random.nextInt(1_300));
                    kms.fault(FakeKmsServer.Fault.NONE);
                    count(FAULTS, "hang (0.2-1.5 s)", 1);
                } else {
                    kms.stop();
                    Thread.sleep(200 + random.nextInt(1_800));
                    kms.restart();
                    count(FAULTS, "connection refused (0.2-2 s)", 1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the fake KMS did not restart", e);
        } finally {
            kms.fault(FakeKmsServer.Fault.NONE);
        }
    }

    /** What a thread last wrote to one of its rows. */
    record Row(long id, String email, String payload, long counter, String note) {
    }

    /** One thread's connection, rows and workload. */
    static final class Worker {
        final int owner;
        final VeilRuntime runtime;
        final SplittableRandom random;
        final Map<Long, Row> rows = new HashMap<>();
        final List<Long> ids = new ArrayList<>();
        long seq;
        Connection c;

        Worker(int owner, VeilRuntime runtime, SplittableRandom random) {
            this.owner = owner;
            this.runtime = runtime;
            this.random = random;
        }

        void warmUp(Connection connection) throws SQLException {
            c = connection;
            Row r = fresh();
            insert(r);
            lookup(r);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM soak WHERE id = ?")) {
                ps.setLong(1, r.id());
                ps.executeUpdate();
            }
        }

        Void run(long deadline) throws SQLException {
            c = new VeilConnection(DB.plainConnection(), runtime);
            while (System.nanoTime() - deadline < 0) {
                try {
                    count(OPS, step(), 1);
                } catch (SQLException e) {
                    count(FAILED_OPS, current + " " + e.getSQLState(), 1);
                    MESSAGES.putIfAbsent(String.valueOf(e.getMessage()).replaceAll("[0-9]+", "#"),
                            current + ": " + e.getMessage());
                    failed(e);
                    if (c.isClosed() || !c.isValid(5)) {
                        c.close();
                        c = new VeilConnection(DB.plainConnection(), runtime);
                    }
                } catch (RuntimeException e) {
                    unexpected("RuntimeException", e);
                }
            }
            return null;
        }

        void close() throws SQLException {
            if (c != null) {
                c.close();
            }
        }

        private static void failed(SQLException e) {
            String state = String.valueOf(e.getSQLState());
            count(ERRORS, state, 1);
            if (!TRANSIENT.contains(state)) {
                unexpected(state, e);
            } else if (!(e instanceof SQLTransientConnectionException)) {
                unexpected(state + " not a SQLTransientConnectionException", e);
            }
        }

        private static void unexpected(String what, Throwable e) {
            if (UNEXPECTED_COUNT.incrementAndGet() <= 20) {
                java.io.StringWriter w = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(w));
                UNEXPECTED.add(what + ": " + w);
            }
        }

        private void wrong(String what) {
            if (WRONG_READ_COUNT.incrementAndGet() <= 20) {
                WRONG_READS.add("owner " + owner + ": " + what);
            }
        }

        Row fresh() {
            long id = (owner + 10L) * 1_000_000_000L + seq++;
            return new Row(id, "soak-" + owner + "-" + id + "@example.com", payload(), random.nextLong(), note());
        }

        String payload() {
            return "p-" + Long.toHexString(random.nextLong()) + "x".repeat(random.nextInt(200));
        }

        String note() {
            return "n-" + Long.toHexString(random.nextLong());
        }

        Row pick() {
            return rows.get(ids.get(random.nextInt(ids.size())));
        }

        void put(Row r) {
            if (rows.put(r.id(), r) == null) {
                ids.add(r.id());
            }
        }

        void remove(Row r) {
            rows.remove(r.id());
            int i = ids.indexOf(r.id());
            ids.set(i, ids.get(ids.size() - 1));
            ids.remove(ids.size() - 1);
        }

        String current;

        String step() throws SQLException {
            current = choose();
            switch (current) {
                case "insert" -> insert(fresh());
                case "batch" -> batch();
                case "delete" -> delete(pick());
                case "update" -> update(pick());
                case "update-by-email" -> updateByEmail(pick());
                case "lookup" -> lookup(pick());
                case "lookup-in" -> lookupIn(pick(), pick(), pick());
                case "read-own" -> readOwn();
                default -> readOther((owner + 1 + random.nextInt(THREADS - 1)) % THREADS);
            }
            return current;
        }

        String choose() {
            int r = random.nextInt(100);
            boolean full = rows.size() >= MAX_ROWS_PER_THREAD;
            if (rows.size() < 3 || (r < 20 && !full)) {
                return "insert";
            } else if (r < 28) {
                return full ? "delete" : "batch";
            } else if (r < 45) {
                return "update";
            } else if (r < 52) {
                return "update-by-email";
            } else if (r < 72) {
                return "lookup";
            } else if (r < 80) {
                return "lookup-in";
            } else if (r < 87) {
                return "read-own";
            } else if (r < 94) {
                return "read-other";
            }
            return "delete";
        }

        static final String INSERT = "INSERT INTO soak (id, owner, payload, email, counter, note) "
                + "VALUES (?, ?, ?, ?, ?, ?)";

        void bind(PreparedStatement ps, Row r) throws SQLException {
            ps.setLong(1, r.id());
            ps.setInt(2, owner);
            ps.setString(3, r.payload());
            ps.setString(4, r.email());
            ps.setLong(5, r.counter());
            ps.setString(6, r.note());
        }

        void insert(Row r) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bind(ps, r);
                ps.executeUpdate();
            }
            put(r);
        }

        void batch() throws SQLException {
            List<Row> batch = new ArrayList<>();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (int i = 0; i < 10; i++) {
                    Row r = fresh();
                    bind(ps, r);
                    ps.addBatch();
                    batch.add(r);
                }
                ps.executeBatch();
                // and one update in the same transaction
                Row u = pick();
                Row changed = new Row(u.id(), u.email(), payload(), u.counter() + 1, u.note());
                try (PreparedStatement up = c.prepareStatement(
                        "UPDATE soak SET payload = ?, counter = ? WHERE id = ?")) {
                    up.setString(1, changed.payload());
                    up.setLong(2, changed.counter());
                    up.setLong(3, changed.id());
                    up.executeUpdate();
                }
                c.commit();
                batch.forEach(this::put);
                put(changed);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }

        void update(Row r) throws SQLException {
            Row changed = new Row(r.id(), r.email(), payload(), r.counter() + 1, note());
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE soak SET payload = ?, counter = ?, note = ? WHERE id = ?")) {
                ps.setString(1, changed.payload());
                ps.setLong(2, changed.counter());
                ps.setString(3, changed.note());
                ps.setLong(4, changed.id());
                if (ps.executeUpdate() != 1) {
                    wrong("update of " + r.id() + " found no row");
                }
            }
            put(changed);
        }

        void updateByEmail(Row r) throws SQLException {
            Row changed = new Row(r.id(), r.email(), r.payload(), r.counter() + 1, r.note());
            try (PreparedStatement ps = c.prepareStatement("UPDATE soak SET counter = ? WHERE email = ?")) {
                ps.setLong(1, changed.counter());
                ps.setString(2, r.email());
                if (ps.executeUpdate() != 1) {
                    wrong("update through the blind index of " + r.id() + " found no row");
                }
            }
            put(changed);
        }

        void delete(Row r) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM soak WHERE email = ?")) {
                ps.setString(1, r.email());
                if (ps.executeUpdate() != 1) {
                    wrong("delete through the blind index of " + r.id() + " found no row");
                }
            }
            remove(r);
        }

        static Row read(ResultSet rs) throws SQLException {
            return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5));
        }

        static final String COLUMNS = "SELECT id, email, payload, counter, note FROM soak ";

        void lookup(Row r) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(COLUMNS + "WHERE email = ?")) {
                ps.setString(1, r.email());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        wrong("lookup of " + r.id() + " found nothing");
                        return;
                    }
                    Row found = read(rs);
                    if (!found.equals(r)) {
                        wrong("lookup of " + r.id() + " returned " + found + ", last written " + r);
                    }
                    if (rs.next()) {
                        wrong("lookup of " + r.id() + " found two rows");
                    }
                }
            }
        }

        void lookupIn(Row a, Row b, Row d) throws SQLException {
            Map<Long, Row> expected = new HashMap<>(Map.of(a.id(), a));
            expected.put(b.id(), b);
            expected.put(d.id(), d);
            try (PreparedStatement ps = c.prepareStatement(COLUMNS + "WHERE email IN (?, ?, ?)")) {
                ps.setString(1, a.email());
                ps.setString(2, b.email());
                ps.setString(3, d.email());
                Map<Long, Row> found = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = read(rs);
                        found.put(r.id(), r);
                    }
                }
                if (!found.equals(expected)) {
                    wrong("IN lookup returned " + found.keySet() + ", expected " + expected.keySet());
                }
            }
        }

        Map<Long, Row> readAll(int who) throws SQLException {
            Map<Long, Row> found = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(COLUMNS + "WHERE owner = ?")) {
                ps.setInt(1, who);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = read(rs);
                        found.put(r.id(), r);
                    }
                }
            }
            count(OPS, who == owner ? "read-own rows" : "read-other rows", found.size());
            return found;
        }

        void readOwn() throws SQLException {
            Map<Long, Row> found = readAll(owner);
            if (!found.equals(rows)) {
                long differ = rows.values().stream().filter(r -> !r.equals(found.get(r.id()))).count();
                wrong("own rows: " + differ + " of " + rows.size() + " differ, " + found.size() + " found");
            }
        }

        void readOther(int who) throws SQLException {
            readAll(who); // every value decrypts (another thread's, maybe written through the other runtime)
        }

        /** After the run, with the KMS healthy: every own row is what was last written (retrying VE002). */
        void verify(Verification v) throws Exception {
            c.setAutoCommit(true);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    Map<Long, Row> found = readAll(owner);
                    for (Row r : rows.values()) {
                        Row f = found.get(r.id());
                        if (f == null) {
                            v.problem("owner " + owner + ": row " + r.id() + " is missing");
                        } else if (!f.equals(r)) {
                            v.problem("owner " + owner + ": row " + r.id() + " is " + f + ", last written " + r);
                        }
                    }
                    for (Long id : found.keySet()) {
                        if (!rows.containsKey(id)) {
                            v.problem("owner " + owner + ": row " + id + " should not exist");
                        }
                    }
                    for (int i = 0; i < Math.min(50, ids.size()); i++) {
                        lookup(rows.get(ids.get(i)));
                    }
                    v.rows += found.size();
                    return;
                } catch (SQLException e) {
                    if (!"VE002".equals(e.getSQLState()) || System.nanoTime() - until > 0) {
                        v.problem("owner " + owner + ": verification failed: " + e);
                        return;
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    static final class Verification {
        final List<String> problems = new ArrayList<>();
        long rows;

        void problem(String p) {
            if (problems.size() < 20) {
                problems.add(p);
            }
        }
    }

    /** Key-ring events of both runtimes. */
    static final class KeyEvents implements KeyRingListener {
        @Override
        public void keyRolled(KeyScope scope, long oldVersion, long newVersion) {
            count(KEY_EVENTS, "rolled", 1);
        }

        @Override
        public void encryptionsReserved(KeyScope scope, long version, long block, long reservedTotal) {
            count(KEY_EVENTS, "reservations", 1);
        }

        @Override
        public void staleServed(KeyScope scope, Duration pastTimeToLive) {
            count(KEY_EVENTS, "stale serves", 1);
        }

        @Override
        public void keyLoadFailed(KeyScope scope, dev.veil.key.KeyException error) {
            count(KEY_EVENTS, "load failures", 1);
        }

        @Override
        public void masterKeyCall(String masterKeyId, String operation, Duration duration, Outcome outcome) {
            count(KEY_EVENTS, "master key " + operation + " " + outcome.name().toLowerCase(), 1);
        }
    }

    /** Heap after GC and live threads. */
    record Measure(long heapBytes, int threads, int threadsWithoutFakeKms, Map<String, Integer> names) {
        static Measure now() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            Set<Thread> live = new HashSet<>(Thread.getAllStackTraces().keySet());
            live.removeIf(t -> !t.isAlive());
            int withoutKms = (int) live.stream().filter(t -> !t.getName().startsWith("fake-kms")).count();
            Map<String, Integer> names = new TreeMap<>();
            live.forEach(t -> names.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum));
            return new Measure(heap, live.size(), withoutKms, names);
        }

        @Override
        public String toString() {
            return String.format("heap after GC %.1f MB, live threads %d (%d without the fake KMS's)",
                    heapBytes / 1048576.0, threads, threadsWithoutFakeKms);
        }
    }

    static String report(long ranNanos, Measure start, Measure end, Verification v, long stored,
            List<VeilRuntime> runtimes) {
        double seconds = ranNanos / 1e9;
        long total = OPS.entrySet().stream().filter(e -> !e.getKey().endsWith("rows"))
                .mapToLong(e -> e.getValue().sum()).sum();
        long errors = ERRORS.values().stream().mapToLong(LongAdder::sum).sum();
        StringBuilder sb = new StringBuilder("\n[SoakIT] ").append(String.format("%.0f s, %d threads over %d "
                + "runtimes, key limit %d encryptions per version, reservation block %d, key-cache ttl 1 s, "
                + "max-staleness 5 s, KMS faults %s, seed %d%n", seconds, THREADS, RUNTIMES, LIMIT, BLOCK,
                KMS_FAULTS ? "on" : "off", SEED));
        sb.append(String.format("[SoakIT] operations: %d (%.0f/s), %d failed (%.2f %%)%n", total, total / seconds,
                errors, 100.0 * errors / Math.max(1, total + errors)));
        new TreeMap<>(OPS).forEach((k, n) -> sb.append("[SoakIT]   ").append(k).append(": ").append(n.sum())
                .append('\n'));
        sb.append("[SoakIT] errors by SQLState: ").append(sums(ERRORS)).append("; unexpected: ")
                .append(UNEXPECTED_COUNT.get()).append("; wrong reads of own rows: ").append(WRONG_READ_COUNT.get())
                .append('\n');
        sb.append("[SoakIT] failed operations: ").append(sums(FAILED_OPS)).append('\n');
        MESSAGES.values().stream().sorted().limit(15).forEach(m -> sb.append("[SoakIT]   message: ").append(m)
                .append('\n'));
        sb.append("[SoakIT] KMS faults injected: ").append(sums(FAULTS)).append("; KMS requests: ")
                .append(kms.totalCalls()).append('\n');
        sb.append("[SoakIT] key ring: ").append(sums(KEY_EVENTS)).append('\n');
        for (VeilRuntime r : runtimes) {
            sb.append("[SoakIT]   health: ").append(r.keys().health()).append('\n');
        }
        sb.append("[SoakIT] final: ").append(stored).append(" rows stored, ").append(v.rows)
                .append(" verified, problems: ").append(v.problems.size()).append('\n');
        sb.append("[SoakIT] start: ").append(start).append("\n[SoakIT] end:   ").append(end).append('\n');
        sb.append("[SoakIT] threads at the start: ").append(start.names()).append('\n');
        sb.append("[SoakIT] threads at the end:   ").append(end.names()).append('\n');
        return sb.toString();
    }

    static String sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out.toString();
    }

    static String threadDump() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            sb.append(t.getName()).append(" ").append(t.getState()).append('\n');
            for (StackTraceElement e : stack) {
                sb.append("    at ").append(e).append('\n');
            }
        });
        return sb.toString();
    }
}
