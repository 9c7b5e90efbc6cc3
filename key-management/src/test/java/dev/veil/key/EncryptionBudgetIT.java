package dev.veil.key;

import static dev.veil.testing.TinkCiphertexts.keyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.veil.testing.Await;
import dev.veil.testing.TestDatabaseExtension;
import dev.veil.testing.TinkCiphertexts;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reserved, bounded and rolled AES-GCM data keys (docs/key-management.md, "Bounded AES-GCM keys"). */
class EncryptionBudgetIT {

    static final byte[] AD = "veil/1:t.c".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();

    private KeyRingBuilder builder(ConnectionFactory connections) {
        return KeyRing.builder()
                .masterKey(DB.masterKey())
                .database(DB.name())
                .connections(connections);
    }

    private KeyRingBuilder builder() {
        return builder(DB::plainConnection);
    }

    static final class Events implements KeyRingListener {
        final LongAdder reservations = new LongAdder();
        final List<long[]> rolls = new CopyOnWriteArrayList<>();

        @Override
        public void encryptionsReserved(KeyScope scope, long version, long block, long reservedTotal) {
            reservations.increment();
        }

        @Override
        public void keyRolled(KeyScope scope, long oldVersion, long newVersion) {
            rolls.add(new long[] {oldVersion, newVersion});
        }
    }


