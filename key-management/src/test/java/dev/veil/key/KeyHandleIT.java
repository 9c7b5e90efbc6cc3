package dev.veil.key;

import static dev.veil.testing.TinkCiphertexts.keyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link KeyHandle} answers exactly as the ring's {@code aead}/{@code prf} would at each moment: it skips the
 * cache lookup only while nothing in the ring changed, and follows every change the ring makes — a refresh after a
 * version was added elsewhere, an invalidation, a reload on demand, a roll, closing.
 */
class KeyHandleIT {

    private static final byte[] AD = new byte[0];
    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();

    private static KeyRingBuilder builder(String table, FakeTicker ticker) {
        return DB.ringBuilder().keyTable(table).ticker(ticker).refreshExecutor(Runnable::run);
    }


    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHandleAnswersAsTheRingDoesThroughRefreshInvalidationAndReload() throws Exception {
        String table = "handle_" + TABLES.incrementAndGet();
        FakeTicker ticker = new FakeTicker();
        CountingListener listener = new CountingListener();
        KeyScope scope = KeyScope.tableEncryption("public.patients");
        try (KeyRing ring = builder(table, ticker).listener(listener).build();
                KeyAdministration admin = builder(table, ticker).buildAdministration()) {
            KeyHandle<Aead> handle = ring.aeadHandle(scope);
            Aead first = handle.get();
            assertThat(first).isSameAs(ring.aead(scope));
            byte[] old = first.encrypt(utf8("old"), AD);
            long hitsBefore = listener.hits.sum();
            for (int i = 0; i < 1_000; i++) {
                assertThat(handle.get()).isSameAs(first);
            }
            assertThat(listener.hits.sum() - hitsBefore).as("a handle's answers count as cache hits")
                    .isEqualTo(1_000);

            KeyVersion added = admin.addVersion(scope); // another process adds a primary version
            assertThat(handle.get()).as("still cached, as the ring serves it").isSameAs(first);
            ticker.advance(Duration.ofMinutes(4).plusSeconds(1)); // refresh-ahead: the ring reloads the keyset
            handle.get();
            Aead refreshed = handle.get();
            assertThat(refreshed).isNotSameAs(first).isSameAs(ring.aead(scope));
            assertThat(keyId(refreshed.encrypt(utf8("new"), AD))).isEqualTo(added.id());
            assertThat(refreshed.decrypt(old, AD)).isEqualTo(utf8("old"));

            ring.invalidate(scope);
            Aead reloaded = handle.get();
            assertThat(reloaded).isNotSameAs(refreshed).isSameAs(ring.aead(scope));

            Aead onDemand = ring.reloadAead(scope, reloaded); // a reader that met a version it lacked
            assertThat(onDemand).isNotSameAs(reloaded);
            assertThat(handle.get()).isSameAs(onDemand);

            ring.invalidateAll();
            assertThat(handle.get()).isNotSameAs(onDemand).isSameAs(ring.aead(scope));
        }
    }

    @Test
    void aHandleFollowsARollOfTheKeyItServed() throws Exception {
        String table = "handle_" + TABLES.incrementAndGet();
        KeyScope scope = KeyScope.tableEncryption("public.rolled");
        try (KeyRing ring = builder(table, new FakeTicker()).maxEncryptionsPerKeyVersion(4)
                .encryptionReservationBlock(2).build()) {
            KeyHandle<Aead> handle = ring.aeadHandle(scope);
            long firstId = keyId(handle.get().encrypt(utf8("v"), AD));
            long lastId = firstId;
            for (int i = 0; i < 5; i++) {
                lastId = keyId(handle.get().encrypt(utf8("v"), AD));
            }
            assertThat(lastId).as("the version was used up and rolled").isNotEqualTo(firstId);
            assertThat(handle.get()).isSameAs(ring.aead(scope));
            assertThat(keyId(handle.get().encrypt(utf8("v"), AD))).isEqualTo(lastId);
        }
    }

    @Test
    void aPrfHandleServesTheIndexKeyAndAHandleOfTheWrongPurposeIsRefusedAsTheRingRefusesIt() throws Exception {
        String table = "handle_" + TABLES.incrementAndGet();
        KeyScope index = KeyScope.blindIndex("public.patients", "email_bidx");
        KeyScope encryption = KeyScope.tableEncryption("public.patients");
        try (KeyRing ring = builder(table, new FakeTicker()).build()) {
            KeyHandle<PrfSet> prf = ring.prfHandle(index);
            assertThat(prf.get()).isSameAs(ring.prf(index)).isSameAs(prf.get());
            assertThatThrownBy(() -> ring.aeadHandle(index).get()).isInstanceOf(KeyException.class)
                    .hasMessageContaining("needs an encryption scope");
            assertThatThrownBy(() -> ring.prfHandle(encryption).get()).isInstanceOf(KeyException.class)
                    .hasMessageContaining("needs a blind-index scope");
            assertThat(ring.aeadHandle(encryption).toString()).isEqualTo("KeyHandle[" + encryption + "]");
        }
    }

    @Test
    void aHandleOfAClosedRingServesNothing() throws Exception {
        String table = "handle_" + TABLES.incrementAndGet();
        KeyScope scope = KeyScope.tableEncryption("public.closed");
        KeyRing ring = builder(table, new FakeTicker()).build();
        KeyHandle<Aead> handle = ring.aeadHandle(scope);
        handle.get();
        ring.close();
        assertThatThrownBy(handle::get).isInstanceOf(KeyException.class).hasMessageContaining("closed");
    }
}
