package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.veil.driver.VeilDriver;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyRing;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.Await;
import dev.veil.testing.TestDatabaseExtension;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Veil driver with an AWS KMS master key (SDK v2 against {@link FakeKmsServer}, which counts every request it
 * receives): the hot path never calls KMS, outages are bridged by the key cache and then fail retryably, refusals
 * are VE003, and a crowd of threads on cold keys makes one KMS call per data key.
 */
class KmsEndToEndIT {

    /** Fake AWS credentials {@link FakeKmsServer#useFakeCredentials()} sets; they must never reach a message. */
    private static final List<String> SECRETS = List.of("AKIAFAKEFAKEFAKEFAKE", "fake-secret-for-tests-only");

    /** How a KMS outage looks from the client. */
    enum Outage {
        /** the port refuses connections */
        REFUSED,
        /** HTTP 500 KMSInternalException on every call */
        INTERNAL_ERROR,
        /** every call hangs until the client's timeout */
        HANG;

        void start(FakeKmsServer kms) {
            switch (this) {
                case REFUSED -> kms.stop();
                case INTERNAL_ERROR -> kms.fault(FakeKmsServer.Fault.INTERNAL_ERROR);
                case HANG -> kms.fault(FakeKmsServer.Fault.HANG);
                default -> throw new AssertionError(this);
            }
        }

        void end(FakeKmsServer kms) throws IOException {
            kms.fault(FakeKmsServer.Fault.NONE);
            kms.restart();
        }
    }

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static Path dir;
    FakeKmsServer kms;
    String arn;

    @BeforeAll
    static void setUpAll() throws IOException {
        dir = Files.createTempDirectory("veil-kms-e2e");
    }

    @AfterAll
    static void tearDownAll() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void startKms() throws Exception {
        kms = FakeKmsServer.start(); // a server per test: its counts see only this test's runtimes
        kms.warmUp(); // the AWS SDK's cold start is paid here, not inside a test's first (timed) KMS call
        arn = kms.createKey();
    }

    @AfterEach
    void stopKms() {
        kms.close();
    }

    // ------------------------------------------------------------------ (a) warm cache: no KMS on the hot path

