package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;


import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.RuntimeSeams;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.FakeTicker;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingListener;
import dev.veil.key.KeyScope;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two runtimes stand for two JVMs sharing one database. When one of them writes under a key version the other has
 * not cached yet (a rotation elsewhere), the other reloads its keys once and reads the value — instead of failing
 * until its cache expires; right after a reload, a value under a version added since is VE002 (retry), never VE001.
 * Unreadable values do not turn every read into a key reload: one whose version is cached reloads nothing, one under
 * a version nobody has at most once per interval.
 */
class KeyVersionPickupIT {

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(KeyVersionPickupIT.class, "  notes:\n    body: {}\n");
        fx.plainExecute("CREATE TABLE notes (id int PRIMARY KEY, body bytea)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    private static VeilRuntime runtime() throws SQLException {
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        return VeilRuntime.create(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    private static void write(VeilRuntime rt, int id, String body) throws SQLException {
        try (Connection c = new VeilConnection(fx.plain(), rt);
                PreparedStatement ps = c.prepareStatement("INSERT INTO notes (id, body) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, body);
            ps.executeUpdate();
        }
    }

    private static String read(VeilRuntime rt, int id) throws SQLException {
        try (Connection c = new VeilConnection(fx.plain(), rt);
                PreparedStatement ps = c.prepareStatement("SELECT body FROM notes WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aRuntimeReadsValuesWrittenUnderAKeyVersionAddedElsewhere() throws Exception {
        try (VeilRuntime a = runtime(); VeilRuntime b = runtime()) {
            write(a, 1, "first");
            assertThat(read(a, 1)).isEqualTo("first"); // a has cached the keyset (one version)
            try (KeyAdministration admin = KeyRing.builder().masterKey("local-keyset:" + fx.masterKeyFile())
                    .database(fx.database().name()).connections(fx::plain).buildAdministration()) {
                admin.addVersion(KeyScope.tableEncryption("notes"));
            }
            write(b, 2, "second"); // b loads the keyset fresh: writes under the new primary version
            assertThat(read(a, 2)).isEqualTo("second");
            assertThat(read(a, 1)).isEqualTo("first");
        }
    }

    /** ColumnCipher's limit on key reloads after unreadable values. */
    private static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);

    private static AtomicInteger countLoads(VeilRuntime rt) {
        AtomicInteger loads = new AtomicInteger();
        rt.addKeyRingListener(new KeyRingListener() {
            @Override
            public void keyLoaded(KeyScope scope, Duration duration, boolean created) {
                loads.incrementAndGet();
            }
        });
        return loads;
    }

    private static String state(ThrowingCallable read) {
        try {
            read.call();
            return "read";
        } catch (Throwable e) {
            assertThat(e).isInstanceOf(SQLException.class);
            return ((SQLException) e).getSQLState();
        }
    }

    @Test
    void aValueWhoseVersionIsCachedButDoesNotDecryptIsVe001WithoutAReload() throws Exception {
        try (VeilRuntime rt = runtime()) {
            AtomicInteger loads = countLoads(rt);
            write(rt, 10, "good");
            // the value of row 10, one bit flipped in the last byte (the GCM tag); its key id is intact
            copyAltered(10, 11, "overlay(body placing "
                    + "set_byte('\\x00'::bytea, 0, get_byte(body, length(body) - 1) # 1) from length(body))");
            int before = loads.get();
            for (int i = 0; i < 20; i++) {
                assertThat(state(() -> read(rt, 11))).isEqualTo("VE001");
            }
            assertThat(loads.get() - before).as("key reloads for 20 reads of a value under a cached version")
                    .isZero();
            assertThat(read(rt, 10)).isEqualTo("good");
        }
    }

    @Test
    void valuesUnderAVersionNobodyHasReloadTheKeysAtMostOncePerInterval() throws Exception {
        try (VeilRuntime rt = runtime()) {
            AtomicInteger loads = countLoads(rt);
            write(rt, 20, "good");
            // the value of row 20 with its key id altered ('V' 0x01, Tink's 0x01, then the 4-byte id)
            copyAltered(20, 21, "set_byte(body, 3, get_byte(body, 3) # 128)");
            int before = loads.get();
            long start = System.nanoTime();
            java.util.Set<String> states = new java.util.TreeSet<>();
            for (int i = 0; i < 20; i++) {
                states.add(state(() -> read(rt, 21)));
            }
            // a reload finds no such version: VE001, and the version is remembered as absent for the keyset it
            // returned, so the reads within the interval are VE001 too. At most one reload per interval (1 s) of the
            // time the reads took — usually one; a busy machine may see one more per second it took
            long intervals = 1 + (System.nanoTime() - start) / RELOAD_INTERVAL.toNanos();
            assertThat(states).containsExactly("VE001");
            assertThat((long) loads.get() - before).as("key reloads for 20 unreadable reads")
                    .isPositive().isLessThanOrEqualTo(intervals);
            assertThat(read(rt, 20)).isEqualTo("good");
        }
    }

    @Test
    void aVersionAddedElsewhereRightAfterAReloadIsRetryableNeverVe001() throws Exception {
        FakeTicker clock = new FakeTicker(); // a's timers: the reload interval passes only when advanced
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        try (VeilRuntime a = RuntimeSeams.tuned(VeilDriver.configFrom(p), fx::plain, fx.database().name(), clock,
                b -> b)) {
            write(a, 30, "first");
            addVersion();
            try (VeilRuntime b = runtime()) {
                write(b, 31, "second"); // under the second version: a reloads to read it
            }
            assertThat(read(a, 31)).isEqualTo("second");
            addVersion(); // the keyset a reloaded a moment ago lacks this one
            try (VeilRuntime c = runtime()) {
                write(c, 32, "third");
            }
            // within a's reload interval: VE002 (retry), never VE001; once it has passed, a reload and the value
            for (int i = 0; i < 3; i++) {
                assertThat(state(() -> read(a, 32))).as("right after a reload").isEqualTo("VE002");
            }
            clock.advance(RELOAD_INTERVAL.plusMillis(1));
            assertThat(read(a, 32)).isEqualTo("third");
            assertThat(read(a, 30)).isEqualTo("first");
        }
    }

    /** Inserts row {@code to} with row {@code from}'s body changed by the SQL expression {@code altered}. */
    private static void copyAltered(int from, int to, String altered) throws SQLException {
        try (Connection p = fx.plain(); Statement st = p.createStatement()) {
            st.execute("INSERT INTO notes (id, body) SELECT " + to + ", " + altered + " FROM notes WHERE id = " + from);
        }
    }

    private static void addVersion() throws Exception {
        try (KeyAdministration admin = KeyRing.builder().masterKey("local-keyset:" + fx.masterKeyFile())
                .database(fx.database().name()).connections(fx::plain).buildAdministration()) {
            admin.addVersion(KeyScope.tableEncryption("notes"));
        }
    }
}
