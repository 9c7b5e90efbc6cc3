package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyVersion;
import dev.veil.testing.Await;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Someone with write access to the key table ({@code veil_data_keys}) swaps, alters or deletes rows, or an
 * administrator disables a key version while the application works. Each gives VE001 naming the column or index,
 * never a value and never a wrong plaintext; a process never silently replaces a key it has loaded; putting the row
 * back (or enabling the version) brings every value back. Each {@link VeilRuntime} stands for one application
 * process; {@code keys().invalidateAll()} stands for its next key refresh (at most the key-cache TTL later).
 */
class KeyTableTamperIT {

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        StringBuilder yaml = new StringBuilder();
        for (String t : List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta")) {
            yaml.append("  ").append(t).append(":\n    secret: {}\n");
        }
        yaml.append("  indexed:\n    secret: { blind-index: secret_bidx }\n");
        fx = VeilFixture.create(KeyTableTamperIT.class, yaml.toString());
        for (String t : List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta")) {
            fx.plainExecute("CREATE TABLE " + t + " (id int PRIMARY KEY, secret bytea)");
        }
        fx.plainExecute("CREATE TABLE indexed (id int PRIMARY KEY, secret bytea, secret_bidx bytea)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    // ------------------------------------------------------------------ swapped and altered rows

    @Test
    void wrappedKeysSwappedBetweenTwoRowsAreRefusedNamingEachColumnAndWorkAgainWhenSwappedBack() throws Exception {
        try (VeilRuntime warm = runtime()) {
            write(warm, "alpha", 1, "alpha s3cr3t");
            write(warm, "beta", 1, "beta s3cr3t");
            swapAlphaAndBeta();
            // a running process keeps its cached keys until its next refresh ...
            assertThat(read(warm, "alpha", 1)).isEqualTo("alpha s3cr3t");
            warm.keys().invalidateAll();
            // ... and then refuses them as a process starting now does
            assertKeyRefused(() -> read(warm, "alpha", 1), "alpha.secret");
            try (VeilRuntime cold = runtime()) {
                assertKeyRefused(() -> read(cold, "alpha", 1), "alpha.secret");
                assertKeyRefused(() -> read(cold, "beta", 1), "beta.secret");
                assertKeyRefused(() -> write(cold, "alpha", 2, "never stored s3cr3t"), "alpha.secret");
            }
            assertThat(plainCount("alpha")).as("a refused write stores nothing").isEqualTo(1);

            swapAlphaAndBeta();
            warm.keys().invalidateAll();
            assertThat(read(warm, "alpha", 1)).isEqualTo("alpha s3cr3t");
            assertThat(read(warm, "beta", 1)).isEqualTo("beta s3cr3t");
        }
    }

    /** Bytes of the envelope: 0 format, 1–2 length of the wrapped KEK, then the wrapped KEK, nonce, sealed keyset. */
    @ParameterizedTest(name = "byte {0}")
    @ValueSource(ints = {0, 1, 2, 10, 40, 70, 80, -1})
    void anEnvelopeWithOneFlippedBitIsRefusedNamingTheColumnAndWorksAgainWhenRestored(int position)
            throws Exception {
        try (VeilRuntime writer = runtime()) {
            write(writer, "gamma", position + 100, "gamma s3cr3t " + position);
        }
        flipBit("gamma", "*", position);
        try (VeilRuntime cold = runtime()) {
            assertKeyRefused(() -> read(cold, "gamma", position + 100), "gamma.secret");
            assertKeyRefused(() -> write(cold, "gamma", position + 200, "never stored s3cr3t"), "gamma.secret");
        }
        flipBit("gamma", "*", position);
        try (VeilRuntime cold = runtime()) {
            assertThat(read(cold, "gamma", position + 100)).isEqualTo("gamma s3cr3t " + position);
        }
    }

    @Test
    void anAlteredBlindIndexKeyRefusesSearchesNamingTheIndex() throws Exception {
        try (VeilRuntime writer = runtime()) {
            write(writer, "indexed", 1, "findable");
        }
        flipBit("indexed", "secret_bidx", -1);
        try (VeilRuntime cold = runtime(); Connection c = new VeilConnection(fx.plain(), cold);
                PreparedStatement ps = c.prepareStatement("SELECT id FROM indexed WHERE secret = ?")) {
            ps.setString(1, "findable");
            Throwable e = catchThrowable(ps::executeQuery);
            assertVeilError(e, "VE001", "secret_bidx", "findable");
        }
        flipBit("indexed", "secret_bidx", -1);
        try (VeilRuntime cold = runtime(); Connection c = new VeilConnection(fx.plain(), cold);
                PreparedStatement ps = c.prepareStatement("SELECT id FROM indexed WHERE secret = ?")) {
            ps.setString(1, "findable");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    // ------------------------------------------------------------------ deleted rows

    @Test
    void aDeletedKeyRowIsNotReplacedByAProcessThatLoadedItAndRestoringTheRowBringsEveryValueBack() throws Exception {
        try (VeilRuntime running = runtime()) {
            for (int id = 1; id <= 3; id++) {
                write(running, "delta", id, "delta s3cr3t " + id);
            }
            fx.plainExecute("CREATE TABLE saved_delta_key AS SELECT * FROM veil_data_keys WHERE table_name = 'delta'",
                    "DELETE FROM veil_data_keys WHERE table_name = 'delta'");
            running.keys().invalidateAll(); // its next refresh

            Throwable read = catchThrowable(() -> read(running, "delta", 1));
            assertKeyRefused(read, "delta.secret");
            assertThat(read).hasMessageContaining("was deleted from veil_data_keys after this process loaded it")
                    .hasMessageContaining("Restore the row from a backup");
            assertKeyRefused(() -> write(running, "delta", 4, "never stored s3cr3t"), "delta.secret");
            assertThat(plainCount("delta")).isEqualTo(3);
            assertThat(keyRows("delta")).as("no new key was created in its place").isZero();

            fx.plainExecute("INSERT INTO veil_data_keys SELECT * FROM saved_delta_key", "DROP TABLE saved_delta_key");
            running.keys().invalidateAll(); // forget the remembered failure instead of waiting for its backoff
            for (int id = 1; id <= 3; id++) {
                assertThat(read(running, "delta", id)).isEqualTo("delta s3cr3t " + id);
            }
            write(running, "delta", 4, "delta s3cr3t 4");
            assertThat(read(running, "delta", 4)).isEqualTo("delta s3cr3t 4");
        }
    }

    @Test
    void afterADeletedKeyRowANewProcessStartsANewKeyOldValuesFailVe001AndTheOldProcessRefusesTheNewKey()
            throws Exception {
        try (VeilRuntime old = runtime()) {
            write(old, "epsilon", 1, "epsilon s3cr3t 1");
            write(old, "epsilon", 2, "epsilon s3cr3t 2");
            fx.plainExecute("DELETE FROM veil_data_keys WHERE table_name = 'epsilon'");

            try (VeilRuntime started = runtime()) { // cannot tell a deleted row from a table never written
                assertDecryptionFailed(() -> read(started, "epsilon", 1), "epsilon.secret");
                assertThat(keyRows("epsilon")).as("the new process created a new key on first use").isOne();
                write(started, "epsilon", 3, "epsilon s3cr3t 3");
                assertThat(read(started, "epsilon", 3)).isEqualTo("epsilon s3cr3t 3");
                assertDecryptionFailed(() -> read(started, "epsilon", 2), "epsilon.secret");
            }

            old.keys().invalidateAll();
            Throwable e = catchThrowable(() -> read(old, "epsilon", 1));
            assertKeyRefused(e, "epsilon.secret");
            assertThat(e).hasMessageContaining("its row was deleted and created again");
            assertKeyRefused(() -> write(old, "epsilon", 4, "never stored s3cr3t"), "epsilon.secret");
            assertThat(plainCount("epsilon")).isEqualTo(3);
        }
    }

    // ------------------------------------------------------------------ a version disabled under load

    @Test
    void disablingTheOldVersionUnderLoadGivesVe001ForItsValuesNeverAWrongOneAndEnablingItBringsThemBack()
            throws Exception {
        KeyScope scope = KeyScope.tableEncryption("zeta");
        Map<Integer, String> written = new ConcurrentHashMap<>();
        try (VeilRuntime rt = runtime(); KeyAdministration admin = admin()) {
            for (int id = 1; id <= 20; id++) {
                write(rt, "zeta", id, "zeta s3cr3t " + id);
                written.put(id, "zeta s3cr3t " + id);
            }
            long v1 = primary(admin.versions(scope));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger nextId = new AtomicInteger(1000);
            AtomicInteger refusedReads = new AtomicInteger();
            AtomicInteger goodReads = new AtomicInteger();
            List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> load = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                load.add(pool.submit(() -> {
                    try (Connection c = new VeilConnection(fx.plain(), rt);
                            PreparedStatement ps = c.prepareStatement("INSERT INTO zeta (id, secret) VALUES (?, ?)")) {
                        while (!stop.get()) {
                            int id = nextId.incrementAndGet();
                            try {
                                ps.setInt(1, id);
                                ps.setString(2, "zeta s3cr3t " + id);
                                ps.executeUpdate();
                                written.put(id, "zeta s3cr3t " + id);
                            } catch (SQLException e) {
                                unexpected.add(e); // the primary is never disabled: writes never fail
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                load.add(pool.submit(() -> {
                    List<Integer> ids = new ArrayList<>();
                    try (Connection c = new VeilConnection(fx.plain(), rt);
                            PreparedStatement ps = c.prepareStatement("SELECT secret FROM zeta WHERE id = ?")) {
                        while (!stop.get()) {
                            if (ids.size() < written.size()) {
                                ids = new ArrayList<>(written.keySet());
                            }
                            int id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                            ps.setInt(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                if (!("zeta s3cr3t " + id).equals(rs.getString(1))) {
                                    unexpected.add(new AssertionError("row " + id + " read back another value"));
                                }
                                goodReads.incrementAndGet();
                            } catch (SQLException e) {
                                if ("VE001".equals(e.getSQLState()) && e.getMessage().contains("zeta.secret")
                                        && !e.getMessage().contains("s3cr3t")) {
                                    refusedReads.incrementAndGet();
                                } else {
                                    unexpected.add(e);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            awaitLoad(written, goodReads, refusedReads, unexpected, 50); // the load runs under v1
            long v2 = admin.addVersion(scope).id();
            rt.keys().invalidateAll(); // the processes' next refresh: new values use v2
            awaitLoad(written, goodReads, refusedReads, unexpected, 50);
            admin.disableVersion(scope, v1);
            rt.keys().invalidateAll(); // the next refresh: v1 values no longer decrypt
            awaitLoad(written, goodReads, refusedReads, unexpected, 100);
            stop.set(true);
            for (Future<?> f : load) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(unexpected).isEmpty();
            assertThat(goodReads.get()).isPositive();
            System.out.printf("zeta under load: %d rows written, %d reads, %d of them VE001%n", written.size(),
                    goodReads.get() + refusedReads.get(), refusedReads.get());

            // after the refresh every value written under v1 is VE001, every other one reads back
            rt.keys().invalidateAll();
            for (int id = 1; id <= 20; id++) {
                int row = id;
                assertDecryptionFailed(() -> read(rt, "zeta", row), "zeta.secret");
            }
            assertThat(primary(admin.versions(scope))).isEqualTo(v2);

            admin.enableVersion(scope, v1);
            rt.keys().invalidateAll();
            Map<Integer, String> stored = new java.util.HashMap<>();
            try (Connection c = new VeilConnection(fx.plain(), rt); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id, secret FROM zeta")) {
                while (rs.next()) {
                    stored.put(rs.getInt(1), rs.getString(2));
                }
            }
            assertThat(stored).as("every write that returned, read back exactly").isEqualTo(written);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Waits (by progress, not by time) until the load has written and read {@code n} more times. */
    static void awaitLoad(Map<Integer, String> written, AtomicInteger goodReads, AtomicInteger refusedReads,
            List<Throwable> unexpected, int n) throws Exception {
        int writes = written.size();
        int reads = goodReads.get() + refusedReads.get();
        Await.until(n + " more writes and reads", Duration.ofSeconds(60), () -> {
            assertThat(unexpected).isEmpty();
            return written.size() - writes >= n && goodReads.get() + refusedReads.get() - reads >= n;
        });
    }

    @FunctionalInterface
    interface SqlAction {
        void run() throws Exception;
    }

    /** A key that cannot be used: VE001, a non-transient error naming the column, never a value. */
    private static void assertKeyRefused(SqlAction action, String column) {
        assertKeyRefused(catchThrowable(action::run), column);
    }

    private static void assertKeyRefused(Throwable e, String column) {
        assertVeilError(e, "VE001", column, "s3cr3t");
        assertThat(e).hasMessageContaining("data key for " + column + " cannot be used");
    }

    /** A value that does not decrypt under the keyset loaded: VE001 naming the column. */
    private static void assertDecryptionFailed(SqlAction action, String column) {
        Throwable e = catchThrowable(action::run);
        assertVeilError(e, "VE001", column, "s3cr3t");
        assertThat(e).hasMessageContaining("decryption failed for " + column);
    }

    private static void assertVeilError(Throwable e, String state, String names, String neverShown) {
        assertThat(e).isInstanceOf(SQLNonTransientException.class);
        assertThat(((SQLException) e).getSQLState()).isEqualTo(state);
        for (Throwable c = e; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(neverShown);
        }
        assertThat(e.getMessage()).contains(names);
    }

    private static long primary(List<KeyVersion> versions) {
        return versions.stream().filter(KeyVersion::primary).findFirst().orElseThrow().id();
    }

    private static void swapAlphaAndBeta() throws SQLException {
        fx.plainExecute("UPDATE veil_data_keys k SET wrapped_keyset = o.wrapped_keyset FROM veil_data_keys o"
                + " WHERE k.key_name = '*' AND o.key_name = '*' AND ((k.table_name = 'alpha' AND o.table_name = 'beta')"
                + " OR (k.table_name = 'beta' AND o.table_name = 'alpha'))");
    }

    /** Flips the lowest bit of byte {@code position} (negative: from the end) of a stored envelope. */
    private static void flipBit(String table, String keyName, int position) throws SQLException {
        String at = position >= 0 ? String.valueOf(position) : "length(wrapped_keyset) - " + (-position);
        try (Connection c = fx.plain(); Statement st = c.createStatement()) {
            int n = st.executeUpdate("UPDATE veil_data_keys SET wrapped_keyset = set_byte(wrapped_keyset, " + at
                    + ", get_byte(wrapped_keyset, " + at + ") # 1) WHERE table_name = '" + table + "' AND key_name = '"
                    + keyName + "'");
            assertThat(n).as("key rows of " + table + "/" + keyName).isOne();
        }
    }

    private static int keyRows(String table) throws SQLException {
        return count("SELECT count(*) FROM veil_data_keys WHERE table_name = '" + table + "'");
    }

    private static int plainCount(String table) throws SQLException {
        return count("SELECT count(*) FROM " + table);
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A runtime of its own: one application process with a cold key cache. */
    private static VeilRuntime runtime() throws SQLException {
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        return VeilRuntime.create(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    private static KeyAdministration admin() throws Exception {
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        return VeilRuntime.keyRingBuilder(VeilDriver.configFrom(p), fx::plain, fx.database().name())
                .buildAdministration();
    }

    private static void write(VeilRuntime rt, String table, int id, String secret) throws SQLException {
        try (Connection c = new VeilConnection(fx.plain(), rt);
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, secret) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, secret);
            ps.executeUpdate();
        }
    }

    private static String read(VeilRuntime rt, String table, int id) throws SQLException {
        try (Connection c = new VeilConnection(fx.plain(), rt);
                PreparedStatement ps = c.prepareStatement("SELECT secret FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(table + " row " + id).isTrue();
                return rs.getString(1);
            }
        }
    }
}
