package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.VeilFixture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults of the real PostgreSQL and of the KMS under Veil, through a HikariCP pool: each gives a clear error, loses
 * nothing that was acknowledged, stores nothing half-encrypted, and leaves a healthy pool. A backend that died keeps
 * its connection-class SQLState ({@code 57P01}, {@code 08xxx}), so the pool evicts the connection; timeouts, a failed
 * commit and Veil's own errors (VE…) never use class 08, so the pool keeps it. The cluster is never restarted.
 * What each fault gives the application: docs/failures.md.
 */
class FaultIT {

    static VeilFixture fx;
    static HikariDataSource pool;
    static ExecutorService executor;
    static final AtomicInteger LABELS = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        Class.forName(VeilDriver.class.getName()); // registers jdbc:veil: with DriverManager, which Hikari asks
        fx = VeilFixture.create(FaultIT.class, """
                  accounts:
                    secret: {}
                  ledger:
                    secret: {}
                  big:
                    secret: {}
                  children:
                    secret: {}
                  flap:
                    secret: {}
                  shifts:
                    secret: {}
                """);
        fx.plainExecute("CREATE TABLE accounts (id int PRIMARY KEY, secret bytea)",
                "CREATE TABLE ledger (id int PRIMARY KEY, secret bytea)",
                "CREATE TABLE big (id int PRIMARY KEY, secret bytea)",
                "CREATE TABLE parents (id int PRIMARY KEY)",
                "CREATE TABLE children (id int PRIMARY KEY,"
                        + " parent int REFERENCES parents DEFERRABLE INITIALLY DEFERRED, secret bytea)",
                "CREATE TABLE flap (id int PRIMARY KEY, secret bytea)",
                "CREATE TABLE shifts (id int PRIMARY KEY, on_call boolean NOT NULL, secret bytea)");
        pool = pool(fx.veilUrl());
        executor = Executors.newCachedThreadPool();
        try (Connection c = pool.getConnection()) {
            insert(c, "accounts", 100, value(100));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO big (id, secret) VALUES (?, ?)")) {
                for (int id = 1; id <= 3000; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, value(id));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @AfterAll
    static void tearDown() {
        executor.shutdownNow();
        pool.close();
        fx.close();
    }

    // ------------------------------------------------------------------ the backend killed

    @Test
    void aBackendKilledMidTransactionIsConnectionClassNothingIsCommittedAndThePoolEvictsIt() throws Exception {
        int killed;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            insert(c, "accounts", 1, value(1));
            insert(c, "accounts", 2, value(2));
            killed = pid(c);
            terminate(killed);
            SQLException e = sqlFailure(() -> insert(c, "accounts", 3, value(3)));
            assertConnectionClass(e);
            assertThat(c.isValid(2)).isFalse();
            sqlFailure(c::commit); // the pool has already closed it ("Connection is closed")
        }
        assertThat(plainCount("accounts WHERE id IN (1, 2, 3)")).as("the transaction is rolled back").isZero();
        assertHealthyPoolWithout(killed);
    }

