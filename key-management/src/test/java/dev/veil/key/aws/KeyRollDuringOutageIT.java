package dev.veil.key.aws;

import static dev.veil.testing.TinkCiphertexts.keyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.CountingListener;
import dev.veil.key.FakeTicker;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyReservationException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingBuilder;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyUnavailableException;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key version change met while the KMS is down (docs/soak.md, docs/failures.md): the ring loads the new keyset as a
 * refresh, not an invalidation, so the cached keyset keeps decrypting everything it can; only what needs the new
 * keyset fails, retryably, and encryptions fail once the block already reserved is used up — never unreserved. The
 * ring that rolls a key caches the keyset it wrote instead of unwrapping it again. Against {@link FakeKmsServer}
 * through the AWS SDK, with the key table in the real PostgreSQL; time (the retry backoff) moves by a fake ticker.
 */
class KeyRollDuringOutageIT {

    private static final byte[] AD = "veil/1:t.c".getBytes(StandardCharsets.UTF_8);
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static FakeKmsServer kms;
    String arn;
    String keyTable;

    @BeforeAll
    static void startAll() throws Exception {
        kms = FakeKmsServer.start();
        kms.warmUp();
    }

    @AfterAll
    static void stopAll() {
        kms.close();
    }

    @BeforeEach
    void setUp() {
        arn = kms.createKey();
        keyTable = "keys_" + TABLES.incrementAndGet();
    }

    @AfterEach
    void heal() throws Exception {
        kms.fault(FakeKmsServer.Fault.NONE);
        kms.restart();
    }

    /** Long TTL (no refresh of its own in these tests), tiny limits so that keys roll within a few encryptions. */
    private KeyRingBuilder ring(FakeTicker ticker, CountingListener listener, ConnectionFactory connections) {
        return KeyRing.builder()
                .masterKey(FakeKmsServer.uri(arn))
                .masterKeyOptions(kms.options())
                .database(DB.name())
                .connections(connections)
                .keyTable(keyTable)
                .ticker(ticker)
                .listener(listener)
                .refreshExecutor(Runnable::run)
                .cacheTtl(Duration.ofMinutes(10))
                .retryBackoff(BACKOFF)
                .maxEncryptionsPerKeyVersion(6)
                .encryptionReservationBlock(2);
    }

    private void outage(String kind) {
        if (kind.equals("REFUSED")) {
            kms.stop();
        } else {
            kms.fault(FakeKmsServer.Fault.valueOf(kind));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"REFUSED", "INTERNAL_ERROR", "THROTTLING"})
    void aKeyRolledByAnotherRingDuringAnOutageLeavesTheCachedKeysetDecryptingAndFailsOnlyWhatNeedsTheNewOne(
            String kind) throws Exception {
        KeyScope scope = KeyScope.encryption("public.rolled", "*");
        FakeTicker ticker = new FakeTicker();
        CountingListener listener = new CountingListener();
        AtomicInteger opened = new AtomicInteger();
        ConnectionFactory counted = () -> {
            opened.incrementAndGet();
            return DB.plainConnection();
        };
        try (KeyRing a = ring(ticker, listener, counted).build();
                KeyRing b = ring(new FakeTicker(), new CountingListener(), DB::plainConnection).build()) {
            byte[] first = a.aead(scope).encrypt(utf8("first"), AD); // a reserves a block of 2 under v1
            long v1 = keyId(first);
            byte[] written;
            do { // b writes until it rolls the key: a new primary version a has not seen
                written = b.aead(scope).encrypt(utf8("rolled by b"), AD);
            } while (keyId(written) == v1);
            byte[] rolled = written;
            long v2 = keyId(rolled);

            outage(kind);
            Aead cached = a.aead(scope);
            byte[] second = cached.encrypt(utf8("second"), AD);
            assertThat(keyId(second)).as("the block a reserved before the roll is still a's to use").isEqualTo(v1);
            assertThatThrownBy(() -> cached.encrypt(utf8("unreserved"), AD)).as("nothing encrypted unreserved")
                    .isInstanceOfSatisfying(KeyReservationException.class, e -> assertThat(e.keyException())
                            .isInstanceOf(KeyUnavailableException.class).hasMessageContaining(scope.toString())
                            .hasMessageContaining(arn));
            assertThat(a.aead(scope)).as("the cached keyset is kept, not invalidated").isSameAs(cached);
            assertThat(a.aead(scope).decrypt(first, AD)).isEqualTo(utf8("first"));
            assertThat(a.aead(scope).decrypt(second, AD)).isEqualTo(utf8("second"));
            assertThatThrownBy(() -> a.aead(scope).decrypt(rolled, AD)).as("v2 is not in a's keyset yet")
                    .isInstanceOf(GeneralSecurityException.class);
            Aead stale = a.aead(scope);
            assertThatThrownBy(() -> a.reloadAead(scope, stale)).isInstanceOf(KeyUnavailableException.class);
            assertThat(a.health().degraded()).isTrue();

            int before = opened.get();
            assertThatThrownBy(() -> a.aead(scope).encrypt(utf8("again"), AD))
                    .isInstanceOf(KeyReservationException.class);
            assertThat(opened.get()).as("within the backoff the superseded version is not reserved again").isEqualTo(
                    before);

            heal();
            ticker.advance(BACKOFF);
            byte[] after = a.aead(scope).encrypt(utf8("after"), AD);
            assertThat(keyId(after)).isEqualTo(v2);
            assertThat(a.aead(scope).decrypt(rolled, AD)).isEqualTo(utf8("rolled by b"));
            assertThat(a.aead(scope).decrypt(first, AD)).isEqualTo(utf8("first"));
            assertThat(b.aead(scope).decrypt(after, AD)).isEqualTo(utf8("after"));
        }
    }

