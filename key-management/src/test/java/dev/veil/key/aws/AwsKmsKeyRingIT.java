package dev.veil.key.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.veil.key.CountingListener;
import dev.veil.key.FakeTicker;
import dev.veil.key.KeyAccessDeniedException;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingBuilder;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyUnavailableException;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AwsKmsKeyRingIT {

    private static final byte[] AD = new byte[0];
    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static FakeKmsServer kms;
    String arn;
    String keyTable;
    FakeTicker ticker;
    CountingListener listener;

    @BeforeAll
    static void startAll() throws Exception {
        kms = FakeKmsServer.start();
        kms.warmUp(); // the SDK's cold start is paid here, not inside the first test's call
    }

    @AfterAll
    static void stopAll() {
        kms.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        kms.restart();
        kms.fault(FakeKmsServer.Fault.NONE);
        arn = kms.createKey();
        keyTable = "keys_" + TABLES.incrementAndGet();
        ticker = new FakeTicker();
        listener = new CountingListener();
        kms.resetCounts();
    }

    @AfterEach
    void clearFaults() throws Exception {
        kms.fault(FakeKmsServer.Fault.NONE);
        kms.restart();
    }

    /** Generous KMS timeouts: for every test that is not about a timeout. */
    private KeyRingBuilder builder(String keyArn) {
        return builder(keyArn, kms.options());
    }

    private KeyRingBuilder builder(String keyArn, java.util.Map<String, String> kmsOptions) {
        return KeyRing.builder()
                .masterKey(FakeKmsServer.uri(keyArn))
                .masterKeyOptions(kmsOptions)
                .database(DB.name())
                .connections(DB::plainConnection)
                .keyTable(keyTable)
                .ticker(ticker)
                .listener(listener)
                .refreshExecutor(Runnable::run);
    }

    private static List<KeyScope> scopes(String table, int n) {
        List<KeyScope> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(KeyScope.encryption(table, "c" + i));
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void warmCacheServesHundredThousandCallsOverTenScopesWithoutKmsCalls() throws Exception {
        List<KeyScope> scopes = scopes("public.warm", 10);
        try (KeyRing ring = builder(arn).build()) {
            for (KeyScope s : scopes) {
                ring.aead(s);
            }
            assertThat(kms.calls("Encrypt")).isEqualTo(10);
            kms.resetCounts();
            for (int i = 0; i < 100_000; i++) {
                assertThat(ring.aead(scopes.get(i % 10))).isNotNull();
            }
            assertThat(kms.totalCalls()).isZero();
            assertThat(listener.hits.sum()).isEqualTo(100_000);
        }
    }

    @Test
    void sixteenThreadsOnFiftyColdScopesUnwrapEachDataKeyOnce() throws Exception {
        List<KeyScope> scopes = scopes("public.cold", 50);
        try (KeyRing creator = builder(arn).build()) {
            hammer(creator, scopes);
        }
        assertThat(kms.calls("Encrypt")).as("one wrap per new data key").isEqualTo(50);
        assertThat(kms.calls("Decrypt")).isZero();
        kms.resetCounts();
        try (KeyRing ring = builder(arn).build()) {
            hammer(ring, scopes);
        }
        assertThat(kms.calls("Decrypt")).as("one unwrap per data key").isEqualTo(50);
        assertThat(kms.calls("Encrypt")).isZero();
    }

    private static void hammer(KeyRing ring, List<KeyScope> scopes) throws Exception {
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<KeyScope> order = new ArrayList<>(scopes);
                Collections.shuffle(order);
                done.add(pool.submit(() -> {
                    start.await();
                    for (KeyScope s : order) {
                        Aead a = ring.aead(s);
                        a.decrypt(a.encrypt(utf8("x"), AD), AD);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"REFUSED", "INTERNAL_ERROR", "THROTTLING", "HANG"})
    void outageServesCachedKeysWithinMaxStalenessThenFailsThenRecovers(String kind) throws Exception {
        KeyScope ssn = KeyScope.encryption("public.patients", "ssn");
        // a hung KMS is ended only by the client's timeout: the short one; other outages answer at once
        java.util.Map<String, String> kmsOptions = kind.equals("HANG") ? kms.timeoutOptions() : kms.options();
        try (KeyRing ring = builder(arn, kmsOptions).cacheTtl(Duration.ofMinutes(5)).refreshAhead(Duration.ofMinutes(1))
                .maxStaleness(Duration.ofHours(1)).retryBackoff(Duration.ofSeconds(1)).build()) {
            byte[] before = ring.aead(ssn).encrypt(utf8("before"), AD);

            if (kind.equals("REFUSED")) {
                kms.stop();
            } else {
                kms.fault(FakeKmsServer.Fault.valueOf(kind));
            }
            ticker.advance(Duration.ofSeconds(270)); // refresh-ahead window: background refresh fails
            steadyTraffic(ring, ssn);
            assertThat(ring.health().degraded()).isTrue();

            ticker.advance(Duration.ofMinutes(2)); // past the TTL: stale-if-error
            steadyTraffic(ring, ssn);
            byte[] during = ring.aead(ssn).encrypt(utf8("during"), AD);
            assertThat(listener.staleServes.sum()).isPositive();
            assertThat(ring.health().staleServes()).isPositive();

            ticker.advance(Duration.ofMinutes(57)); // 1 h 4 min 30 s: still within maxStaleness
            steadyTraffic(ring, ssn);

            ticker.advance(Duration.ofMinutes(2)); // beyond TTL + maxStaleness
            long start = System.nanoTime();
            assertThatThrownBy(() -> ring.aead(ssn)).isInstanceOf(KeyUnavailableException.class)
                    .hasMessageContaining(arn).hasMessageContaining("public.patients.ssn/encryption")
                    .satisfies(e -> {
                        if (kind.equals("HANG")) { // the server never answered: the client's timeout ended it
                            assertThat(e).hasMessageContaining("timed out (api-call-timeout PT1S)");
                        }
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the client, not by the server")
                    .isLessThan(FakeKmsServer.maxHang().dividedBy(2));
            assertThatThrownBy(() -> ring.aead(ssn)).as("remembered during the retry backoff")
                    .isInstanceOf(KeyUnavailableException.class);

            kms.restart();
            kms.fault(FakeKmsServer.Fault.NONE);
            ticker.advance(Duration.ofSeconds(2));
            Aead recovered = ring.aead(ssn);
            assertThat(recovered.decrypt(during, AD)).isEqualTo(utf8("during"));
            assertThat(recovered.decrypt(before, AD)).isEqualTo(utf8("before"));
            assertThat(ring.health().degraded()).isFalse();
        }
    }

    /**
     * A crowd on a cold key while the KMS fails: one thread loads, the others wait for it and then find its failure
     * remembered. They fail fast with that failure; they must not record it again — which restarted the retry
     * backoff and appended "(remembered; …)" to the remembered message once per waiting thread (SoakIT saw six).
     */
    @Test
    void aCrowdWaitingOnAFailedLoadDoesNotRecordTheRememberedFailureAgain() throws Exception {
        KeyScope scope = KeyScope.encryption("public.crowd", "*");
        kms.fault(FakeKmsServer.Fault.INTERNAL_ERROR);
        int threads = 16;
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        try (KeyRing ring = builder(arn).retryBackoff(Duration.ofSeconds(1)).build()) {
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        try {
                            ring.aead(scope);
                        } catch (KeyUnavailableException e) {
                            messages.add(e.getMessage());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThatThrownBy(() -> ring.aead(scope)).isInstanceOf(KeyUnavailableException.class)
                    .satisfies(e -> messages.add(e.getMessage()));
        }
        assertThat(messages).hasSize(threads + 1).allSatisfy(m -> assertThat(m.split("\\(remembered", -1))
                .as("remembered once at most: %s", m).hasSizeLessThanOrEqualTo(2));
        assertThat(listener.loadFailures.sum()).as("failures recorded: one per master-key call that failed")
                .isEqualTo(listener.masterKeyCalls.size()).isPositive();
    }

    private static void steadyTraffic(KeyRing ring, KeyScope scope) throws Exception {
        for (int i = 0; i < 1_000; i++) {
            Aead a = ring.aead(scope);
            if (i % 250 == 0) {
                a.decrypt(a.encrypt(utf8("v" + i), AD), AD);
            }
        }
    }

    @Test
    void throttlingIsRetried() throws Exception {
        kms.failNext(FakeKmsServer.Fault.THROTTLING, 1);
        try (KeyRing ring = builder(arn).build()) {
            ring.aead(KeyScope.encryption("public.t", "a"));
        }
        assertThat(kms.calls("Encrypt")).isEqualTo(2);
        assertThat(listener.masterKeyCalls).containsExactly("wrap:SUCCESS");
    }

    @Test
    void accessDeniedNamesTheKeyArn() throws Exception {
        kms.fault(FakeKmsServer.Fault.ACCESS_DENIED);
        try (KeyRing ring = builder(arn).build()) {
            assertThatThrownBy(() -> ring.aead(KeyScope.encryption("public.t", "a")))
                    .isInstanceOf(KeyAccessDeniedException.class)
                    .hasMessageContaining(arn)
                    .hasMessageContaining("AccessDeniedException")
                    .hasMessageNotContaining("fake-secret");
        }
        assertThat(listener.masterKeyCalls).containsExactly("wrap:ACCESS_DENIED");
    }

    @Test
    void disabledKeyDropsTheCachedKeyAtRefresh() throws Exception {
        KeyScope scope = KeyScope.encryption("public.t", "a");
        try (KeyRing ring = builder(arn).build()) {
            ring.aead(scope);
            kms.disableKey(arn);
            ticker.advance(Duration.ofMinutes(4).plusSeconds(30));
            ring.aead(scope); // served; the background refresh is refused
            assertThatThrownBy(() -> ring.aead(scope)).isInstanceOf(KeyAccessDeniedException.class)
                    .hasMessageContaining("DisabledException").hasMessageContaining(arn);
        } finally {
            kms.enableKey(arn);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"REFUSED", "HANG"})
    void coldStartWithKmsDownFailsWithinTheTimeout(String kind) throws Exception {
        try (KeyRing creator = builder(arn).build()) {
            creator.aead(KeyScope.encryption("public.t", "a"));
        }
        if (kind.equals("REFUSED")) {
            kms.stop();
        } else {
            kms.fault(FakeKmsServer.Fault.HANG);
        }
        try (KeyRing ring = builder(arn, kms.timeoutOptions()).build()) { // building makes no KMS call
            long start = System.nanoTime();
            assertThatThrownBy(() -> ring.aead(KeyScope.encryption("public.t", "a")))
                    .isInstanceOf(KeyUnavailableException.class)
                    .hasMessageContaining(arn)
                    .hasMessageContaining("retry later")
                    .satisfies(e -> {
                        if (kind.equals("HANG")) { // the server never answered: the client's timeout ended it
                            assertThat(e).hasMessageContaining("timed out (api-call-timeout PT1S)");
                        }
                    });
            // generous: a hung request is held for maxHang(), so only the client's timeout ends the call sooner
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FakeKmsServer.maxHang().dividedBy(2));
            assertThat(ring.health().degraded()).isTrue();
        }
    }

    @Test
    void rewrapMovesEveryKeyToTheNewMasterKeyWithoutTouchingCiphertexts() throws Exception {
        List<KeyScope> scopes = scopes("public.rot", 5);
        scopes.add(KeyScope.blindIndex("public.rot", "c0_bidx"));
        List<byte[]> cts = new ArrayList<>();
        try (KeyRing ring = builder(arn).build()) {
            for (KeyScope s : scopes.subList(0, 5)) {
                cts.add(ring.aead(s).encrypt(utf8(s.name()), AD));
            }
            ring.prf(scopes.get(5));
        }
        String newArn = kms.createKey();
        try (KeyAdministration admin = builder(arn).buildAdministration()) {
            assertThat(admin.rewrap(FakeKmsServer.uri(newArn))).isEqualTo(6);
            assertThat(admin.rewrap(FakeKmsServer.uri(newArn))).as("idempotent").isZero();
        }
        kms.deleteKey(arn);
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT DISTINCT master_key_id FROM " + keyTable)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("aws-kms://" + newArn);
            assertThat(rs.next()).isFalse();
        }
        try (KeyRing ring = builder(newArn).build()) {
            for (int i = 0; i < 5; i++) {
                assertThat(ring.aead(scopes.get(i)).decrypt(cts.get(i), AD)).isEqualTo(utf8(scopes.get(i).name()));
            }
            ring.prf(scopes.get(5));
        }
        try (KeyRing old = builder(arn).build()) {
            assertThatThrownBy(() -> old.aead(scopes.get(0))).isInstanceOf(KeyException.class)
                    .hasMessageContaining("aws-kms://" + newArn).hasMessageContaining("previousMasterKey");
        }
    }

    @Test
    void previousMasterKeyStillUnwrapsWhileNewKeysUseTheNewOne() throws Exception {
        KeyScope old = KeyScope.encryption("public.prev", "old");
        byte[] ct;
        try (KeyRing ring = builder(arn).build()) {
            ct = ring.aead(old).encrypt(utf8("x"), AD);
        }
        String newArn = kms.createKey();
        try (KeyRing ring = builder(newArn).previousMasterKey(FakeKmsServer.uri(arn)).build()) {
            assertThat(ring.aead(old).decrypt(ct, AD)).isEqualTo(utf8("x"));
            ring.aead(KeyScope.encryption("public.prev", "new"));
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT master_key_id FROM " + keyTable + " WHERE key_name = 'new'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("aws-kms://" + newArn);
        }
    }

    @Test
    void twoRingsRacingForTheSameScopesEndUpWithOneKeysetEach() throws Exception {
        List<KeyScope> scopes = scopes("public.race", 20);
        try (KeyRing a = builder(arn).build(); KeyRing b = builder(arn).build()) {
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<byte[]>>> results = new ArrayList<>();
                for (KeyRing ring : List.of(a, b)) {
                    results.add(pool.submit(() -> {
                        start.await();
                        List<byte[]> out = new ArrayList<>();
                        for (KeyScope s : scopes) {
                            out.add(ring.aead(s).encrypt(utf8(s.name()), AD));
                        }
                        return out;
                    }));
                }
                List<byte[]> fromA = results.get(0).get();
                List<byte[]> fromB = results.get(1).get();
                for (int i = 0; i < scopes.size(); i++) {
                    assertThat(b.aead(scopes.get(i)).decrypt(fromA.get(i), AD)).isEqualTo(utf8("c" + i));
                    assertThat(a.aead(scopes.get(i)).decrypt(fromB.get(i), AD)).isEqualTo(utf8("c" + i));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + keyTable)) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(20);
        }
    }

    @Test
    void tamperedOrMovedWrappedKeysFailWithAClearKeyException() throws Exception {
        KeyScope a = KeyScope.encryption("public.tamper", "a");
        KeyScope b = KeyScope.encryption("public.tamper", "b");
        try (KeyRing ring = builder(arn).build()) {
            ring.aead(a);
            ring.aead(b);
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            // give b the wrapped key of another scope: its context differs
            st.execute("UPDATE " + keyTable + " SET wrapped_keyset = (SELECT wrapped_keyset FROM " + keyTable
                    + " WHERE key_name = 'a') WHERE key_name = 'b'");
            // then flip a bit of a's stored bytes (inside the KMS blob)
            st.execute("UPDATE " + keyTable + " SET wrapped_keyset = set_byte(wrapped_keyset, 20, "
                    + "get_byte(wrapped_keyset, 20) # 1) WHERE key_name = 'a'");
        }
        try (KeyRing ring = builder(arn).build()) {
            assertThatThrownBy(() -> ring.aead(a)).isExactlyInstanceOf(KeyException.class)
                    .hasMessageContaining("public.tamper.a/encryption");
            assertThatThrownBy(() -> ring.aead(b)).isExactlyInstanceOf(KeyException.class)
                    .hasMessageContaining("public.tamper.b/encryption");
        }
    }

    @Test
    void aliasArnsWork() throws Exception {
        String alias = kms.createAlias("veil-test-" + TABLES.get(), arn);
        KeyScope s = KeyScope.encryption("public.alias", "a");
        byte[] ct;
        try (KeyRing ring = builder(alias).build()) {
            ct = ring.aead(s).encrypt(utf8("x"), AD);
        }
        try (KeyRing ring = builder(alias).build()) {
            assertThat(ring.aead(s).decrypt(ct, AD)).isEqualTo(utf8("x"));
        }
    }

    @Test
    void badAwsOptionsAreRefusedAtBuild() {
        assertThatThrownBy(() -> builder("arn:aws:kms:eu-west-1:1:key/x").build())
                .isInstanceOf(KeyException.class).hasMessageContaining("ARN");
        assertThatThrownBy(() -> builder(arn).masterKeyOptions(java.util.Map.of("api-call-timeout", "2s")).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("api-call-timeout").hasMessageContaining("2s");
        assertThatThrownBy(() -> builder(arn).masterKeyOptions(java.util.Map.of("endpoint",
                "http://user:pw@127.0.0.1:1")).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("endpoint").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> builder(arn).masterKeyOptions(java.util.Map.of("secret", "x")).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("'secret'");
    }
}
