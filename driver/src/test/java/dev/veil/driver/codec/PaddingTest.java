package dev.veil.driver.codec;

import static dev.veil.driver.codec.ColumnCipherTest.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.codec.ColumnCipher.Storage;
import dev.veil.driver.codec.Padding.OverMax;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The padded typed-plaintext form (docs/design.md §2, "Padded form") and the two padding rules, without a database. */
class PaddingTest {

    /** {@code pad: 16} applied to the STRING "hi": {@code 81 | 00000002 | 6869 | 9 zero bytes}. */
    static final String PADDED_HI = "81000000026869000000000000000000";

    /** Tink ciphertext of {@link #PADDED_HI} under {@link ColumnCipherTest#KEYSET}, AAD {@code veil/1:patients.notes}. */
    static final String KNOWN_PADDED_CIPHERTEXT = "0196b1f512e4aa0e63223ba26de4603cbc616ec4b4393f0ffdd58fa0e06b54ea04"
            + "785a71fe55cbfe26942adea7229d29ce";

    static final Padding MULTIPLE_16 = Padding.multipleOf(16);
    static final Padding BUCKETS_4096 = Padding.powerOfTwo(16, 4096, OverMax.REFUSE);
    static final Padding BUCKETS_64_ROUND_UP = Padding.powerOfTwo(16, 64, OverMax.ROUND_UP);

