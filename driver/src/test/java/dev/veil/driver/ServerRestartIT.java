package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.RuntimeSeams;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRingListener;
import dev.veil.key.KeyScope;
import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.testing.LocalCluster;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL server restarted under load, on a cluster of this test's own ({@link LocalCluster}; the shared
 * server is never restarted): application threads insert, update and look up encrypted, blind-indexed rows through a
 * HikariCP pool while the server is shut down ({@code pg_ctl -m fast}) and, later, crashed ({@code -m immediate}) and
 * started again. The key table is in the same database, so reservations (tiny blocks: every few writes), rolls and
 * refreshes (TTL 1 s) meet the restarts too. Expected (docs/failures.md): every failure is connection-class
 * ({@code 08…}, {@code 57P01}–{@code 57P03}) from pgjdbc — the pool evicts — or Veil's VE002 when a key operation
 * found the key table unreachable (never with an {@code 08} state); work resumes after each restart; every write
 * the application saw committed is there and decrypts, a write whose connection died is there whole or not at all,
 * nothing half-encrypted, no plaintext in the table.
 */
class ServerRestartIT {

    static final int WRITERS = 4;
    static final String SECRET = "restart-s3cr3t-";

    static LocalCluster cluster;
    static Path dir;
    static String database;
    static VeilRuntime runtime;
    static final Map<String, LongAdder> KEY_EVENTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        cluster = LocalCluster.startOrSkip();
        database = cluster.createDatabase("veil_restart");
        try (Connection c = cluster.connect(database); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, owner int NOT NULL, email bytea, "
                    + "email_bidx bytea, secret bytea, counter bytea)");
            st.execute("CREATE UNIQUE INDEX accounts_email_bidx_key ON accounts (email_bidx)");
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, body bytea)");
        }
        dir = Files.createTempDirectory("veil-restart");
        Path key = dir.resolve("master-keyset.json");
        LocalKeysetGenerator.generate(key);
        Path config = dir.resolve("veil.yml");
        Files.writeString(config, "master-key: local-keyset:" + key + "\n"
                + "key-cache: { ttl: PT1S, max-staleness: PT1M }\n"
                + "tables:\n"
                + "  accounts:\n"
                + "    email: { type: string, blind-index: email_bidx }\n"
                + "    secret: { type: string }\n"
                + "    counter: { type: long }\n"
                + "  notes:\n"
                + "    body: { type: string }\n", StandardCharsets.UTF_8);
        Properties p = new Properties();
        p.setProperty("veil.config", config.toString());
        VeilConfig veilConfig = VeilDriver.configFrom(p);
        // keys roll every 120 encryptions, reserved 3 at a time: the restarts meet reservations and rolls
        runtime = RuntimeSeams.tuned(veilConfig, () -> cluster.connect(database), database,
                b -> b.maxEncryptionsPerKeyVersion(120).encryptionReservationBlock(3));
        runtime.addKeyRingListener(new KeyRingListener() {
            @Override
            public void encryptionsReserved(KeyScope scope, long version, long block, long reservedTotal) {
                count("reservations");
            }

            @Override
            public void keyRolled(KeyScope scope, long oldVersion, long newVersion) {
                count("rolls");
            }

            @Override
            public void keyLoadFailed(KeyScope scope, KeyException error) {
                count("key-table or key failures");
            }

            @Override
            public void staleServed(KeyScope scope, Duration pastTimeToLive) {
                count("stale serves");
            }
        });
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static void count(String event) {
        KEY_EVENTS.computeIfAbsent(event, k -> new LongAdder()).increment();
    }

    @Test
    void aServerRestartedUnderLoadGivesConnectionClassErrorsThePoolRecoversAndNoCommittedWriteIsLost()
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
        try (HikariDataSource pool = pool()) {
            List<RecordingWriter> writers = new ArrayList<>();
            List<Future<?>> running = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            for (int i = 0; i < WRITERS; i++) {
                RecordingWriter w = new RecordingWriter(i, pool, new SplittableRandom(42 + i));
                writers.add(w);
                running.add(threads.submit(() -> w.run(stop)));
            }
            awaitProgress(writers, 10);
            for (LocalCluster.Stop mode : List.of(LocalCluster.Stop.FAST, LocalCluster.Stop.IMMEDIATE)) {
                cluster.stop(mode);
                Thread.sleep(1_000); // down: borrows time out, reservations and refreshes find no key table
                cluster.start();
                awaitProgress(writers, 10); // work resumes
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }

            Map<String, Long> failures = new TreeMap<>();
            long committed = 0;
            for (RecordingWriter w : writers) {
                w.failures.forEach((k, v) -> failures.merge(k, v.sum(), Long::sum));
                committed += w.successes.sum();
            }
            System.out.printf("[ServerRestartIT] %d operations succeeded; failures %s; key ring %s%n", committed,
                    failures, new TreeMap<>(KEY_EVENTS));
            List<String> unexpected = new ArrayList<>();
            writers.forEach(w -> unexpected.addAll(w.unexpected));
            assertThat(unexpected).as("failures neither connection-class nor VE002").isEmpty();
            assertThat(failures).as("the restarts were seen as connection failures").containsKey("connection");

            assertHealthy(pool);
            for (RecordingWriter w : writers) {
                w.verify();
            }
        } finally {
            threads.shutdownNow();
        }
        assertNoPlaintextAndEveryValueWhole();
    }

    @Test
    void theKeyTablesServerDownDuringAReservationIsVe002AndDuringARefreshTheCachedKeyBridgesIt() throws Exception {
        try (HikariDataSource pool = pool()) {
            try (Connection c = pool.getConnection()) {
                for (int id = 1; id <= 3; id++) { // the first write reserves a block of 3; these use it up
                    note(c, id);
                }
                try (PreparedStatement select = c.prepareStatement("SELECT id, body FROM notes ORDER BY id");
                        ResultSet rs = select.executeQuery()) { // pgjdbc holds the rows: nothing more to fetch
                    cluster.stop(LocalCluster.Stop.FAST);
                    try {
                        Thread.sleep(1_200); // past the key's TTL of 1 s: the next use refreshes it
                        int read = 0;
                        while (rs.next()) { // the refresh finds no key table: the cached key is served stale
                            assertThat(rs.getString(2)).isEqualTo(SECRET + rs.getInt(1));
                            read++;
                        }
                        assertThat(read).isEqualTo(3);
                        assertThat(runtime.keys().health().degraded()).isTrue();

                        SQLException e = (SQLException) catchThrowable(() -> note(c, 4));
                        assertThat((Throwable) e).as("a reservation with the key table down")
                                .isInstanceOf(SQLTransientConnectionException.class)
                                .hasMessageContaining("notes.body");
                        assertThat(e.getSQLState()).isEqualTo("VE002");
                        assertThat((Object) e.getNextException()).isNull();
                    } finally {
                        cluster.start();
                    }
                }
                SQLException dead = (SQLException) catchThrowable(() -> note(c, 4));
                assertThat((Throwable) dead).as("the borrowed connection died with the server").isNotNull();
                assertConnectionClass(dead);
            }
            try (Connection c = pool.getConnection()) { // the pool evicted the dead connection
                note(c, 4);
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT id, body FROM notes ORDER BY id")) {
                    int n = 0;
                    while (rs.next()) {
                        assertThat(rs.getString(2)).isEqualTo(SECRET + rs.getInt(1));
                        n++;
                    }
                    assertThat(n).as("nothing lost, nothing stored by the failed write").isEqualTo(4);
                }
            }
            assertHealthy(pool);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Waits until every writer has {@code n} more successes than now (work resumed). */
    static void awaitProgress(List<RecordingWriter> writers, int n) throws InterruptedException {
        long[] start = writers.stream().mapToLong(w -> w.successes.sum()).toArray();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < writers.size(); i++) {
            RecordingWriter w = writers.get(i);
            while (w.successes.sum() - start[i] < n) {
                assertThat(w.unexpected).as("unexpected failures").isEmpty();
                assertThat(System.nanoTime()).as("writer %d resumed work", i).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    /** A pool of Veil connections over plain pgjdbc ones, all with this test's tuned runtime. */
    static HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(new VeilOverPlain());
        config.setMaximumPoolSize(WRITERS);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        config.setPoolName("veil-restart");
        return new HikariDataSource(config);
    }

    /** Every connection of the pool, borrowed at once, answers and works through Veil. */
    static void assertHealthy(HikariDataSource pool) throws SQLException {
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                Connection c = pool.getConnection();
                all.add(c);
                assertThat(c.isValid(2)).isTrue();
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM accounts WHERE email IS NOT NULL")) {
                    assertThat(rs.next()).isTrue();
                }
            }
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    static void assertConnectionClass(SQLException e) {
        assertThat(RecordingWriter.kind(e)).as("state %s: %s", e.getSQLState(), e.getMessage())
                .isEqualTo("connection");
    }

    static void note(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes (id, body) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, SECRET + id);
            ps.executeUpdate();
        }
    }

    /** What the database holds: whole envelopes in every encrypted column, an index value per e-mail, no plaintext. */
    static void assertNoPlaintextAndEveryValueWhole() throws SQLException {
        try (Connection c = cluster.connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, email, email_bidx, secret, counter FROM accounts")) {
            int n = 0;
            while (rs.next()) {
                n++;
                for (int col : new int[] {2, 4, 5}) {
                    byte[] v = rs.getBytes(col);
                    assertThat(v).as("row %d column %d", rs.getLong(1), col).isNotNull();
                    assertThat(new byte[] {v[0], v[1]}).as("envelope").containsExactly('V', 1);
                    String raw = new String(v, StandardCharsets.ISO_8859_1);
                    assertThat(raw).doesNotContain(SECRET).doesNotContain("@example.com");
                }
                assertThat(rs.getBytes(3)).as("blind index of row %d", rs.getLong(1)).isNotNull();
            }
            assertThat(n).isPositive();
        }
    }

    /** Plain connections to the local cluster, each wrapped by Veil with this test's runtime. */
    static final class VeilOverPlain implements DataSource {
        private int loginTimeout;

        @Override
        public Connection getConnection() throws SQLException {
            return new VeilConnection(cluster.connect(database), runtime);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // no log writer
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
