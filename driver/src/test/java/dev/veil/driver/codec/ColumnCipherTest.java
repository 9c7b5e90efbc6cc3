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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Known-answer and format tests of the column envelope with a fixed keyset (no database). */
public class ColumnCipherTest {

    /** A fixed AES-256-GCM keyset (Tink prefix), test-only. */
    static final String KEYSET = "{\"primaryKeyId\":2528245010,\"key\":[{\"keyData\":{\"typeUrl\":"
            + "\"type.googleapis.com/google.crypto.tink.AesGcmKey\",\"value\":"
            + "\"GiAs/Iui4PGcb/epG47BNBImm/taHI+clbd5AuAYP/tuAQ==\",\"keyMaterialType\":\"SYMMETRIC\"},"
            + "\"status\":\"ENABLED\",\"keyId\":2528245010,\"outputPrefixType\":\"TINK\"}]}";

    /**
     * Tink ciphertext of the STRING "hi" ({@code 01 68 69}) under associated data {@code veil/1:patients.ssn}:
     * {@code 01 | key id 96b1f512 | nonce (12) | 3 bytes | tag (16)}.
     */
    static final String KNOWN_CIPHERTEXT = "0196b1f512c073b8894596cc037037354d4cdb7368c1fe6c6127d5d1e16c87ba4f85b521";

    static Aead aead;

    @BeforeAll
    public static void keys() throws Exception {
        AeadConfig.register();
        KeysetHandle h = TinkJsonProtoKeysetFormat.parseKeyset(KEYSET, InsecureSecretKeyAccess.get());
        aead = h.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /** A ring answering every scope with the fixed test keyset ({@link #keys()} first). */
    public static KeyRing ring() {
        return ring(new AtomicInteger());
    }

    /** As {@link #ring()}, counting the {@code aead} lookups in {@code lookups}. */
    static KeyRing ring(AtomicInteger lookups) {
        return new KeyRing() {
            @Override
            public Aead aead(KeyScope scope) {
                lookups.incrementAndGet();
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
        // bytea: 'V' 0x01 + 5-byte Tink prefix + 12 nonce + (1 type tag + n) + 16 GCM tag = n + 36
        assertThat(((byte[]) c.encrypt("123-45-6789", ColumnCipher.Storage.BINARY))).hasSize(11 + 36);
        String text = (String) c.encrypt("123-45-6789", ColumnCipher.Storage.TEXT);
        assertThat(text).startsWith("veil1:").hasSize(6 + (int) Math.ceil((11 + 34) * 4 / 3.0)).hasSize(66);
        assertThat(((byte[]) cipher("t.c", ValueType.INT).encrypt(7, ColumnCipher.Storage.BINARY))).hasSize(40);
    }

    @Test
    void theColumnsOfATableShareItsDataKeyWhileTheAssociatedDataSeparatesThem() throws SQLException {
        assertThat(cipher("patients.ssn", null).scope()).isEqualTo(KeyScope.tableEncryption("patients"))
                .isEqualTo(cipher("patients.email", null).scope()).isEqualTo(KeyScope.encryption("patients", "*"));
        assertThat(cipher("clinic.visits.notes", null).scope()).isEqualTo(KeyScope.tableEncryption("clinic.visits"));
        Object ssn = cipher("patients.ssn", null).encrypt("123-45-6789", ColumnCipher.Storage.BINARY);
        assertThatThrownBy(() -> cipher("patients.email", null).decrypt(ssn))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"));
        ColumnCipher renamed = new ColumnCipher("people.ssn", "patients.ssn", null, ring(), false);
        assertThat(renamed.scope()).as("renamed-from: the bound table selects the key")
                .isEqualTo(KeyScope.tableEncryption("patients"));
        assertThat(renamed.decrypt(ssn)).isEqualTo("123-45-6789");
    }

    @Test
    void aReservationFailureIsRetryableAndEncryptsNothing() {
        KeyRing down = new KeyRing() {
            @Override
            public Aead aead(KeyScope scope) {
                return new Aead() {
                    @Override
                    public byte[] encrypt(byte[] plaintext, byte[] ad) throws java.security.GeneralSecurityException {
                        throw new dev.veil.key.KeyReservationException(
                                new dev.veil.key.KeyUnavailableException("key table unreachable"));
                    }

                    @Override
                    public byte[] decrypt(byte[] ciphertext, byte[] ad) throws java.security.GeneralSecurityException {
                        return aead.decrypt(ciphertext, ad);
                    }
                };
            }

            @Override
            public PrfSet prf(KeyScope scope) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> new ColumnCipher("t.c", "t.c", null, down, false).encrypt("x",
                ColumnCipher.Storage.BINARY))
                .hasMessageContaining("t.c").hasMessageContaining("key table unreachable")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE002"));
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

    @Test
    void readersOfOneResultShareATableKeyLookup() throws SQLException {
        AtomicInteger lookups = new AtomicInteger();
        KeyRing counting = ring(lookups);
        ColumnCipher ssn = new ColumnCipher("patients.ssn", "patients.ssn", null, counting, false);
        ColumnCipher email = new ColumnCipher("patients.email", "patients.email", null, counting, false);
        ColumnCipher other = new ColumnCipher("staff.email", "staff.email", null, counting, false);
        Object storedSsn = ssn.encrypt("123-45-6789", ColumnCipher.Storage.BINARY);
        Object storedEmail = email.encrypt("ada@example.com", ColumnCipher.Storage.TEXT);
        Object storedOther = other.encrypt("bob@example.com", ColumnCipher.Storage.BINARY);
        lookups.set(0);

        // as a result creates them: each column's reader on the first read of that column
        ColumnCipher.Reader[] readers = new ColumnCipher.Reader[3];
        readers[0] = ssn.reader(readers);
        assertThat(readers[0].decrypt(storedSsn)).isEqualTo("123-45-6789");
        readers[1] = email.reader(readers);
        assertThat(readers[1].decrypt(storedEmail)).isEqualTo("ada@example.com");
        assertThat(readers[0].decrypt(storedSsn)).isEqualTo("123-45-6789");
        assertThat(lookups).as("one lookup for the table key both columns use").hasValue(1);

        readers[2] = other.reader(readers);
        assertThat(readers[2].decrypt(storedOther)).isEqualTo("bob@example.com");
        assertThat(lookups).as("another table's key is its own lookup").hasValue(2);
        assertThatThrownBy(() -> readers[1].decrypt(storedOther)).isInstanceOf(SQLException.class)
                .hasMessageContaining("decryption failed for patients.email");
        assertThat(readers[0].decrypt(storedSsn)).isEqualTo("123-45-6789");
        assertThat(readers[1].decrypt(storedEmail)).isEqualTo("ada@example.com");
    }
}