    /** One value of every type, as ColumnCipherTest#everyTypeRoundTripsExactly. */
    static final List<Object> EVERY_TYPE = List.of("héllo ✓", "", new byte[] {0, 1, (byte) 255, 0, 0}, new byte[0],
            true, (short) -7, 42, -9_000_000_000L, 1.5f, Math.PI, new BigDecimal("1.50"),
            new BigDecimal("-123456789012345678901234567890.000001"),
            UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), LocalDate.of(1969, 7, 20),
            LocalTime.of(23, 59, 58, 123_456_789), LocalDateTime.of(2024, 2, 29, 12, 0, 0, 1),
            OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 5, ZoneOffset.ofHours(-5)), Instant.ofEpochSecond(-1, 999),
            java.sql.Date.valueOf("2020-01-02"), java.sql.Time.valueOf("10:11:12"),
            java.sql.Timestamp.valueOf("2020-01-02 03:04:05.123456789"));

    @BeforeAll
    static void keys() throws Exception {
        ColumnCipherTest.keys();
    }

    static ColumnCipher cipher(String column, ValueType type, Padding padding) {
        return new ColumnCipher(column, column, type, ring(), false, ColumnCipher.Events.NONE, padding);
    }

    @Test
    void thePaddedFormIsFlagTagLengthPayloadZeros() throws Exception {
        byte[] padded = MULTIPLE_16.apply(TypedValues.encode(ValueType.STRING, "hi"));
        assertThat(HexFormat.of().formatHex(padded)).isEqualTo(PADDED_HI);
        assertThat(TypedValues.decode(HexFormat.of().parseHex(PADDED_HI))).isEqualTo("hi");
    }

    @Test
    void decryptsTheKnownPaddedAnswerWhateverTheColumnsPaddingIsNow() throws SQLException {
        byte[] tink = HexFormat.of().parseHex(KNOWN_PADDED_CIPHERTEXT);
        byte[] binary = new byte[tink.length + 2];
        binary[0] = 'V';
        binary[1] = 1;
        System.arraycopy(tink, 0, binary, 2, tink.length);
        for (Padding now : List.of(Padding.NONE, MULTIPLE_16, BUCKETS_4096)) {
            assertThat(cipher("patients.notes", null, now).decrypt(binary)).as("pad now " + now).isEqualTo("hi");
        }
    }

    @Test
    void everyTypeRoundTripsUnderEveryRuleInBothStorageForms() throws SQLException {
        for (Padding p : List.of(MULTIPLE_16, Padding.multipleOf(2), BUCKETS_4096, BUCKETS_64_ROUND_UP)) {
            ColumnCipher c = cipher("t.c", null, p);
            for (Object v : EVERY_TYPE) {
                for (Storage s : Storage.values()) {
                    Object back = c.decrypt(c.encrypt(v, s));
                    assertThat(back).as(v.getClass().getSimpleName() + " " + s + " " + p).isEqualTo(v)
                            .hasSameClassAs(v);
                }
            }
        }
    }

    @Test
    void declaredTypesRoundTripPadded() throws SQLException {
        ColumnCipher string = cipher("t.s", ValueType.STRING, BUCKETS_4096);
        assertThat(string.decrypt(string.encrypt(42, Storage.TEXT))).isEqualTo("42");
        ColumnCipher decimal = cipher("t.d", ValueType.DECIMAL, MULTIPLE_16);
        assertThat(decimal.decrypt(decimal.encrypt(new BigDecimal("-0.000"), Storage.BINARY)))
                .isEqualTo(new BigDecimal("-0.000"));
        ColumnCipher bytes = cipher("t.b", ValueType.BYTES, MULTIPLE_16);
        byte[] zeros = new byte[20]; // trailing zeros are payload, never taken for padding
        assertThat((byte[]) bytes.decrypt(bytes.encrypt(zeros, Storage.BINARY))).isEqualTo(zeros);
    }

    @Test
    void valuesOfDifferentLengthsInOneBucketStoreEqualLengths() throws SQLException {
        ColumnCipher multiple = cipher("t.c", null, MULTIPLE_16);
        // 5 header bytes + n: n = 0…11 → 16 bytes, n = 12…27 → 32, stored bytea = padded + 35
        assertThat(IntStream.rangeClosed(0, 11).map(n -> binaryLength(multiple, "x".repeat(n))).distinct().toArray())
                .containsExactly(16 + 35);
        assertThat(IntStream.rangeClosed(12, 27).map(n -> binaryLength(multiple, "x".repeat(n))).distinct().toArray())
                .containsExactly(32 + 35);
        assertThat(IntStream.rangeClosed(0, 27).mapToObj(n -> textLength(multiple, "y".repeat(n))).distinct())
                .hasSize(2);

        ColumnCipher buckets = cipher("t.c", null, BUCKETS_4096);
        assertThat(binaryLength(buckets, "")).isEqualTo(16 + 35);
        assertThat(IntStream.rangeClosed(28, 59).map(n -> binaryLength(buckets, "x".repeat(n))).distinct().toArray())
                .containsExactly(64 + 35);
        assertThat(IntStream.of(2_044, 2_500, 4_091).map(n -> binaryLength(buckets, "x".repeat(n))).distinct()
                .toArray()).containsExactly(4096 + 35);
        assertThat(binaryLength(buckets, "x".repeat(1_000))).isEqualTo(1024 + 35);
    }

    @Test
    void unpaddedValuesKeepDecryptingAfterPaddingIsSwitchedOnAndPaddedOnesAfterItIsOff() throws SQLException {
        ColumnCipher off = cipher("t.c", null, Padding.NONE);
        ColumnCipher on = cipher("t.c", null, BUCKETS_4096);
        for (Object v : EVERY_TYPE) {
            for (Storage s : Storage.values()) {
                assertThat(on.decrypt(off.encrypt(v, s))).isEqualTo(v);
                assertThat(off.decrypt(on.encrypt(v, s))).isEqualTo(v);
            }
        }
        byte[] tink = HexFormat.of().parseHex(ColumnCipherTest.KNOWN_CIPHERTEXT);
        assertThat(cipher("patients.ssn", null, MULTIPLE_16)
                .decrypt("veil1:" + java.util.Base64.getEncoder().withoutPadding().encodeToString(tink)))
                .as("the unpadded known answer").isEqualTo("hi");
    }

    @Test
    void aValuePastTheMaximumIsRefusedNamingTheColumnAndNothingIsEncrypted() {
        int[] encryptions = {0};
        dev.veil.key.KeyRing counting = new dev.veil.key.KeyRing() {
            @Override
            public com.google.crypto.tink.Aead aead(dev.veil.key.KeyScope scope) {
                encryptions[0]++;
                return ColumnCipherTest.aead;
            }

            @Override
            public com.google.crypto.tink.prf.PrfSet prf(dev.veil.key.KeyScope scope) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        ColumnCipher c = new ColumnCipher("patients.notes", "patients.notes", null, counting, false,
                ColumnCipher.Events.NONE, BUCKETS_4096);
        String secret = "s3cret-".repeat(600);
        assertThatThrownBy(() -> c.encrypt(secret, Storage.BINARY))
                .isInstanceOf(java.sql.SQLDataException.class)
                .hasMessageContaining("patients.notes").hasMessageContaining("pad max 4096")
                .hasMessageContaining("over-max: round-up").hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("4200")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22001"));
        assertThat(encryptions[0]).as("no key looked up, nothing encrypted").isZero();
        assertThat(binaryLength(c, "x".repeat(4091))).as("the largest value that fits").isEqualTo(4096 + 35);
    }

    @Test
    void roundUpPastTheMaximumPadsToAMultipleOfTheMaximum() throws SQLException {
        ColumnCipher c = cipher("t.c", null, BUCKETS_64_ROUND_UP);
        assertThat(binaryLength(c, "x".repeat(59))).isEqualTo(64 + 35);
        assertThat(binaryLength(c, "x".repeat(60))).isEqualTo(128 + 35);
        assertThat(binaryLength(c, "x".repeat(150))).isEqualTo(192 + 35);
        assertThat(c.decrypt(c.encrypt("x".repeat(150), Storage.TEXT))).isEqualTo("x".repeat(150));
    }

    @Test
    void paddedLengthFollowsEachRule() {
        assertThat(Padding.NONE.paddedLength(12)).isEqualTo(12);
        assertThat(MULTIPLE_16.paddedLength(1)).isEqualTo(16);   // typed 1 byte (tag) → 5 → 16
        assertThat(MULTIPLE_16.paddedLength(12)).isEqualTo(16);  // 16
        assertThat(MULTIPLE_16.paddedLength(13)).isEqualTo(32);  // 17
        assertThat(BUCKETS_4096.paddedLength(13)).isEqualTo(32);
        assertThat(BUCKETS_4096.paddedLength(29)).isEqualTo(64);  // 33
        assertThat(BUCKETS_4096.paddedLength(4092)).isEqualTo(4096);
        assertThat(BUCKETS_4096.paddedLength(4093)).isEqualTo(-1);
        assertThat(Padding.powerOfTwo(256, 0, OverMax.REFUSE).paddedLength(1 << 20)).isEqualTo(1L << 21);
        assertThat(BUCKETS_64_ROUND_UP.paddedLength(61)).isEqualTo(128);
    }

    @Test
    void inconsistentPaddedFormsAreRefusedNotGuessed() {
        byte[] ok = HexFormat.of().parseHex(PADDED_HI);
        byte[] lengthPastTheEnd = ok.clone();
        lengthPastTheEnd[4] = 12;
        byte[] negativeLength = ok.clone();
        negativeLength[1] = (byte) 0x80;
        byte[] nonZeroPadding = ok.clone();
        nonZeroPadding[15] = 1;
        byte[] truncated = Arrays.copyOf(ok, 3);
        byte[] unknownType = ok.clone();
        unknownType[0] = (byte) 0xff;
        for (byte[] bad : List.of(lengthPastTheEnd, negativeLength, nonZeroPadding, truncated, unknownType)) {
            assertThatThrownBy(() -> TypedValues.decode(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("6869");
        }
        byte[] fixedWidthWithWrongLength = HexFormat.of().parseHex("8500000003010203000000000000000000");
        assertThatThrownBy(() -> TypedValues.decode(fixedWidthWithWrongLength))
                .hasMessageContaining("bad payload length for int");
    }

    @Test
    void applyClearsTheUnpaddedPlaintextItCopied() throws Exception {
        byte[] typed = TypedValues.encode(ValueType.STRING, "secret");
        byte[] padded = MULTIPLE_16.apply(typed);
        assertThat(typed).containsOnly(0);
        assertThat(TypedValues.decode(padded)).isEqualTo("secret");
        byte[] kept = TypedValues.encode(ValueType.STRING, "secret");
        assertThat(Padding.NONE.apply(kept)).isSameAs(kept);
    }

    @Test
    void badSettingsAreRefusedWithTheRange() {
        for (int n : new int[] {-16, 0, 1, (1 << 30) + 1}) {
            assertThatThrownBy(() -> Padding.multipleOf(n)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("from 2 to 1073741824").hasMessageContaining("was " + n);
        }
        assertThatThrownBy(() -> Padding.powerOfTwo(12, 4096, OverMax.REFUSE)).hasMessageContaining("pad min")
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> Padding.powerOfTwo(16, 4000, OverMax.REFUSE)).hasMessageContaining("pad max")
                .hasMessageContaining("was 4000");
        assertThatThrownBy(() -> Padding.powerOfTwo(64, 32, OverMax.REFUSE)).hasMessageContaining("smaller than");
        assertThatThrownBy(() -> Padding.powerOfTwo(16, 0, OverMax.ROUND_UP)).hasMessageContaining("needs a max");
    }

    @Test
    void theWidestStoredValueAccountsForPadding() {
        assertThat(CiphertextSize.widest(ValueType.STRING, Padding.NONE)).isEqualTo(64);
        assertThat(CiphertextSize.widest(ValueType.STRING, MULTIPLE_16)).isEqualTo(79);   // 5 + 64 → 80, less the tag
        assertThat(CiphertextSize.widest(null, BUCKETS_4096)).isEqualTo(4095);            // exactly the largest bucket
        assertThat(CiphertextSize.widest(null, BUCKETS_64_ROUND_UP)).isEqualTo(127);
        assertThat(CiphertextSize.fixedWidth(ValueType.INT)).isTrue();
        assertThat(CiphertextSize.fixedWidth(ValueType.DECIMAL)).isFalse();
        assertThat(CiphertextSize.fixedWidth(ValueType.STRING)).isFalse();
        assertThat(CiphertextSize.fixedWidth(ValueType.BYTES)).isFalse();
    }

    @Test
    void describesItselfAsYamlWouldSpellIt() {
        assertThat(MULTIPLE_16.describe()).isEqualTo("16");
        assertThat(BUCKETS_4096.describe()).isEqualTo("{ buckets: power-of-two, min: 16, max: 4096 }");
        assertThat(BUCKETS_64_ROUND_UP.toString())
                .isEqualTo("Padding[{ buckets: power-of-two, min: 16, max: 64, over-max: round-up }]");
        assertThat(Padding.multipleOf(16)).isEqualTo(MULTIPLE_16).hasSameHashCodeAs(MULTIPLE_16);
        assertThat(BUCKETS_4096).isNotEqualTo(BUCKETS_64_ROUND_UP);
    }

    private static int binaryLength(ColumnCipher c, Object v) {
        try {
            return ((byte[]) c.encrypt(v, Storage.BINARY)).length;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static int textLength(ColumnCipher c, Object v) {
        try {
            return ((String) c.encrypt(v, Storage.TEXT)).length();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