    @ParameterizedTest(name = "autoCommit={0}")
    @ValueSource(booleans = {false, true})
    void aBackendKilledMidBatchIsConnectionClassAndStoresNoHalfWrittenRow(boolean autoCommit) throws Exception {
        int killed;
        fx.plainExecute("DELETE FROM ledger");
        try (Connection blocker = fx.plain()) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) { // row 500 of the batch waits for this transaction
                st.execute("INSERT INTO ledger (id) VALUES (500)");
            }
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(autoCommit);
                killed = pid(c);
                Future<int[]> batch = executor.submit(() -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (id, secret) VALUES (?, ?)")) {
                        for (int id = 1; id <= 1000; id++) {
                            ps.setInt(1, id);
                            ps.setString(2, value(id));
                            ps.addBatch();
                        }
                        return ps.executeBatch();
                    }
                });
                awaitWaitingForLock(killed);
                terminate(killed);
                Throwable e = catchThrowable(() -> batch.get(30, TimeUnit.SECONDS));
                assertThat(e).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BatchUpdateException.class);
                assertConnectionClass((SQLException) e.getCause());
            }
            blocker.rollback();
        }
        if (!autoCommit) {
            assertThat(plainCount("ledger")).as("the batch's transaction is rolled back").isZero();
        } else {
            // pgjdbc commits an auto-commit batch in chunks: a prefix may be stored, every stored row complete
            int stored = plainCount("ledger");
            assertThat(stored).isLessThan(500);
            assertThat(plainCount("ledger WHERE id > " + stored)).isZero();
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id, secret FROM ledger")) {
                while (rs.next()) {
                    assertThat(rs.getString(2)).isEqualTo(value(rs.getInt(1)));
                }
            }
        }
        assertHealthyPoolWithout(killed);
    }

    @Test
    void aBackendKilledMidResultSetIsConnectionClassAndEveryRowReadBeforeWasExact() throws Exception {
        int killed;
        int read = 0;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false); // pgjdbc fetches 200 rows at a time only inside a transaction
            killed = pid(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, secret FROM big ORDER BY id")) {
                ps.setFetchSize(200);
                try (ResultSet rs = ps.executeQuery()) {
                    SQLException e = null;
                    try {
                        while (rs.next()) {
                            read++;
                            assertThat(rs.getString(2)).isEqualTo(value(rs.getInt(1)));
                            if (read == 500) {
                                terminate(killed);
                            }
                        }
                    } catch (SQLException failure) {
                        e = failure;
                    }
                    assertThat((Throwable) e).as("reading on after the kill").isNotNull();
                    assertConnectionClass(e);
                }
            } catch (SQLException closing) {
                assertConnectionClass(closing); // closing a statement of a dead connection
            }
        }
        assertThat(read).isBetween(500, 2999);
        assertHealthyPoolWithout(killed);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, secret FROM big")) {
            int n = 0;
            while (rs.next()) {
                assertThat(rs.getString(2)).isEqualTo(value(rs.getInt(1)));
                n++;
            }
            assertThat(n).isEqualTo(3000);
        }
    }

    // ------------------------------------------------------------------ timeouts and a failed commit

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"statement_timeout", "lock_timeout"})
    void aTimeoutHittingAVeilStatementIsTheServersErrorAndTheConnectionStaysInThePool(String setting)
            throws Exception {
        int used;
        try (Connection blocker = fx.plain()) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.executeQuery("SELECT id FROM accounts WHERE id = 100 FOR UPDATE").close();
            }
            try (Connection c = pool.getConnection()) {
                used = pid(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET " + setting + " = '300ms'");
                }
                SQLException e = sqlFailure(() -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET secret = ? WHERE id = 100")) {
                        ps.setString(1, "never stored s3cr3t");
                        ps.executeUpdate();
                    }
                });
                assertThat(e.getSQLState()).isEqualTo(setting.equals("statement_timeout") ? "57014" : "55P03");
                assertNotConnectionClass(e);
                assertThat(c.isValid(2)).isTrue();
                try (Statement st = c.createStatement()) {
                    st.execute("RESET " + setting);
                }
            }
            blocker.rollback();
        }
        try (Connection c = pool.getConnection()) {
            assertThat(read(c, "accounts", 100)).isEqualTo(value(100));
        }
        assertThat(poolPids()).contains(used);
    }

    @Test
    void aCommitFailingOnADeferredConstraintIsTheServersErrorStoresNothingAndKeepsTheConnection() throws Exception {
        int used;
        try (Connection c = pool.getConnection()) {
            used = pid(c);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO children (id, parent, secret) VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setInt(2, 999); // no such parent: checked at COMMIT
                ps.setString(3, value(1));
                ps.executeUpdate();
            }
            SQLException e = sqlFailure(c::commit);
            assertThat(e.getSQLState()).isEqualTo("23503");
            assertNotConnectionClass(e);
            assertThat(c.isValid(2)).isTrue();

            fx.plainExecute("INSERT INTO parents VALUES (1)");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO children (id, parent, secret) VALUES (?, ?, ?)")) {
                ps.setInt(1, 2);
                ps.setInt(2, 1);
                ps.setString(3, value(2));
                ps.executeUpdate();
            }
            c.commit();
            assertThat(read(c, "children", 2)).isEqualTo(value(2));
        }
        assertThat(plainCount("children")).isOne();
        assertThat(poolPids()).contains(used);
    }

    /** Write skew under SERIALIZABLE: both read the on-call rows, both insert; the second commit is refused. */
    @Test
    void aCommitFailingOnASerializationFailureIsTheServersErrorStoresNothingAndKeepsTheConnection() throws Exception {
        int used;
        try (Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
            used = pid(b);
            for (Connection c : List.of(a, b)) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT count(*) FROM shifts WHERE on_call").close();
                }
            }
            int id = 1;
            for (Connection c : List.of(a, b)) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO shifts (id, on_call, secret) VALUES (?, true, ?)")) {
                    ps.setInt(1, id);
                    ps.setString(2, value(id++));
                    ps.executeUpdate();
                }
            }
            a.commit();
            SQLException e = sqlFailure(b::commit);
            assertThat(e.getSQLState()).isEqualTo("40001");
            assertNotConnectionClass(e);
            assertThat(b.isValid(2)).isTrue();
            for (Connection c : List.of(a, b)) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(true);
            }
            assertThat(read(b, "shifts", 1)).isEqualTo(value(1));
        }
        assertThat(poolPids()).contains(used);
        assertThat(plainCount("shifts")).as("the refused transaction stored nothing").isOne();
    }

    // ------------------------------------------------------------------ the key table unreachable

    @Test
    void aLockedKeyTableFailsAColdKeyLoadVe002AndDelaysAReservationUntilItIsReleased() throws Exception {
        String url = lockTimeoutUrl(); // the key table's connections use the same URL: lock_timeout 300 ms
        int used;
        try (HikariDataSource locked = pool(url)) {
            try (Connection c = locked.getConnection()) {
                used = pid(c);
                try (Connection locker = fx.plain()) {
                    lock(locker);
                    SQLException e = sqlFailure(() -> read(c, "accounts", 100));
                    assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class)
                            .hasMessageContaining("accounts.secret").hasMessageContaining("55P03");
                    assertThat(e.getSQLState()).isEqualTo("VE002");
                    assertThat(c.isValid(2)).isTrue();
                    locker.rollback();
                }
                assertThat(awaitSuccess(() -> read(c, "accounts", 100))).isEqualTo(value(100));

                // the key is loaded now; the first write must reserve encryptions in the key table
                try (Connection locker = fx.plain()) {
                    lock(locker);
                    long start = System.nanoTime();
                    Future<?> write = executor.submit(() -> {
                        insert(c, "accounts", 10, value(10));
                        return null;
                    });
                    Thread.sleep(1000);
                    assertThat(write.isDone()).as("the reservation waits (retrying) while the table is locked")
                            .isFalse();
                    locker.rollback();
                    write.get(20, TimeUnit.SECONDS);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
                }
                assertThat(read(c, "accounts", 10)).isEqualTo(value(10));
            }
            assertThat(pids(locked)).as("VE002 did not evict the connection").contains(used);
        }
    }

    @Test
    void aKeyTableLockedDuringARefreshIsBridgedByTheCachedKey() throws Exception {
        String url = lockTimeoutUrl() + "&veil.key-cache-ttl=PT0.5S";
        int used;
        try (HikariDataSource locked = pool(url)) {
            try (Connection c = locked.getConnection()) {
                used = pid(c);
                insert(c, "accounts", 20, value(20)); // loads the key and reserves a block
                try (Connection locker = fx.plain()) {
                    lock(locker);
                    Thread.sleep(700); // past the TTL: the next use refreshes, the key table does not answer
                    assertThat(read(c, "accounts", 20)).isEqualTo(value(20));
                    insert(c, "accounts", 21, value(21));
                    assertThat(VeilDriver.instance().runtime(url, fx.properties()).keys().health().degraded())
                            .isTrue();
                    locker.rollback();
                }
                assertThat(read(c, "accounts", 21)).isEqualTo(value(21));
            }
            assertThat(pids(locked)).contains(used);
        }
    }

    @Test
    void aRevokedKeyTableIsVe003ForAColdLoadAndAtTheNextRefreshAndGrantingItAgainRecovers() throws Exception {
        String role = "veil_fault_" + ProcessHandle.current().pid();
        fx.plainExecute("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN",
                "GRANT SELECT, INSERT, UPDATE ON accounts, veil_data_keys TO " + role);
        Properties as = fx.properties();
        as.setProperty("user", role);
        try {
            String warmUrl = fx.veilUrl() + "&veil.key-cache-ttl=PT0.5S&ApplicationName=warm-"
                    + LABELS.incrementAndGet();
            try (Connection warm = DriverManager.getConnection(warmUrl, as)) {
                insert(warm, "accounts", 30, value(30));
                fx.plainExecute("REVOKE ALL ON veil_data_keys FROM " + role);
                try (Connection cold = DriverManager.getConnection(fx.veilUrl() + "&ApplicationName=cold-"
                        + LABELS.incrementAndGet(), as)) {
                    assertDenied(sqlFailure(() -> read(cold, "accounts", 30)));
                }
                Thread.sleep(700); // past the TTL: the refresh is refused and drops the cached key
                assertDenied(sqlFailure(() -> read(warm, "accounts", 30)));
                assertDenied(sqlFailure(() -> insert(warm, "accounts", 31, value(31))));
                assertThat(warm.isValid(2)).isTrue();

                fx.plainExecute("GRANT SELECT, INSERT, UPDATE ON veil_data_keys TO " + role);
                assertThat(awaitSuccess(() -> read(warm, "accounts", 30))).isEqualTo(value(30));
            }
            assertThat(plainCount("accounts WHERE id = 31")).isZero();
        } finally {
            fx.plainExecute("DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    // ------------------------------------------------------------------ the KMS flapping

    @Test
    void writesWhileTheKmsFlapsEitherSucceedOrFailVe002AndEverySuccessIsStoredExactly() throws Exception {
        try (FakeKmsServer kms = FakeKmsServer.start()) {
            kms.warmUp();
            String arn = kms.createKey();
            Path config = fx.configFile().resolveSibling("flap.yml");
            Files.writeString(config, "master-key: " + FakeKmsServer.uri(arn) + "\nmaster-key-options:\n"
                    + "  region: " + FakeKmsServer.REGION + "\n  endpoint: " + kms.endpoint() + "\n"
                    + "  api-call-timeout: PT5S\n  api-call-attempt-timeout: PT2S\n  connect-timeout: PT1S\n"
                    + "  max-attempts: 1\n"
                    + "key-cache: { ttl: PT0.3S, max-staleness: PT0S }\n" // every 0.3 s the next write needs the KMS
                    + "tables:\n  flap:\n    secret: {}\n", StandardCharsets.UTF_8);
            String url = fx.database().veilUrl() + "?veil.config="
                    + URLEncoder.encode(config.toString(), StandardCharsets.UTF_8);
            try (HikariDataSource kmsPool = pool(url)) {
                Set<Integer> before = pids(kmsPool);
                Map<Integer, String> stored = new ConcurrentHashMap<>();
                AtomicInteger transientFailures = new AtomicInteger();
                List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger ids = new AtomicInteger();
                AtomicBoolean stop = new AtomicBoolean();
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    writers.add(executor.submit(() -> {
                        while (!stop.get()) {
                            int id = ids.incrementAndGet();
                            try (Connection c = kmsPool.getConnection()) {
                                insert(c, "flap", id, value(id));
                                stored.put(id, value(id));
                            } catch (SQLTransientConnectionException e) {
                                if ("VE002".equals(e.getSQLState()) && e.getMessage().contains("flap.secret")) {
                                    transientFailures.incrementAndGet();
                                    Thread.sleep(10); // an application backs off before retrying
                                } else {
                                    unexpected.add(e);
                                }
                            } catch (Throwable t) {
                                unexpected.add(t);
                            }
                        }
                        return null;
                    }));
                }
                for (int i = 0; i < 12; i++) { // 2.4 s of flapping
                    kms.fault(i % 2 == 0 ? FakeKmsServer.Fault.INTERNAL_ERROR : FakeKmsServer.Fault.NONE);
                    Thread.sleep(200);
                }
                kms.fault(FakeKmsServer.Fault.NONE);
                Thread.sleep(300);
                stop.set(true);
                for (Future<?> f : writers) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(unexpected).isEmpty();
                assertThat(stored).isNotEmpty();
                // the KMS is healthy again; a failure of its last moments may still be remembered (retry backoff 1 s)
                Map<Integer, String> read = awaitSuccess(() -> {
                    Map<Integer, String> all = new HashMap<>();
                    try (Connection c = kmsPool.getConnection(); Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT id, secret FROM flap")) {
                        while (rs.next()) {
                            all.put(rs.getInt(1), rs.getString(2));
                        }
                    }
                    return all;
                });
                assertThat(read).as("exactly the acknowledged writes, each exact").isEqualTo(stored);
                assertThat(pids(kmsPool)).as("no connection was evicted").isEqualTo(before);
                System.out.printf("KMS flapping: %d writes stored, %d refused with VE002%n", stored.size(),
                        transientFailures.get());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    interface SqlAction {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setDataSourceProperties(fx.properties());
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(10_000);
        config.setPoolName("veil-fault-" + LABELS.incrementAndGet());
        return new HikariDataSource(config);
    }

    /** The SQLException the action throws (fails the test when it throws something else or nothing). */
    private static SQLException sqlFailure(SqlAction action) {
        Throwable e = catchThrowable(action::run);
        assertThat(e).isInstanceOf(SQLException.class);
        return (SQLException) e;
    }

    /** A dead backend: its state (or one of its chained exceptions') is 57P01 or class 08, never a Veil state. */
    private static void assertConnectionClass(SQLException e) {
        List<String> states = new ArrayList<>();
        for (SQLException x = e; x != null; x = x.getNextException()) {
            states.add(x.getSQLState());
        }
        assertThat(states).as("SQLStates of " + e).anySatisfy(s -> assertThat(s).satisfiesAnyOf(
                v -> assertThat(v).startsWith("08"), v -> assertThat(v).isEqualTo("57P01")));
        assertThat(states).noneSatisfy(s -> assertThat(s).startsWith("VE"));
    }

    private static void assertNotConnectionClass(SQLException e) {
        assertThat(e.getSQLState()).doesNotStartWith("08").isNotEqualTo("57P01");
    }

    private static void assertDenied(SQLException e) {
        assertThat((Throwable) e).isInstanceOf(SQLInvalidAuthorizationSpecException.class)
                .hasMessageContaining("accounts.secret").hasMessageContaining("42501")
                .hasMessageContaining("lacks a privilege on veil_data_keys");
        assertThat(e.getSQLState()).isEqualTo("VE003");
        assertThat(e.getMessage()).doesNotContain("s3cr3t");
    }

    /** Every connection of the pool answers, none is the killed backend's, and Veil works through them. */
    private static void assertHealthyPoolWithout(int killed) throws Exception {
        assertThat(poolPids()).doesNotContain(killed);
        try (Connection c = pool.getConnection()) {
            assertThat(read(c, "accounts", 100)).isEqualTo(value(100));
        }
    }

    private static Set<Integer> poolPids() throws SQLException {
        return pids(pool);
    }

    /** The backends of all the pool's connections, borrowed at once. */
    private static Set<Integer> pids(HikariDataSource ds) throws SQLException {
        List<Connection> all = new ArrayList<>();
        try {
            Set<Integer> pids = new HashSet<>();
            for (int i = 0; i < ds.getMaximumPoolSize(); i++) {
                Connection c = ds.getConnection();
                all.add(c);
                assertThat(c.isValid(2)).isTrue();
                pids.add(pid(c));
            }
            return pids;
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** {@code pg_terminate_backend} from a plain connection, then waits until the backend is gone. */
    private static void terminate(int pid) throws Exception {
        try (Connection c = fx.plain(); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            awaitCount(c, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid, 0);
        }
    }

    private static void awaitWaitingForLock(int pid) throws Exception {
        try (Connection c = fx.plain()) {
            awaitCount(c, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND wait_event_type = 'Lock'",
                    1);
        }
    }

    private static void awaitCount(Connection c, String sql, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                if (rs.getInt(1) == expected) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as(sql).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static <T> T awaitSuccess(SqlSupplier<T> action) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return action.get();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void lock(Connection locker) throws SQLException {
        locker.setAutoCommit(false);
        try (Statement st = locker.createStatement()) {
            st.execute("LOCK TABLE veil_data_keys IN ACCESS EXCLUSIVE MODE");
        }
    }

    /** A Veil URL of its own runtime whose connections (the key table's too) have lock_timeout 300 ms. */
    private static String lockTimeoutUrl() {
        return fx.veilUrl() + "&options=" + URLEncoder.encode("-c lock_timeout=300", StandardCharsets.UTF_8)
                .replace("+", "%20") + "&ApplicationName=locked-" + LABELS.incrementAndGet();
    }

    private static String value(int id) {
        return "s3cr3t " + id;
    }

    private static void insert(Connection c, String table, int id, String secret) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, secret) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, secret);
            ps.executeUpdate();
        }
    }

    private static String read(Connection c, String table, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(table + " row " + id).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static int plainCount(String from) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
