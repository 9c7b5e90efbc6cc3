package dev.veil.driver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Known-answer and format tests of the column envelope with a fixed keyset (no database). */
class ColumnCipherTest {

    /** A fixed X-AES-GCM keyset, test-only. */
    static final String KEYSET = "{\"primaryKeyId\":2650218003,\"key\":[{\"keyData\":{\"typeUrl\":"
            + "\"type.googleapis.com/google.crypto.tink.XAesGcmKey\",\"value\":"
            + "\"EgIIDBogQZpLqPy7JXSznIdeaz9ALvg9xIGq4LKPu03IYhc9xrU=\",\"keyMaterialType\":\"SYMMETRIC\"},"
            + "\"status\":\"ENABLED\",\"keyId\":2650218003,\"outputPrefixType\":\"TINK\"}]}";

    /** Tink ciphertext of the STRING "hi" ({@code 01 68 69}) under associated data {@code veil/1:patients.ssn}. */
    static final String KNOWN_CIPHERTEXT = "019df71e1315ba8e5e3aae37ab05cb4f39604ba9813461f6354447d63a39e60a954b4759"
            + "ed8807d52a30fa57dadd96fa";

    static Aead aead;

    @BeforeAll
    static void keys() throws Exception {
        AeadConfig.register();
        KeysetHandle h = TinkJsonProtoKeysetFormat.parseKeyset(KEYSET, InsecureSecretKeyAccess.get());
        aead = h.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    static KeyRing ring() {
        return new KeyRing() {
            @Override
            public Aead aead(KeyScope scope) {
                return aead;
            }

            @Override
            public PrfSet prf(KeyScope scope) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    static ColumnCipher cipher(String bound, ValueType type) {
        return new ColumnCipher(bound, bound, type, ring(), false);
    }

    @Test
    void decryptsTheKnownAnswerInBothStorageForms() throws SQLException {
        byte[] tink = HexFormat.of().parseHex(KNOWN_CIPHERTEXT);
        byte[] binary = new byte[tink.length + 2];
        binary[0] = 'V';
        binary[1] = 1;
        System.arraycopy(tink, 0, binary, 2, tink.length);
        ColumnCipher c = cipher("patients.ssn", null);
        assertThat(c.decrypt(binary)).isEqualTo("hi");
        assertThat(c.decrypt("veil1:" + Base64.getEncoder().withoutPadding().encodeToString(tink))).isEqualTo("hi");
    }

    @Test
    void aCiphertextBoundToAnotherColumnDoesNotDecrypt() {
        byte[] tink = HexFormat.of().parseHex(KNOWN_CIPHERTEXT);
        String text = "veil1:" + Base64.getEncoder().withoutPadding().encodeToString(tink);
        assertThatThrownBy(() -> cipher("patients.email", null).decrypt(text))
                .isInstanceOf(SQLException.class).hasMessageContaining("patients.email")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"));
    }

    @Test
    void sizesAreAsDocumented() throws SQLException {
        ColumnCipher c = cipher("patients.ssn", null);
        // bytea: 'V' 0x01 + 5-byte Tink prefix + 12 salt + 12 nonce + (1 tag + n) + 16 GCM tag = n + 48
        assertThat(((byte[]) c.encrypt("123-45-6789", ColumnCipher.Storage.BINARY))).hasSize(11 + 48);
        String text = (String) c.encrypt("123-45-6789", ColumnCipher.Storage.TEXT);
        assertThat(text).startsWith("veil1:").hasSize(6 + (int) Math.ceil((11 + 46) * 4 / 3.0));
    }

    @Test
    void encryptionIsRandomized() throws SQLException {
        ColumnCipher c = cipher("patients.ssn", null);
        assertThat(c.encrypt("x", ColumnCipher.Storage.TEXT)).isNotEqualTo(c.encrypt("x", ColumnCipher.Storage.TEXT));
    }

    @Test
    void everyTypeRoundTripsExactly() throws SQLException {
        ColumnCipher c = cipher("t.c", null);
        List<Object> values = List.of("héllo ✓", new byte[] {0, 1, (byte) 255}, true, (short) -7, 42, -9_000_000_000L,
                1.5f, Math.PI, new BigDecimal("1.50"), new BigDecimal("-123456789012345678901234567890.000001"),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), LocalDate.of(1969, 7, 20),
                LocalTime.of(23, 59, 58, 123_456_789), LocalDateTime.of(2024, 2, 29, 12, 0, 0, 1),
                OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 5, ZoneOffset.ofHours(-5)), Instant.ofEpochSecond(-1, 999),
                java.sql.Date.valueOf("2020-01-02"), java.sql.Time.valueOf("10:11:12"),
                java.sql.Timestamp.valueOf("2020-01-02 03:04:05.123456789"));
        for (Object v : values) {
            for (ColumnCipher.Storage s : ColumnCipher.Storage.values()) {
                Object back = c.decrypt(c.encrypt(v, s));
                assertThat(back).as(v.getClass() + " " + s).isEqualTo(v).hasSameClassAs(v);
            }
        }
    }

    @Test
    void declaredTypeConvertsWhatIsBound() throws SQLException {
        ColumnCipher c = cipher("t.c", ValueType.INT);
        assertThat(c.decrypt(c.encrypt(72L, ColumnCipher.Storage.BINARY))).isEqualTo(72);
        assertThat(c.decrypt(c.encrypt("72", ColumnCipher.Storage.BINARY))).isEqualTo(72);
        assertThatThrownBy(() -> c.encrypt(5_000_000_000L, ColumnCipher.Storage.BINARY))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22018"))
                .hasMessageNotContaining("5000000000");
    }

    @Test
    void plaintextAndTamperingAreRefusedWithoutEchoingValues() throws SQLException {
        ColumnCipher c = cipher("patients.ssn", null);
        assertThatThrownBy(() -> c.decrypt("123-45-6789")).hasMessageNotContaining("123-45")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE004"));
        String good = (String) c.encrypt("123-45-6789", ColumnCipher.Storage.TEXT);
        String flipped = good.substring(0, 20) + (good.charAt(20) == 'A' ? 'B' : 'A') + good.substring(21);
        assertThatThrownBy(() -> c.decrypt(flipped))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"));
        assertThatThrownBy(() -> c.decrypt(good.substring(0, good.length() - 4)))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"));
        assertThatThrownBy(() -> c.decrypt("veil9:AAAA"))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE004"));
        ColumnCipher legacy = new ColumnCipher("patients.ssn", "patients.ssn", null, ring(), true);
        assertThat(legacy.decrypt("123-45-6789")).isEqualTo("123-45-6789");
        assertThat(c.toString()).doesNotContain("Aead");
    }
}
