package dev.veil.blindindex;

import static dev.veil.blindindex.Expected.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.key.KeyException;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyUnavailableException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BlindIndexerTest {

    private static final byte[] KEY = FixedKeyRing.primaryKeyBytes(FixedKeyRing.KEYSET);

    private final FixedKeyRing ring = FixedKeyRing.standard();

    private static BlindIndexDefinition.Builder email() {
        return BlindIndexDefinition.builder().table("public.patients").column("email");
    }

    private BlindIndexer indexer(BlindIndexDefinition.Builder b) {
        return BlindIndexer.of(b.build(), ring);
    }

    private byte[] single(Object value) throws KeyException {
        return indexer(email()).index(value);
    }

    // ---- known answers ---------------------------------------------------------------------------------------

    @Test
    void index_ofText_isHmacSha256OverTheDocumentedBytes() throws KeyException {
        byte[] message = Expected.message(0x01, 0x01, "email_bidx", 1).text("alice@example.com").bytes();

        byte[] index = single("alice@example.com");

        assertThat(index).hasSize(32).isEqualTo(Expected.hmacSha256(KEY, message));
        assertThat(hex(index)).isEqualTo(KAT_EMAIL);
    }

    @Test
    void index_ofNormalizedCompound_isHmacOverNormalizedPartsInOrder() throws KeyException {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.patients").name("name_dob_bidx")
                .columns("last_name", "birth_date").normalize("trim", "lowercase"));
        byte[] message = Expected.message(0x01, 0x01, "name_dob_bidx", 2).text("doe")
                .date(LocalDate.of(1980, 1, 2).toEpochDay()).bytes();

        byte[] index = idx.index(" DOE ", LocalDate.of(1980, 1, 2));

        assertThat(index).isEqualTo(Expected.hmacSha256(KEY, message));
        assertThat(hex(index)).isEqualTo(KAT_COMPOUND);
    }

    @Test
    void index_ofInteger_isHmacOverStrippedDecimal() throws KeyException {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.orders").column("quantity"));
        byte[] message = Expected.message(0x01, 0x01, "quantity_bidx", 1).exactNumber(0, (byte) 5).bytes();

        assertThat(idx.index(5)).isEqualTo(Expected.hmacSha256(KEY, message));
        // 500 = 5E+2: unscaled 5, scale -2
        byte[] fiveHundred = Expected.message(0x01, 0x01, "quantity_bidx", 1).exactNumber(-2, (byte) 5).bytes();
        assertThat(idx.index(500L)).isEqualTo(Expected.hmacSha256(KEY, fiveHundred));
    }

    @Test
    void index_ofNullPart_encodesNullTag() throws KeyException {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.patients")
                .columns("last_name", "birth_date"));
        byte[] message = Expected.message(0x01, 0x01, "last_name_birth_date_bidx", 2).text("doe").nullPart().bytes();

        assertThat(idx.index("doe", null)).isEqualTo(Expected.hmacSha256(KEY, message));
    }

    @Test
    void index_truncatedTo13Bits_keepsFirst13BitsAndZeroesTheRest() throws KeyException {
        byte[] full = single("alice@example.com");

        byte[] index = indexer(email().bits(13)).index("alice@example.com");

        assertThat(index).hasSize(2).isEqualTo(Expected.firstBits(full, 13));
        assertThat(index[1] & 0x07).isZero();
        assertThat(hex(index)).isEqualTo(KAT_EMAIL_13_BITS);
    }

    @Test
    void index_truncated_isPrefixOfLongerIndexAndMasksSpareBitsForEveryValue() throws KeyException {
        BlindIndexer thirteen = indexer(email().bits(13));
        BlindIndexer full = indexer(email());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String v = "user" + i + "@example.com";
            byte[] t = thirteen.index(v);
            assertThat(t[1] & 0x07).isZero();
            assertThat(t).isEqualTo(Expected.firstBits(full.index(v), 13));
            seen.add(hex(t));
        }
        assertThat(seen).hasSizeGreaterThan(280);   // 300 values in 8192 buckets: a few collisions at most
    }

    @Test
    void index_atEveryLength_hasCeilBitsOver8Bytes() throws KeyException {
        for (int bits : new int[] {1, 7, 8, 9, 16, 31, 64, 127, 128, 255, 256}) {
            byte[] v = indexer(email().bits(bits)).index("x");
            assertThat(v).as("bits %d", bits).hasSize((bits + 7) / 8);
            assertThat(v).isEqualTo(Expected.firstBits(single("x"), bits));
        }
    }

    // ---- determinism and separation ----------------------------------------------------------------------------

    @Test
    void index_sameValueTwiceOrFromAnotherIndexer_isEqual() throws KeyException {
        assertThat(single("bob@example.com")).isEqualTo(single("bob@example.com"))
                .isEqualTo(BlindIndexer.of(email().build(), FixedKeyRing.standard()).index("bob@example.com"));
    }

    @Test
    void index_sameKeyDifferentIndexName_differs() throws KeyException {
        byte[] a = indexer(email().name("email_bidx")).index("bob@example.com");
        byte[] b = indexer(email().name("email2_bidx")).index("bob@example.com");

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void index_compoundBoundaries_areUnambiguous() throws KeyException {
        BlindIndexer two = indexer(BlindIndexDefinition.builder().table("public.t").columns("a", "b"));

        assertThat(two.index("ab", "c")).isNotEqualTo(two.index("a", "bc"));
        assertThat(two.index("", "x")).isNotEqualTo(two.index(null, "x"));
        assertThat(two.index("x", "")).isNotEqualTo(two.index("x", null));
        assertThat(two.index(null, null)).isNotEqualTo(two.index("", ""));
    }

    @Test
    void index_differentTypesWithSameBytes_differ() throws KeyException {
        assertThat(single("5")).isNotEqualTo(single(5));
        assertThat(single("a")).isNotEqualTo(single(new byte[] {'a'}));
        assertThat(single(true)).isNotEqualTo(single(1));
        assertThat(single(BigDecimal.valueOf(1.5))).isNotEqualTo(single(1.5d));
        assertThat(single(LocalDate.of(2020, 1, 1))).isNotEqualTo(single(LocalDate.of(2020, 1, 1).toEpochDay()));
        assertThat(single(LocalDateTime.of(2020, 1, 1, 0, 0)))
                .isNotEqualTo(single(LocalDateTime.of(2020, 1, 1, 0, 0).toInstant(ZoneOffset.UTC)));
    }

    @Test
    void index_fastAndSlowModeOfTheSameIndex_differ() throws KeyException {
        byte[] slow = indexer(email().argon2id(Argon2idCost.INSECURE_FOR_TESTS)).index("bob@example.com");

        assertThat(slow).isNotEqualTo(single("bob@example.com"));
    }

    // ---- SQL equality -------------------------------------------------------------------------------------------

    @Test
    void index_integralTypes_matchByValue() throws KeyException {
        byte[] five = single(5);

        assertThat(single(5L)).isEqualTo(five);
        assertThat(single((short) 5)).isEqualTo(five);
        assertThat(single((byte) 5)).isEqualTo(five);
        assertThat(single(BigInteger.valueOf(5))).isEqualTo(five);
        assertThat(single(new BigDecimal("5.00"))).isEqualTo(five);
        assertThat(single(new BigDecimal("5E0"))).isEqualTo(five);
        assertThat(single(6)).isNotEqualTo(five);
        assertThat(single(-5)).isNotEqualTo(five);
    }

    @Test
    void index_decimals_matchByNumericValueNotScale() throws KeyException {
        assertThat(single(new BigDecimal("1.50"))).isEqualTo(single(new BigDecimal("1.5")));
        assertThat(single(new BigDecimal("0.000"))).isEqualTo(single(0)).isEqualTo(single(BigDecimal.ZERO));
        assertThat(single(new BigDecimal("1E+3"))).isEqualTo(single(1000L));
        assertThat(single(new BigDecimal("-2.10"))).isEqualTo(single(new BigDecimal("-2.1")));
        assertThat(single(new BigDecimal("1.51"))).isNotEqualTo(single(new BigDecimal("1.5")));
        assertThat(single(new BigDecimal("123456789012345678901234567890.5")))
                .isEqualTo(single(new BigDecimal("123456789012345678901234567890.500")));
    }

    @Test
    void index_floats_widenToDoubleAndCanonicalizeZeroAndNaN() throws KeyException {
        assertThat(single(1.5f)).isEqualTo(single(1.5d));
        assertThat(single(0.1f)).isNotEqualTo(single(0.1d));        // as in SQL: real 0.1 <> double 0.1
        assertThat(single(-0.0d)).isEqualTo(single(0.0d));
        assertThat(single(Double.NaN)).isEqualTo(single(Float.NaN))
                .isEqualTo(single(Double.longBitsToDouble(0x7ff8000000000123L)));
        assertThat(single(Double.POSITIVE_INFINITY)).isNotEqualTo(single(Double.NaN));
    }

    @Test
    void index_temporalValues_matchTheirSqlEquivalents() throws KeyException {
        LocalDate d = LocalDate.of(1980, 1, 2);
        assertThat(single(java.sql.Date.valueOf(d))).isEqualTo(single(d));

        LocalTime t = LocalTime.of(13, 14, 15, 678_000_000);
        java.sql.Time sqlTime = java.sql.Time.valueOf(t.withNano(0));
        sqlTime.setTime(sqlTime.getTime() + 678);
        assertThat(single(sqlTime)).isEqualTo(single(t));

        LocalDateTime ldt = LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_789);
        assertThat(single(java.sql.Timestamp.valueOf(ldt))).isEqualTo(single(ldt));

        OffsetDateTime paris = OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 5, ZoneOffset.ofHours(2));
        assertThat(single(paris.withOffsetSameInstant(ZoneOffset.UTC))).isEqualTo(single(paris))
                .isEqualTo(single(paris.toInstant()))
                .isEqualTo(single(ZonedDateTime.ofInstant(paris.toInstant(), ZoneId.of("America/New_York"))));
        assertThat(single(paris.plusNanos(1))).isNotEqualTo(single(paris));
    }

    @Test
    void index_uuidAndBytesAndBooleans_matchByValue() throws KeyException {
        UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(single(UUID.fromString(u.toString()))).isEqualTo(single(u));
        assertThat(single(new byte[] {1, 2, 3})).isEqualTo(single(new byte[] {1, 2, 3}))
                .isNotEqualTo(single(new byte[] {1, 2}));
        assertThat(single(Boolean.TRUE)).isEqualTo(single(true)).isNotEqualTo(single(false));
    }

    // ---- normalizers ------------------------------------------------------------------------------------------

    @Test
    void index_withNormalizers_matchesOnWriteAndQueryForms() throws KeyException {
        BlindIndexer idx = indexer(email().normalize("nfkc", "trim", "lowercase"));

        assertThat(idx.index("  Alice@Example.COM\t")).isEqualTo(idx.index("alice@example.com"))
                .isEqualTo(idx.index("ＡＬＩＣＥ@example.com"));
        // normalizers are not part of the PRF input: an already-normal value indexes as without normalizers
        assertThat(idx.index("alice@example.com")).isEqualTo(single("alice@example.com"));
    }

    @Test
    void index_normalizersApplyToTextPartsOnly() throws KeyException {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.patients")
                .columns("ssn", "birth_date").normalize("digits-only"));

        assertThat(idx.index("123-45-6789", LocalDate.of(1980, 1, 2)))
                .isEqualTo(idx.index("123 45 6789", LocalDate.of(1980, 1, 2)));
    }

    @Test
    void index_perColumnNormalizers_replaceTheIndexWideOnes() throws KeyException {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.patients").normalize("lowercase")
                .column("last_name").column("ssn", "digits-only"));

        assertThat(idx.index("DOE", "123-45-6789")).isEqualTo(idx.index("doe", "123456789"));
        assertThat(idx.index("doe1", "1")).isNotEqualTo(idx.index("doe", "1"));   // last_name: no digits-only
    }

    // ---- NULL, arity, errors ------------------------------------------------------------------------------------

    @Test
    void indexOrNull_withAnyNullPart_isNullLikeSqlEquality() throws KeyException {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.t").columns("a", "b"));

        assertThat(idx.indexOrNull("x", null)).isNull();
        assertThat(idx.indexOrNull(null, null)).isNull();
        assertThat(idx.indexOrNull("x", "y")).isEqualTo(idx.index("x", "y"));
        assertThat(indexer(email()).indexOrNull((Object) null)).isNull();
        assertThat(indexer(email()).index((Object) null)).hasSize(32);
    }

    @Test
    void index_wrongNumberOfValues_namesIndexAndColumns() {
        BlindIndexer idx = indexer(BlindIndexDefinition.builder().table("public.patients")
                .columns("last_name", "birth_date"));

        assertThatThrownBy(() -> idx.index("doe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blind index public.patients.last_name_birth_date_bidx has 2 column(s) "
                        + "[last_name, birth_date] but got 1 value(s)");
        assertThatThrownBy(() -> idx.index((Object[]) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index((Object) null)");
        assertThat(ring.asked).isEmpty();   // checked before the key is fetched
    }

    @Test
    void index_unsupportedType_namesIndexColumnAndTypeButNotValue() {
        assertThatThrownBy(() -> single(new java.util.Date(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("blind index public.patients.email_bidx: column email: unsupported value type "
                        + "java.util.Date; supported: String, byte[]")
                .hasMessageNotContaining("1970");
    }

    @Test
    void index_unpairedSurrogate_isRefusedNotReplaced() {
        assertThatThrownBy(() -> single("a\uD800b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blind index public.patients.email_bidx: column email: text is not valid Unicode "
                        + "(unpaired surrogate)");
    }

    @Test
    void index_ofText_isOverUtf8WithAndWithoutSurrogatePairs() throws KeyException {
        // the encoder takes String.getBytes for text without surrogates and the strict encoder otherwise: same bytes
        for (String text : new String[] {"alice@example.com", "Zoë Ångström", "日本語", "smile \uD83D\uDE00 ok",
                "\uD83D\uDE00", ""}) {
            byte[] message = Expected.message(0x01, 0x01, "email_bidx", 1).text(text).bytes();

            assertThat(single(text)).as(text).isEqualTo(Expected.hmacSha256(KEY, message));
        }
    }

    @Test
    void indexAllVersions_withOneVersion_isThePrimarysValueAlone() throws KeyException {
        BlindIndexer idx = indexer(email());

        assertThat(idx.indexAllVersions("alice@example.com")).singleElement()
                .satisfies(v -> assertThat(hex(v)).isEqualTo(KAT_EMAIL));
    }

    @Test
    void index_keyUnavailable_propagatesTheRingsException() {
        BlindIndexer idx = BlindIndexer.of(email().build(), new FailingKeyRing());

        assertThatThrownBy(() -> idx.index("x")).isInstanceOf(KeyUnavailableException.class);
    }

    // ---- keys: scopes, domains, rotation -------------------------------------------------------------------------

    @Test
    void index_asksTheRingForTheIndexScope() throws KeyException {
        single("x");

        assertThat(ring.asked).containsExactly(KeyScope.blindIndex("public.patients", "email_bidx"));
    }

    @Test
    void index_joinDomain_usesDomainKeyAndLabelSoColumnsInDifferentTablesMatch() throws KeyException {
        BlindIndexer patients = indexer(email().domain("person_email"));
        BlindIndexer staff = indexer(BlindIndexDefinition.builder().table("hr.staff").column("mail")
                .name("mail_idx").domain("person_email"));

        assertThat(patients.index("a@b.c")).isEqualTo(staff.index("a@b.c"));
        assertThat(patients.index("a@b.c")).isNotEqualTo(single("a@b.c"));
        assertThat(ring.asked).containsOnly(KeyScope.blindIndex(BlindIndexDefinition.JOIN_DOMAIN_TABLE, "person_email"),
                KeyScope.blindIndex("public.patients", "email_bidx"));
        byte[] message = Expected.message(0x01, 0x02, "person_email", 1).text("a@b.c").bytes();
        assertThat(patients.index("a@b.c")).isEqualTo(Expected.hmacSha256(KEY, message));
    }

    @Test
    void indexAllVersions_afterRotation_givesPrimaryFirstThenOldVersion() throws KeyException {
        BlindIndexDefinition def = email().bits(64).build();
        BlindIndexer rotated = BlindIndexer.of(def, FixedKeyRing.rotated());
        BlindIndexer old = BlindIndexer.of(def, FixedKeyRing.standard());

        List<byte[]> all = rotated.indexAllVersions("bob@example.com");

        assertThat(all).hasSize(2);
        assertThat(all.get(0)).isEqualTo(rotated.index("bob@example.com"));
        assertThat(all.get(1)).isEqualTo(old.index("bob@example.com"));
        assertThat(Arrays.equals(all.get(0), all.get(1))).isFalse();
    }

    /** public.patients.email_bidx, fast, 256 bits, "alice@example.com", {@link FixedKeyRing#KEYSET}. */
    static final String KAT_EMAIL = "9ae52e2803a269838a73893fc4342d95f00efefefc0bee4d53b3eec79ea405d2";
    /** public.patients.name_dob_bidx [trim, lowercase], (" DOE ", 1980-01-02). */
    static final String KAT_COMPOUND = "a1623b8e5772c5473cda2c95769e2e73aeb4e018167acf082d9482653a7b9cfb";
    /** {@link #KAT_EMAIL} at 13 bits: 0x9a, 0xe5 & 0xf8. */
    static final String KAT_EMAIL_13_BITS = "9ae0";
}
