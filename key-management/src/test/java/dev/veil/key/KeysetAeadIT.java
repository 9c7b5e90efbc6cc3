package dev.veil.key;

import static dev.veil.testing.TinkCiphertexts.keyId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every encryption primitive a ring serves is a {@link KeysetAead} that knows the versions of the keyset it was
 * built from: the versions a ciphertext names ({@link KeysetAead#versionOf}) are held exactly while the keyset the
 * primitive came from has them enabled, and known while it has them at all.
 */
class KeysetAeadIT {

    private static final byte[] AD = new byte[0];
    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();

    @ParameterizedTest
    @EnumSource(EncryptionTemplate.class) // AES-256-GCM: the reserving primitive; X-AES-GCM: no usage budget
    void aServedPrimitiveHoldsTheVersionsOfItsKeysetAndNoOthers(EncryptionTemplate template) throws Exception {
        String table = "keyset_aead_" + TABLES.incrementAndGet();
        KeyScope scope = KeyScope.tableEncryption("public.patients");
        try (KeyRing ring = DB.ringBuilder().keyTable(table).encryptionTemplate(template).build();
                KeyAdministration admin = DB.ringBuilder().keyTable(table).encryptionTemplate(template)
                        .buildAdministration()) {
            Aead first = ring.aead(scope);
            assertThat(first).isInstanceOf(KeysetAead.class);
            byte[] old = first.encrypt("old".getBytes(StandardCharsets.UTF_8), AD);
            long oldVersion = KeysetAead.versionOf(old);
            assertThat(oldVersion).isEqualTo(keyId(old)).isNotNegative();
            assertThat(((KeysetAead) first).holdsVersion(oldVersion)).isTrue();

            KeyVersion added = admin.addVersion(scope); // another process adds a primary version
            assertThat(((KeysetAead) first).holdsVersion(added.id())).as("cached before the version existed")
                    .isFalse();

            Aead reloaded = ring.reloadAead(scope, first);
            assertThat(reloaded).isInstanceOf(KeysetAead.class);
            byte[] fresh = reloaded.encrypt("new".getBytes(StandardCharsets.UTF_8), AD);
            assertThat(KeysetAead.versionOf(fresh)).isEqualTo(added.id());
            assertThat(((KeysetAead) reloaded).holdsVersion(added.id())).isTrue();
            assertThat(((KeysetAead) reloaded).holdsVersion(oldVersion)).isTrue();
            assertThat(((KeysetAead) reloaded).holdsVersion(oldVersion ^ 0x8000_0000L)).isFalse();
            assertThat(((KeysetAead) reloaded).knowsVersion(oldVersion ^ 0x8000_0000L)).isFalse();

            admin.disableVersion(scope, oldVersion);
            Aead afterDisable = ring.reloadAead(scope, reloaded);
            assertThat(((KeysetAead) afterDisable).holdsVersion(oldVersion)).as("disabled: not usable").isFalse();
            assertThat(((KeysetAead) afterDisable).knowsVersion(oldVersion)).as("but known").isTrue();
            assertThat(((KeysetAead) afterDisable).holdsVersion(added.id())).isTrue();
        }
    }

    @Test
    void versionOfReadsTinksPrefixAndNothingElse() {
        assertThat(KeysetAead.versionOf(new byte[] {0x01, (byte) 0xff, 0, 0, 0x02, 9, 9})).isEqualTo(0xff00_0002L);
        assertThat(KeysetAead.versionOf(new byte[] {0x00, 1, 2, 3, 4, 5})).as("legacy prefix").isEqualTo(-1);
        assertThat(KeysetAead.versionOf(new byte[] {0x01, 1, 2, 3})).as("too short").isEqualTo(-1);
        assertThat(KeysetAead.versionOf(null)).isEqualTo(-1);
    }
}