    @Test
    void warmCacheServesOneHundredThousandStatementsOverTenEncryptedColumnsWithoutAnyKmsCall() throws Exception {
        plain("CREATE TABLE readings (id bigint PRIMARY KEY, c1 bytea, c2 bytea, c3 bytea, c4 bytea, c5 bytea, "
                + "c6 bytea, c7 bytea, c8 bytea, c9 bytea, c10 text)");
        Path config = KmsVeil.writeConfig(dir, "readings.yml", kms, arn, null, """
                  readings:
                    c1: { type: string }
                    c2: { type: int }
                    c3: { type: long }
                    c4: { type: double }
                    c5: { type: decimal }
                    c6: { type: local-date }
                    c7: { type: uuid }
                    c8: { type: boolean }
                    c9: { type: bytes }
                    c10: { type: string }
                """);
        String insert = "INSERT INTO readings (id, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        int batches = 100;
        int batchSize = 1_000;
        int pointSelects = 2_000;
        // pgjdbc's reWriteBatchedInserts turns each batch into multi-row INSERTs below Veil, as pools often configure
        try (Connection c = veil(KmsVeil.url(DB.database(), config, "warm") + "&reWriteBatchedInserts=true")) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                bindReading(ps, 0);
                ps.executeUpdate();
            }
            c.commit();
            assertThat(kms.calls("Encrypt")).as("one Encrypt per new data key: one per table").isEqualTo(1);
            assertThat(kms.calls("Decrypt")).isZero();
            kms.resetCounts();

            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (int b = 0; b < batches; b++) {
                    for (int i = 1; i <= batchSize; i++) {
                        bindReading(ps, (long) b * batchSize + i);
                        ps.addBatch();
                    }
                    assertThat(ps.executeBatch()).hasSize(batchSize);
                    c.commit();
                }
            }
            Random random = new Random(42);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 FROM readings WHERE id = ?")) {
                for (int i = 0; i < pointSelects; i++) {
                    long id = 1 + random.nextInt(batches * batchSize);
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertReading(rs, id);
                    }
                }
            }
            c.commit();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(kms.totalCalls()).as("KMS requests during %d inserts and %d selects (%s)",
                    batches * batchSize, pointSelects, took).isZero();
        }
        try (Connection p = DB.plainConnection(); Statement st = p.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), min(length(c1)), min(length(c10)) FROM readings")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1L + batches * batchSize);
            assertThat(rs.getInt(2)).as("bytea ciphertext (n + 36 bytes) is longer than any plaintext here")
                    .isGreaterThan(36);
        }
        try (Connection p = DB.plainConnection(); Statement st = p.createStatement();
                ResultSet rs = st.executeQuery("SELECT c10 FROM readings WHERE id = 12345")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("veil1:").doesNotContain("t12345");
        }
    }

    private static void bindReading(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, "s" + id);
        ps.setInt(3, (int) id);
        ps.setLong(4, id * 1_000_003L);
        ps.setDouble(5, id / 4.0);
        ps.setBigDecimal(6, BigDecimal.valueOf(id, 2));
        ps.setObject(7, LocalDate.ofEpochDay(id % 40_000));
        ps.setObject(8, new UUID(id, ~id));
        ps.setBoolean(9, id % 2 == 0);
        ps.setBytes(10, ByteBuffer.allocate(8).putLong(id).array());
        ps.setString(11, "t" + id);
    }

    private static void assertReading(ResultSet rs, long id) throws SQLException {
        assertThat(rs.getLong(1)).isEqualTo(id);
        assertThat(rs.getString(2)).isEqualTo("s" + id);
        assertThat(rs.getInt(3)).isEqualTo((int) id);
        assertThat(rs.getLong(4)).isEqualTo(id * 1_000_003L);
        assertThat(rs.getDouble(5)).isEqualTo(id / 4.0);
        assertThat(rs.getBigDecimal(6)).isEqualTo(BigDecimal.valueOf(id, 2));
        assertThat(rs.getObject(7, LocalDate.class)).isEqualTo(LocalDate.ofEpochDay(id % 40_000));
        assertThat(rs.getObject(8, UUID.class)).isEqualTo(new UUID(id, ~id));
        assertThat(rs.getBoolean(9)).isEqualTo(id % 2 == 0);
        assertThat(rs.getBytes(10)).isEqualTo(ByteBuffer.allocate(8).putLong(id).array());
        assertThat(rs.getString(11)).isEqualTo("t" + id);
    }

    // ------------------------------------------------------------------ (b) outages

    @ParameterizedTest
    @EnumSource(Outage.class)
    void duringAnOutageWarmConnectionsKeepWorkingColdOnesFailRetryablyAndRecoverByThemselves(Outage outage)
            throws Exception {
        String table = "notes_" + outage.name().toLowerCase(java.util.Locale.ROOT);
        plain("CREATE TABLE " + table + " (id serial PRIMARY KEY, note bytea)");
        Path config = KmsVeil.writeOutageConfig(dir, table + ".yml", kms, arn, null,
                "  " + table + ":\n    note: { type: string }\n");
        List<String> written = new ArrayList<>();
        try (Connection warm = veil(KmsVeil.url(DB.database(), config, "warm-" + table))) {
            insertNote(warm, table, "before");
            written.add("before");
            outage.start(kms);
            for (int i = 0; i < 20; i++) {
                insertNote(warm, table, "during-" + i);
                written.add("during-" + i);
                assertThat(readNotes(warm, table)).containsExactlyInAnyOrderElementsOf(written);
            }

            String coldUrl = KmsVeil.url(DB.database(), config, "cold-" + table);
            try (Connection cold = veil(coldUrl)) { // opening a connection needs no KMS call
                long start = System.nanoTime();
                assertThatThrownBy(() -> readNotes(cold, table))
                        .satisfies(e -> assertKeyUnavailable(e, table + ".note"))
                        .satisfies(e -> {
                            if (outage == Outage.HANG) { // the server never answers: only the client's timeout ends it
                                assertThat(e).hasMessageContaining("timed out (api-call-timeout "
                                        + KmsVeil.API_CALL_TIMEOUT + ")");
                            }
                        });
                // generous: a hung request is held for maxHang(), so only the client's timeout ends the call sooner
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the client's timeout")
                        .isLessThan(FakeKmsServer.maxHang().dividedBy(2));
                assertThatThrownBy(() -> insertNote(cold, table, "cold-during"))
                        .satisfies(e -> assertKeyUnavailable(e, table + ".note"));

                outage.end(kms);
                List<String> seen = awaitSuccess(() -> readNotes(cold, table), RECOVERY);
                assertThat(seen).containsExactlyInAnyOrderElementsOf(written);
                insertNote(cold, table, "cold-after");
                written.add("cold-after");
            }
            assertThat(readNotes(warm, table)).containsExactlyInAnyOrderElementsOf(written);
        }
        assertThat(plainNotes(table)).hasSize(written.size()).allSatisfy(n -> assertThat(n).startsWith("V"));
    }

    /** The staleness window through the driver, with the cache from YAML and the runtime from the URL. */
    @Test
    void pastItsTtlACachedKeyIsServedStaleThroughTheDriverConfiguredFromYaml() throws Exception {
        String table = "stale_yaml";
        Path config = KmsVeil.writeOutageConfig(dir, table + ".yml", kms, arn, "{ ttl: PT1S, max-staleness: PT3S }",
                "  " + table + ":\n    note: { type: string }\n");
        String url = KmsVeil.url(DB.database(), config, table);
        KeyRing ring = VeilDriver.instance().runtime(url, DB.properties()).keys();
        staleWindow(Outage.REFUSED, table, () -> veil(url), ring);
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void pastItsTtlACachedKeyIsServedStaleUntilMaxStalenessThenStatementsFailRetryablyAndRecover(Outage outage)
            throws Exception {
        String table = "stale_" + outage.name().toLowerCase(java.util.Locale.ROOT);
        Path config = KmsVeil.writeOutageConfig(dir, table + ".yml", kms, arn, "{ ttl: PT1S, max-staleness: PT3S }",
                "  " + table + ":\n    note: { type: string }\n");
        Properties veil = new Properties();
        veil.setProperty("veil.config", config.toString());
        try (VeilRuntime runtime = VeilRuntime.create(VeilDriver.configFrom(veil), DB::plainConnection,
                DB.name())) {
            staleWindow(outage, table, () -> new dev.veil.driver.jdbc.VeilConnection(DB.plainConnection(), runtime),
                    runtime.keys());
        }
    }

    private static final Duration TTL = Duration.ofSeconds(1);
    private static final Duration STALENESS = Duration.ofSeconds(3);
    /** How long a test waits for something that will happen (recovery, the end of the staleness window). */
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    /**
     * Writes a row (the key is loaded then: after {@code loadStart}, before {@code t0}), starts the outage and keeps
     * writing and reading every 100 ms until a statement fails: statements succeed past the TTL (stale), then fail
     * with VE002; when the KMS is back they succeed again and every row written during the outage decrypts, also
     * through an independent runtime.
     *
     * <p>The wall clock is only read for bounds that a slow machine cannot break: the key expires
     * {@code ttl + max-staleness} after it was loaded, i.e. after {@code loadStart + ttl + max-staleness} and by
     * {@code t0 + ttl + max-staleness}. So no statement may fail before the first instant, and none that started
     * after the second may succeed; a busy machine only moves the statements within that window.
     */
    private void staleWindow(Outage outage, String table, SqlSupplier<Connection> connections, KeyRing ring)
            throws Exception {
        plain("CREATE TABLE " + table + " (id serial PRIMARY KEY, note bytea)");
        List<String> written = new ArrayList<>();
        try (Connection c = connections.get()) {
            long loadStart = System.nanoTime();
            insertNote(c, table, "before");
            written.add("before");
            long t0 = System.nanoTime();
            outage.start(kms);

            SQLException failure = null;
            long failedAt = 0;
            Duration lastSuccessStarted = null;
            long deadline = t0 + TTL.plus(STALENESS).plus(RECOVERY).toNanos();
            for (int i = 0; System.nanoTime() - deadline < 0; i++) {
                Duration started = Duration.ofNanos(System.nanoTime() - t0);
                try {
                    insertNote(c, table, "during-" + i);
                    written.add("during-" + i);
                    assertThat(readNotes(c, table)).containsExactlyInAnyOrderElementsOf(written);
                    lastSuccessStarted = started;
                } catch (SQLException e) {
                    failure = e;
                    failedAt = System.nanoTime();
                    break;
                }
                Thread.sleep(100);
            }
            if (failure == null) {
                fail("statements kept succeeding far beyond ttl + max-staleness of an outage");
            }
            assertKeyUnavailable(failure, table + ".note");
            assertThat(Duration.ofNanos(failedAt - loadStart)).as("no statement fails before the key is past "
                    + "ttl + max-staleness").isGreaterThanOrEqualTo(TTL.plus(STALENESS));
            assertThat(lastSuccessStarted).as("a statement started past the TTL succeeded: served stale")
                    .isNotNull().isGreaterThanOrEqualTo(TTL);
            assertThat(lastSuccessStarted).as("none started past ttl + max-staleness succeeded")
                    .isLessThan(TTL.plus(STALENESS));
            assertThat(ring.health().staleServes()).as("keys served past their TTL").isPositive();
            assertThat(ring.health().degraded()).isTrue();
            assertThatThrownBy(() -> insertNote(c, table, "refused"))
                    .satisfies(e -> assertKeyUnavailable(e, table + ".note"));

            outage.end(kms);
            awaitSuccess(() -> {
                insertNote(c, table, "after");
                return null;
            }, RECOVERY);
            written.add("after");
            assertThat(readNotes(c, table)).containsExactlyInAnyOrderElementsOf(written);
        }
        // an independent runtime with the default cache (a fresh key ring) reads every row written in the outage
        Path verify = KmsVeil.writeConfig(dir, table + "-verify.yml", kms, arn, null,
                "  " + table + ":\n    note: { type: string }\n");
        try (Connection independent = veil(KmsVeil.url(DB.database(), verify, "verify-" + table))) {
            assertThat(readNotes(independent, table)).containsExactlyInAnyOrderElementsOf(written);
        }
    }

    // ------------------------------------------------------------------ (c) refusals

    @Test
    void aDisabledOrForbiddenMasterKeyIsVe003NamingTheKeyArnWithoutSecrets() throws Exception {
        plain("CREATE TABLE vault (id serial PRIMARY KEY, note bytea)",
                "CREATE TABLE vault_new (id serial PRIMARY KEY, note bytea)");
        Path config = KmsVeil.writeConfig(dir, "vault.yml", kms, arn, null,
                "  vault:\n    note: { type: string }\n  vault_new:\n    note: { type: string }\n");
        try (Connection c = veil(KmsVeil.url(DB.database(), config, "vault-writer"))) {
            insertNote(c, "vault", "top secret value");
        }

        kms.disableKey(arn);
        try (Connection cold = veil(KmsVeil.url(DB.database(), config, "vault-disabled"))) {
            assertThatThrownBy(() -> readNotes(cold, "vault")).satisfies(e -> assertAccessDenied(e, "vault.note"));
            assertThatThrownBy(() -> insertNote(cold, "vault_new", "another secret"))
                    .satisfies(e -> assertAccessDenied(e, "vault_new.note"));
        }
        kms.enableKey(arn);

        kms.fault(FakeKmsServer.Fault.ACCESS_DENIED);
        try (Connection cold = veil(KmsVeil.url(DB.database(), config, "vault-denied"))) {
            assertThatThrownBy(() -> readNotes(cold, "vault")).satisfies(e -> assertAccessDenied(e, "vault.note"));
            kms.fault(FakeKmsServer.Fault.NONE);
            // once the policy allows it again, the same runtime recovers after the remembered failure's backoff
            assertThat(awaitSuccess(() -> readNotes(cold, "vault"), RECOVERY))
                    .containsExactly("top secret value");
        }
        assertThat(plainNotes("vault_new")).as("refused writes sent nothing").isEmpty();
    }

    // ------------------------------------------------------------------ (d) single flight

    @Test
    void sixteenThreadsOnFiftyColdColumnsMakeOneKmsCallPerDataKey() throws Exception {
        int tables = 50;
        int threads = 16;
        StringBuilder yaml = new StringBuilder();
        List<String> ddl = new ArrayList<>();
        for (int t = 0; t < tables; t++) {
            String name = String.format("crowd_%02d", t);
            ddl.add("CREATE TABLE " + name + " (thread int, secret bytea)");
            yaml.append("  ").append(name).append(":\n    secret: { type: string }\n");
        }
        plain(ddl.toArray(String[]::new));
        Path config = KmsVeil.writeConfig(dir, "crowd.yml", kms, arn, null, yaml.toString());

        // cold key table: each of the 50 data keys is created once (one Encrypt each), whatever the race
        String writeUrl = KmsVeil.url(DB.database(), config, "crowd-write");
        crowd(threads, (thread, c, order) -> {
            for (int t : order) {
                try (PreparedStatement ps = c.prepareStatement(
                        String.format("INSERT INTO crowd_%02d (thread, secret) VALUES (?, ?)", t))) {
                    ps.setInt(1, thread);
                    ps.setString(2, "secret-" + t + "-" + thread);
                    ps.executeUpdate();
                }
            }
        }, writeUrl, tables);
        assertThat(kms.calls("Encrypt")).as("Encrypt calls for 50 new data keys").isEqualTo(tables);
        assertThat(kms.calls("Decrypt")).isZero();
        kms.resetCounts();

        // a fresh runtime (cold cache, keys stored): each data key is unwrapped once (one Decrypt each)
        String readUrl = KmsVeil.url(DB.database(), config, "crowd-read");
        crowd(threads, (thread, c, order) -> {
            for (int t : order) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        String.format("SELECT thread, secret FROM crowd_%02d", t))) {
                    int rows = 0;
                    while (rs.next()) {
                        assertThat(rs.getString(2)).isEqualTo("secret-" + t + "-" + rs.getInt(1));
                        rows++;
                    }
                    assertThat(rows).isEqualTo(threads);
                }
            }
        }, readUrl, tables);
        assertThat(kms.calls("Decrypt")).as("Decrypt calls for 50 cached data keys").isEqualTo(tables);
        assertThat(kms.calls("Encrypt")).isZero();
    }

    private interface CrowdWork {
        void run(int thread, Connection c, List<Integer> order) throws Exception;
    }

    /** {@code threads} connections released together, each visiting every table in its own random order. */
    private void crowd(int threads, CrowdWork work, String url, int tables) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int thread = th;
                futures.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int t = 0; t < tables; t++) {
                        order.add(t);
                    }
                    Collections.shuffle(order, new Random(thread));
                    try (Connection c = veil(url)) {
                        start.await(RECOVERY.toSeconds(), TimeUnit.SECONDS); // generous: 16 connects, busy machine
                        work.run(thread, c, order);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2 * RECOVERY.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ helpers

    private interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private static Connection veil(String url) throws SQLException {
        return DriverManager.getConnection(url, DB.properties());
    }

    private static void plain(String... statements) throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static void insertNote(Connection c, String table, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (note) VALUES (?)")) {
            ps.setString(1, note);
            ps.executeUpdate();
        }
    }

    private static List<String> readNotes(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT note FROM " + table)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The stored bytes as text (what a DBA sees), one per row. */
    private static List<String> plainNotes(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT note FROM " + table)) {
            while (rs.next()) {
                out.add(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private static <T> T awaitSuccess(SqlSupplier<T> action, Duration timeout) throws Exception {
        return Await.success(timeout, SQLException.class, e -> { }, action::get);
    }

    private void assertKeyUnavailable(Throwable e, String column) {
        assertThat(e).isInstanceOf(SQLTransientConnectionException.class);
        assertThat(((SQLException) e).getSQLState()).isEqualTo("VE002");
        assertThat(e.getMessage()).contains(column);
        assertNoSecrets(e);
    }

    private void assertAccessDenied(Throwable e, String column) {
        assertThat(e).isInstanceOf(SQLInvalidAuthorizationSpecException.class);
        assertThat(((SQLException) e).getSQLState()).isEqualTo("VE003");
        assertThat(e.getMessage()).contains(column).contains(arn);
        assertNoSecrets(e);
    }

    private static void assertNoSecrets(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            for (String secret : SECRETS) {
                assertThat(m).doesNotContain(secret);
            }
            assertThat(m).doesNotContain("top secret").doesNotContain("another secret");
        }
    }
}