    @Test
    void aVersionAddedByAnAdministratorIsPickedUpOnDemandWhileTheCachedKeysetKeepsServingDuringTheOutage()
            throws Exception {
        KeyScope scope = KeyScope.encryption("public.added", "*");
        FakeTicker ticker = new FakeTicker();
        try (KeyRing a = ring(ticker, new CountingListener(), DB::plainConnection).build();
                KeyRing b = ring(new FakeTicker(), new CountingListener(), DB::plainConnection).build()) {
            byte[] first = a.aead(scope).encrypt(utf8("first"), AD);
            try (KeyAdministration admin = ring(new FakeTicker(), new CountingListener(), DB::plainConnection)
                    .buildAdministration()) {
                admin.addVersion(scope);
            }
            byte[] fresh = b.aead(scope).encrypt(utf8("under the new version"), AD);

            kms.fault(FakeKmsServer.Fault.INTERNAL_ERROR);
            Aead stale = a.aead(scope);
            assertThatThrownBy(() -> a.reloadAead(scope, stale)).isInstanceOf(KeyUnavailableException.class);
            assertThat(a.aead(scope).decrypt(first, AD)).as("still cached").isEqualTo(utf8("first"));

            heal();
            ticker.advance(BACKOFF);
            Aead reloaded = a.reloadAead(scope, stale);
            assertThat(reloaded).isNotSameAs(stale);
            assertThat(reloaded.decrypt(fresh, AD)).isEqualTo(utf8("under the new version"));
            assertThat(a.reloadAead(scope, stale)).as("already reloaded: no second load").isSameAs(reloaded);
        }
    }

    @Test
    void theRingThatRollsAKeyCachesTheKeysetItWroteInsteadOfUnwrappingItAgain() throws Exception {
        KeyScope scope = KeyScope.encryption("public.own_roll", "*");
        CountingListener listener = new CountingListener();
        try (KeyRing a = ring(new FakeTicker(), listener, DB::plainConnection).build()) {
            long v1 = keyId(a.aead(scope).encrypt(utf8("0"), AD));
            kms.resetCounts();
            long v = v1;
            int n = 1;
            while (v == v1) {
                v = keyId(a.aead(scope).encrypt(utf8(String.valueOf(n++)), AD));
            }
            assertThat(n).as("rolled at the limit of 6").isEqualTo(7);
            assertThat(kms.calls("Decrypt")).as("the roll unwraps the stored keyset once").isEqualTo(1);
            assertThat(kms.calls("Encrypt")).as("and wraps the new one").isEqualTo(1);
            assertThat(listener.loads.sum()).as("no reload after the roll").isEqualTo(1);
        }
    }

    @Test
    void aRollThatFailsForWantOfTheKmsFailsFastWithinTheBackoffAndTheCachedKeysetKeepsDecrypting() throws Exception {
        KeyScope scope = KeyScope.encryption("public.failed_roll", "*");
        FakeTicker ticker = new FakeTicker();
        try (KeyRing a = ring(ticker, new CountingListener(), DB::plainConnection).build()) {
            byte[] first = a.aead(scope).encrypt(utf8("first"), AD);
            for (int i = 1; i < 6; i++) { // the limit of 6 is used up
                a.aead(scope).encrypt(utf8(String.valueOf(i)), AD);
            }
            kms.fault(FakeKmsServer.Fault.INTERNAL_ERROR);
            kms.resetCounts();
            assertThatThrownBy(() -> a.aead(scope).encrypt(utf8("needs a roll"), AD))
                    .isInstanceOf(KeyReservationException.class).hasMessageContaining(scope.toString());
            int calls = kms.totalCalls();
            assertThat(calls).isPositive();
            assertThatThrownBy(() -> a.aead(scope).encrypt(utf8("again"), AD))
                    .isInstanceOf(KeyReservationException.class);
            assertThat(kms.totalCalls()).as("the next roll waits for the backoff").isEqualTo(calls);
            assertThat(a.aead(scope).decrypt(first, AD)).isEqualTo(utf8("first"));

            heal();
            ticker.advance(BACKOFF);
            byte[] rolled = a.aead(scope).encrypt(utf8("rolled"), AD);
            assertThat(keyId(rolled)).isNotEqualTo(keyId(first));
            assertThat(a.aead(scope).decrypt(first, AD)).isEqualTo(utf8("first"));
        }
    }


    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
