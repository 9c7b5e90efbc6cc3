package dev.veil.key;

import static dev.veil.testing.TinkCiphertexts.keyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.veil.testing.TestDatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyAdministrationIT {

    private static final byte[] AD = new byte[0];
    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();

    private static KeyRingBuilder builder(String table, FakeTicker ticker) {
        return DB.ringBuilder().keyTable(table).ticker(ticker).refreshExecutor(Runnable::run);
    }


    @Test
    void addingAVersionToABlindIndexKeyIsRefusedAndPointsToTheOnlineRotation() throws Exception {
        String table = "admin_" + TABLES.incrementAndGet();
        KeyScope scope = KeyScope.blindIndex("public.patients", "email_bidx");
        try (KeyRing ring = builder(table, new FakeTicker()).build();
                KeyAdministration admin = builder(table, new FakeTicker()).buildAdministration()) {
            ring.prf(scope);
            assertThatThrownBy(() -> admin.addVersion(scope))
                    .isInstanceOf(KeyException.class).hasMessageContaining("searches would silently miss")
                    .hasMessageContaining("veil rotate index-key --index public.patients.email_bidx");
            assertThat(admin.versions(scope)).hasSize(1);
        }
    }

    @Test
    void newPrimaryVersionIsUsedAfterRefreshAndOldValuesStillDecrypt() throws Exception {
        String table = "admin_" + TABLES.incrementAndGet();
        FakeTicker ticker = new FakeTicker();
        KeyScope scope = KeyScope.encryption("public.patients", "ssn");
        try (KeyRing ring = builder(table, ticker).build();
                KeyAdministration admin = builder(table, ticker).buildAdministration()) {
            byte[] old = ring.aead(scope).encrypt("old".getBytes(), AD);
            List<KeyVersion> v1 = admin.versions(scope);
            assertThat(v1).singleElement().satisfies(v -> {
                assertThat(v.primary()).isTrue();
                assertThat(v.id()).isEqualTo(keyId(old));
            });

            KeyVersion added = admin.addVersion(scope);
            assertThat(added.primary()).isTrue();
            assertThat(admin.versions(scope)).hasSize(2);

            // still cached: the old primary
            assertThat(keyId(ring.aead(scope).encrypt("x".getBytes(), AD))).isEqualTo(v1.get(0).id());
            ticker.advance(Duration.ofMinutes(4).plusSeconds(1)); // refresh-ahead picks up the new version
            ring.aead(scope);
            Aead refreshed = ring.aead(scope);
            byte[] fresh = refreshed.encrypt("new".getBytes(), AD);
            assertThat(keyId(fresh)).isEqualTo(added.id());
            assertThat(refreshed.decrypt(old, AD)).isEqualTo("old".getBytes());

            assertThatThrownBy(() -> admin.disableVersion(scope, added.id())).isInstanceOf(KeyException.class)
                    .hasMessageContaining("primary");
            assertThatThrownBy(() -> admin.disableVersion(scope, 42)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("no version 42");
            admin.disableVersion(scope, v1.get(0).id());
            assertThat(admin.versions(scope)).extracting(KeyVersion::state)
                    .containsExactly(KeyVersion.State.DISABLED, KeyVersion.State.ENABLED);
            ring.invalidate(scope);
            assertThatThrownBy(() -> ring.aead(scope).decrypt(old, AD))
                    .isInstanceOf(java.security.GeneralSecurityException.class);
            assertThat(ring.aead(scope).decrypt(fresh, AD)).isEqualTo("new".getBytes());

            admin.enableVersion(scope, v1.get(0).id());
            ring.invalidateAll();
            assertThat(ring.aead(scope).decrypt(old, AD)).isEqualTo("old".getBytes());

            assertThat(admin.list()).singleElement().satisfies(k -> {
                assertThat(k.scope()).isEqualTo(scope);
                assertThat(k.masterKeyId()).isEqualTo("local-keyset:master-keyset.json");
                assertThat(k.versions()).hasSize(2);
            });
            assertThat(admin.createTableSql()).contains("CREATE TABLE IF NOT EXISTS " + table);
        }
    }

    @Test
    void destroyVersionDeletesANonPrimaryVersionForGoodAndRefusesThePrimary() throws Exception {
        String table = "admin_" + TABLES.incrementAndGet();
        KeyScope scope = KeyScope.tableEncryption("public.patients");
        try (KeyRing ring = builder(table, new FakeTicker()).build();
                KeyAdministration admin = builder(table, new FakeTicker()).buildAdministration()) {
            byte[] old = ring.aead(scope).encrypt("old".getBytes(), AD);
            long oldId = keyId(old);
            KeyVersion added = admin.addVersion(scope);

            assertThatThrownBy(() -> admin.destroyVersion(scope, added.id())).isInstanceOf(KeyException.class)
                    .hasMessageContaining("is primary and cannot be destroyed");
            assertThatThrownBy(() -> admin.destroyVersion(scope, 42)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("no version 42");
            KeyScope none = KeyScope.tableEncryption("public.nothing");
            assertThatThrownBy(() -> admin.destroyVersion(none, 1)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("has no key in " + table);
            assertThat(admin.versions(scope)).hasSize(2);

            admin.destroyVersion(scope, oldId);

            assertThat(admin.versions(scope)).singleElement().satisfies(v -> {
                assertThat(v.id()).isEqualTo(added.id());
                assertThat(v.primary()).isTrue();
            });
            ring.invalidate(scope);
            assertThatThrownBy(() -> ring.aead(scope).decrypt(old, AD))
                    .isInstanceOf(java.security.GeneralSecurityException.class);
            assertThatThrownBy(() -> admin.enableVersion(scope, oldId)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("no version " + oldId);
            assertThat(admin.list()).extracting(StoredKey::scope).containsExactly(scope);
        }
    }

    @Test
    void lastChangedIsTheRowsUpdatedAtByTheDatabaseClockAndIgnoresReservations() throws Exception {
        String table = "admin_" + TABLES.incrementAndGet();
        KeyScope scope = KeyScope.tableEncryption("public.patients");
        try (KeyRing ring = builder(table, new FakeTicker()).build();
                KeyAdministration admin = builder(table, new FakeTicker()).buildAdministration()) {
            assertThat(admin.lastChanged(scope)).isEmpty();
            ring.aead(scope).encrypt("v".getBytes(), AD);
            Instant before = admin.databaseTime();
            assertThat(admin.lastChanged(scope)).get().satisfies(t -> assertThat(t).isBeforeOrEqualTo(before));

            admin.addVersion(scope);
            Instant changed = admin.lastChanged(scope).orElseThrow();
            assertThat(changed).isAfterOrEqualTo(before).isBeforeOrEqualTo(admin.databaseTime());
            assertThat(admin.list()).singleElement().extracting(StoredKey::updatedAt).isEqualTo(changed);

            ring.invalidate(scope);
            ring.aead(scope).encrypt("w".getBytes(), AD); // reserves a block under the new primary
            assertThat(admin.lastChanged(scope)).contains(changed);
        }
    }

    @Test
    void ringsCreatingTheKeyTableConcurrentlyBothSucceed() throws Exception {
        for (int round = 0; round < 5; round++) {
            String table = "race_" + TABLES.incrementAndGet();
            int n = 6;
            CyclicBarrier start = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try (KeyRing a = builder(table, new FakeTicker()).build()) {
                KeyScope scope = KeyScope.encryption("public.t", "c");
                List<Future<byte[]>> results = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    results.add(pool.submit(() -> {
                        try (KeyRing ring = builder(table, new FakeTicker()).build()) {
                            start.await();
                            return ring.aead(scope).encrypt("v".getBytes(), AD);
                        }
                    }));
                }
                for (Future<byte[]> f : results) {
                    assertThat(a.aead(scope).decrypt(f.get(), AD)).isEqualTo("v".getBytes());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void schemaQualifiedKeyTable() throws Exception {
        try (var c = DB.plainConnection(); var st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS veil");
        }
        try (KeyRing ring = builder("veil.data_keys", new FakeTicker()).build()) {
            ring.aead(KeyScope.encryption("public.t", "c"));
        }
        try (KeyAdministration admin = builder("veil.data_keys", new FakeTicker()).buildAdministration()) {
            assertThat(admin.list()).hasSize(1);
        }
    }
}
