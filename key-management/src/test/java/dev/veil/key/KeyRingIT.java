package dev.veil.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyRingIT {

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();

    private KeyRingBuilder builder() {
        return DB.ringBuilder();
    }

    @Test
    void aeadCreatesStoresAndReusesTheScopesKeyset() throws Exception {
        KeyScope ssn = KeyScope.encryption("public.patients", "ssn");
        byte[] ct;
        try (KeyRing ring = builder().build()) {
            Aead aead = ring.aead(ssn);
            ct = aead.encrypt("123-45-6789".getBytes(StandardCharsets.UTF_8), new byte[0]);
            assertThat(ct[0]).as("Tink output prefix").isEqualTo((byte) 1);
        }
        try (KeyRing other = builder().build()) {
            assertThat(new String(other.aead(ssn).decrypt(ct, new byte[0]), StandardCharsets.UTF_8))
                    .isEqualTo("123-45-6789");
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT purpose, master_key_id, format FROM veil_data_keys "
                        + "WHERE table_name = 'public.patients' AND key_name = 'ssn'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("encryption");
            assertThat(rs.getString(2)).isEqualTo("local-keyset:master-keyset.json");
            assertThat(rs.getInt(3)).isEqualTo(1);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void blindIndexKeyIsNotTheEncryptionKey() throws Exception {
        try (KeyRing ring = builder().build()) {
            ring.aead(KeyScope.encryption("public.people", "email"));
            PrfSet prf = ring.prf(KeyScope.blindIndex("public.people", "email"));
            assertThat(prf.computePrimary("x".getBytes(StandardCharsets.UTF_8), 16)).hasSize(16);
            assertThat(KeyAdministrationVersions.types(builder(), KeyScope.blindIndex("public.people", "email")))
                    .containsExactly("HmacPrfKey");
            assertThat(KeyAdministrationVersions.types(builder(), KeyScope.encryption("public.people", "email")))
                    .containsExactly("AesGcmKey");
            assertThatThrownBy(() -> ring.aead(KeyScope.blindIndex("public.people", "email")))
                    .isInstanceOf(KeyException.class).hasMessageContaining("use prf()");
        }
    }

    @Test
    void xaes256GcmTemplateIsAvailable() throws Exception {
        KeyScope scope = KeyScope.encryption("public.bench", "v");
        try (KeyRing ring = builder().encryptionTemplate(EncryptionTemplate.XAES_256_GCM).build()) {
            byte[] ct = ring.aead(scope).encrypt(new byte[32], new byte[0]);
            assertThat(ct).as("prefix 5 + salt 12 + nonce 12 + 32 + tag 16").hasSize(77);
        }
        assertThat(KeyAdministrationVersions.types(builder(), scope)).containsExactly("XAesGcmKey");
    }

    @Test
    void eagerScopesAreLoadedByBuild() throws Exception {
        KeyScope a = KeyScope.encryption("public.eager", "a");
        try (KeyRing ring = builder().eager(List.of(a)).build()) {
            assertThat(ring.health().degraded()).isFalse();
            try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM veil_data_keys WHERE table_name = 'public.eager'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void buildRefusesBadConfigurationNamingTheOption() {
        assertThatThrownBy(() -> builder().cacheTtl(java.time.Duration.ZERO).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("cacheTtl").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> builder().keyTable("x; drop table y").build())
                .isInstanceOf(KeyException.class).hasMessageContaining("keyTable");
        assertThatThrownBy(() -> builder().masterKey("vault://x").build())
                .isInstanceOf(KeyException.class).hasMessageContaining("vault").hasMessageContaining("aws-kms");
        assertThatThrownBy(() -> builder().masterKeyOptions(Map.of("region", "eu-west-1")).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("region");
        assertThatThrownBy(() -> builder().masterKey("local-keyset:" + DB.directory().resolve("missing.json")).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("LocalKeysetGenerator");
        assertThatThrownBy(() -> builder().maxEncryptionsPerKeyVersion(0).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("maxEncryptionsPerKeyVersion");
        assertThatThrownBy(() -> builder().maxEncryptionsPerKeyVersion(10).encryptionReservationBlock(11).build())
                .isInstanceOf(KeyException.class).hasMessageContaining("encryptionReservationBlock")
                .hasMessageContaining("11");
    }
}