    private long[] row(KeyScope scope) throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT primary_version, encryptions_reserved FROM veil_data_keys "
                        + "WHERE table_name = '" + scope.table() + "' AND key_name = '" + scope.name() + "'")) {
            assertThat(rs.next()).isTrue();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    @Test
    void twoRingsEncryptingConcurrentlyNeverExceedTheLimitPerVersionAndRollTheKey() throws Exception {
        KeyScope scope = KeyScope.encryption("public.rolled", "*");
        long limit = 10;
        long block = 4;
        Events eventsA = new Events();
        Events eventsB = new Events();
        List<byte[]> ciphertexts = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        // not a test of the reservation timeout: a generous one, so a busy machine slows it down but cannot fail it
        Duration generous = Duration.ofMinutes(2);
        try (KeyRing a = builder().maxEncryptionsPerKeyVersion(limit).encryptionReservationBlock(block)
                        .encryptionReservationTimeout(generous).listener(eventsA).build();
                KeyRing b = builder().maxEncryptionsPerKeyVersion(limit).encryptionReservationBlock(block)
                        .encryptionReservationTimeout(generous).listener(eventsB).build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                KeyRing ring = t % 2 == 0 ? a : b;
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < 25; i++) {
                        ciphertexts.add(ring.aead(scope).encrypt(utf8(thread + ":" + i), AD));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ciphertexts).hasSize(100);

        Map<Long, Long> perVersion = ciphertexts.stream()
                .collect(Collectors.groupingBy(TinkCiphertexts::keyId, Collectors.counting()));
        assertThat(perVersion.values()).as("encryptions per key version").allMatch(n -> n <= limit);
        List<KeyVersion> versions;
        try (KeyAdministration admin = builder().buildAdministration()) {
            versions = admin.versions(scope);
        }
        assertThat(versions).as("at least 100 / limit versions").hasSizeGreaterThanOrEqualTo(10);
        assertThat(versions).allMatch(v -> v.type().equals("AesGcmKey") && v.state() == KeyVersion.State.ENABLED);
        assertThat(versions.stream().map(KeyVersion::id).collect(Collectors.toSet()))
                .containsAll(perVersion.keySet());
        assertThat(eventsA.rolls.size() + eventsB.rolls.size()).as("every version after the first is one roll")
                .isEqualTo(versions.size() - 1);
        assertThat(eventsA.reservations.sum()).isPositive();
        assertThat(eventsB.reservations.sum()).isPositive();

        long[] row = row(scope);
        long primary = versions.stream().filter(KeyVersion::primary).findFirst().orElseThrow().id();
        assertThat(row[0]).isEqualTo(primary);
        assertThat(row[1]).as("reserved under the primary").isBetween(perVersion.getOrDefault(primary, 0L), limit);

        try (KeyRing reader = builder().build()) {
            Aead aead = reader.aead(scope);
            Set<String> plain = new java.util.HashSet<>();
            for (byte[] ct : ciphertexts) {
                plain.add(new String(aead.decrypt(ct, AD), StandardCharsets.UTF_8));
            }
            assertThat(plain).hasSize(100);
        }
    }

    /** Moves only when waited on; records every wait. */
    static final class FakeRetryClock implements EncryptionBudgets.RetryClock {
        final AtomicLong now = new AtomicLong();
        final List<Long> waits = new CopyOnWriteArrayList<>();

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public void sleep(long nanos) {
            waits.add(nanos);
            now.addAndGet(nanos);
        }
    }

    /**
     * Fault injection: while {@code changesLeft} is positive, every connection the ring opens first lets "another
     * process" add a primary version of {@code scope} (as a concurrent roll or an administrator would), so the
     * ring's next reservation under the version it just loaded is refused.
     */
    private ConnectionFactory keyChangingUnderEveryConnection(KeyScope scope, AtomicInteger changesLeft,
            KeyAdministration other) {
        return () -> {
            if (changesLeft.getAndDecrement() > 0) {
                try {
                    other.addVersion(scope);
                } catch (KeyException e) {
                    throw new SQLException(e);
                }
            }
            return DB.plainConnection();
        };
    }

    @Test
    void aKeyThatChangesUnderManyAttemptsIsRetriedUntilTheReservationIsGranted() throws Exception {
        KeyScope scope = KeyScope.encryption("public.contended", "*");
        AtomicInteger changesLeft = new AtomicInteger();
        FakeRetryClock clock = new FakeRetryClock();
        try (KeyAdministration other = builder().buildAdministration();
                KeyRing ring = builder(keyChangingUnderEveryConnection(scope, changesLeft, other))
                        .encryptionReservationBlock(2).reservationClock(clock).build()) {
            Aead aead = ring.aead(scope);
            aead.encrypt(utf8("1"), AD);
            aead.encrypt(utf8("2"), AD); // the block of 2 is used up
            changesLeft.set(12); // each attempt: one change before the reservation, one before the reload
            byte[] ct = aead.encrypt(utf8("3"), AD);

            assertThat(changesLeft.get()).as("every injected change was met").isNegative();
            assertThat(clock.waits).as("more retries than the 4 attempts that used to be the limit").hasSize(5);
            long[] row = row(scope);
            assertThat(keyId(ct)).as("encrypted under the version finally reserved").isEqualTo(row[0]);
            assertThat(row[1]).as("one block under it, nothing unreserved").isEqualTo(2);
            assertThat(ring.aead(scope).decrypt(ct, AD)).isEqualTo(utf8("3"));
        }
    }

    @Test
    void contentionOutlastingTheReservationTimeoutFailsTheEncryptionRetryablyAndEncryptsNothing() throws Exception {
        KeyScope scope = KeyScope.encryption("public.starved", "*");
        AtomicInteger changesLeft = new AtomicInteger();
        FakeRetryClock clock = new FakeRetryClock();
        Duration timeout = Duration.ofSeconds(1);
        try (KeyAdministration other = builder().buildAdministration();
                KeyRing ring = builder(keyChangingUnderEveryConnection(scope, changesLeft, other))
                        .encryptionReservationBlock(1).encryptionReservationTimeout(timeout).reservationClock(clock)
                        .build()) {
            Aead aead = ring.aead(scope);
            aead.encrypt(utf8("1"), AD);
            changesLeft.set(Integer.MAX_VALUE); // the key changes under every attempt, for ever
            assertThatThrownBy(() -> aead.encrypt(utf8("2"), AD))
                    .isInstanceOfSatisfying(KeyReservationException.class, e -> assertThat(e.keyException())
                            .isInstanceOf(KeyUnavailableException.class))
                    .hasMessageContaining(scope.toString())
                    .hasMessageContaining("within the reservation timeout PT1S")
                    .hasMessageContaining("nothing was encrypted");
            changesLeft.set(0);
        }
        assertThat(clock.waits).as("backoff waits, each at most 100 ms").isNotEmpty()
                .allMatch(w -> w > 0 && w <= TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(Duration.ofNanos(clock.now.get())).as("gave up before the deadline, never past it")
                .isLessThan(timeout);
        assertThat(row(scope)[1]).as("nothing reserved under the current primary").isZero();
    }

    @Test
    void aReservationAbortedByASerializationFailureIsRetried() throws Exception {
        KeyScope scope = KeyScope.encryption("public.serializable", "*");
        AtomicInteger opens = new AtomicInteger();
        ConnectionFactory serializable = () -> { // as with default_transaction_isolation = serializable
            Connection c = DB.plainConnection();
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            }
            opens.incrementAndGet();
            return c;
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (KeyRing ring = builder(serializable).encryptionReservationBlock(1).build();
                Connection blocker = DB.plainConnection()) {
            Aead aead = ring.aead(scope);
            aead.encrypt(utf8("1"), AD);
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) { // another transaction holds the row lock
                st.executeUpdate("UPDATE veil_data_keys SET updated_at = now() WHERE table_name = '" + scope.table()
                        + "'");
            }
            opens.set(0);
            Future<byte[]> encrypted = pool.submit(() -> aead.encrypt(utf8("2"), AD));
            awaitLockWaiter();
            blocker.commit(); // the waiting serializable UPDATE now fails with 40001
            byte[] ct = encrypted.get(60, TimeUnit.SECONDS);

            assertThat(opens.get()).as("the aborted reservation and its retry").isEqualTo(2);
            assertThat(row(scope)[1]).isEqualTo(2);
            assertThat(aead.decrypt(ct, AD)).isEqualTo(utf8("2"));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits (generously: this is a condition, not a race) until a backend of this database waits for a lock. */
    private void awaitLockWaiter() throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            Await.until("the reservation waits for the row lock", Duration.ofSeconds(60), () -> {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                        + DB.name() + "' AND wait_event_type = 'Lock'")) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            });
        }
    }

    @Test
    void aReservationThatCannotBeMadeFailsTheEncryptionRetryably() throws Exception {
        KeyScope scope = KeyScope.encryption("public.down", "*");
        AtomicBoolean down = new AtomicBoolean();
        ConnectionFactory flaky = () -> {
            if (down.get()) {
                throw new SQLException("connection refused", "08001");
            }
            return DB.plainConnection();
        };
        try (KeyRing ring = builder(flaky).encryptionReservationBlock(2).build()) {
            Aead aead = ring.aead(scope);
            long v = keyId(aead.encrypt(utf8("1"), AD));
            down.set(true);
            assertThat(keyId(aead.encrypt(utf8("2"), AD))).as("still inside the reserved block").isEqualTo(v);
            assertThatThrownBy(() -> aead.encrypt(utf8("3"), AD))
                    .isInstanceOfSatisfying(KeyReservationException.class, e -> assertThat(e.keyException())
                            .isInstanceOf(KeyUnavailableException.class))
                    .hasMessageContaining(scope.toString()).hasMessageContaining("08001");
            assertThatThrownBy(() -> ring.aead(scope).encrypt(utf8("4"), AD)).as("no unreserved encryption")
                    .isInstanceOf(KeyReservationException.class);
        }
        assertThat(row(scope)[1]).as("only the first block was reserved").isEqualTo(2);
        down.set(false);
        try (KeyRing ring = builder(flaky).encryptionReservationBlock(2).build()) {
            ring.aead(scope).encrypt(utf8("after"), AD);
        }
        assertThat(row(scope)[1]).isEqualTo(4);
    }

    @Test
    void addVersionResetsTheCountAndRingsMoveToTheNewPrimaryAtTheirNextReservation() throws Exception {
        KeyScope scope = KeyScope.encryption("public.rotated", "*");
        try (KeyRing ring = builder().encryptionReservationBlock(3).build()) {
            Aead aead = ring.aead(scope);
            long v1 = keyId(aead.encrypt(utf8("a"), AD));
            assertThat(row(scope)).containsExactly(v1, 3);
            KeyVersion v2;
            try (KeyAdministration admin = builder().buildAdministration()) {
                v2 = admin.addVersion(scope);
            }
            assertThat(row(scope)).containsExactly(v2.id(), 0);
            assertThat(keyId(aead.encrypt(utf8("b"), AD))).as("reserved block of v1").isEqualTo(v1);
            assertThat(keyId(aead.encrypt(utf8("c"), AD))).isEqualTo(v1);
            assertThat(keyId(aead.encrypt(utf8("d"), AD))).as("v1 refused: reloaded").isEqualTo(v2.id());
            assertThat(keyId(ring.aead(scope).encrypt(utf8("e"), AD))).isEqualTo(v2.id());
            assertThat(row(scope)).containsExactly(v2.id(), 3);
        }
    }

    @Test
    void xaesKeysAreNotCounted() throws Exception {
        KeyScope scope = KeyScope.encryption("public.xaes", "*");
        Events events = new Events();
        try (KeyRing ring = builder().encryptionTemplate(EncryptionTemplate.XAES_256_GCM)
                .encryptionReservationBlock(1).maxEncryptionsPerKeyVersion(1).listener(events).build()) {
            for (int i = 0; i < 5; i++) {
                ring.aead(scope).encrypt(utf8("v"), AD);
            }
        }
        assertThat(row(scope)[1]).isZero();
        assertThat(events.reservations.sum()).isZero();
        assertThat(events.rolls).isEmpty();
    }

    @Test
    void aKeyTableFromAnEarlierVeilGainsTheReservationColumn() throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE old_keys (table_name text NOT NULL, key_name text NOT NULL,"
                    + " purpose text NOT NULL, master_key_id text NOT NULL, wrapped_keyset bytea NOT NULL,"
                    + " format smallint NOT NULL, primary_version bigint NOT NULL, revision bigint NOT NULL DEFAULT 1,"
                    + " created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (table_name, key_name, purpose))");
        }
        KeyScope scope = KeyScope.encryption("public.upgraded", "*");
        try (KeyRing ring = builder().keyTable("old_keys").build()) {
            ring.aead(scope).encrypt(utf8("v"), AD);
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT encryptions_reserved FROM old_keys")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(KeyRingBuilder.DEFAULT_ENCRYPTION_RESERVATION_BLOCK);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
