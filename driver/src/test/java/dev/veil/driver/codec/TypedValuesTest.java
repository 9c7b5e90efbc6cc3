package dev.veil.driver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers for the stored typed plaintext ({@code [tag][payload]}, docs/design.md §2): each vector is the exact
 * byte string that is encrypted for a value, derived from the table in design.md and not from this code. A change of
 * the stored format fails here, loudly, before it can make stored values unreadable. The vectors are listed in
 * design.md §2 ("Known answers").
 */
class TypedValuesTest {

    private static final HexFormat HEX = HexFormat.of();

    /** A value, the type it is stored as, and the stored plaintext in hex. */
    static Stream<Arguments> vectors() {
        return Stream.of(
                v(ValueType.STRING, "héllo ✓", "0168c3a96c6c6f20e29c93"),
                v(ValueType.STRING, "", "01"),
                v(ValueType.BYTES, new byte[] {0, 1, (byte) 0xff}, "020001ff"),
                v(ValueType.BYTES, new byte[0], "02"),
                v(ValueType.BOOLEAN, true, "0301"),
                v(ValueType.BOOLEAN, false, "0300"),
                v(ValueType.SHORT, (short) -7, "04fff9"),
                v(ValueType.INT, 42, "050000002a"),
                v(ValueType.INT, -1, "05ffffffff"),
                v(ValueType.LONG, -9_000_000_000L, "06fffffffde78ee600"),
                v(ValueType.LONG, Long.MAX_VALUE, "067fffffffffffffff"),
                v(ValueType.FLOAT, 1.5f, "073fc00000"),
                v(ValueType.DOUBLE, 1.5d, "083ff8000000000000"),
                v(ValueType.DOUBLE, -0.0d, "088000000000000000"),
                v(ValueType.DOUBLE, Math.PI, "08400921fb54442d18"),
                v(ValueType.DECIMAL, new BigDecimal("1.50"), "09000000020096"),
                v(ValueType.DECIMAL, new BigDecimal("-1"), "0900000000ff"),
                v(ValueType.DECIMAL, new BigDecimal("1E+3"), "09fffffffd01"),
                v(ValueType.DECIMAL, new BigDecimal("-123456789012345678901234567890.000001"),
                        "0900000006e8391c4028f0211513be8e8d25277f"),
                v(ValueType.UUID, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                        "0a123e4567e89b12d3a456426614174000"),
                v(ValueType.LOCAL_DATE, LocalDate.of(1969, 7, 20), "0bffffffffffffff5b"),
                v(ValueType.LOCAL_DATE, LocalDate.of(2000, 1, 1), "0b0000000000002acd"),
                v(ValueType.LOCAL_TIME, LocalTime.of(23, 59, 58, 123_456_789), "0c00004e9421753915"),
                v(ValueType.LOCAL_DATE_TIME, LocalDateTime.of(2024, 2, 29, 12, 0, 0, 1),
                        "0d0000000000004d460000274a48a78001"),
                v(ValueType.OFFSET_DATE_TIME, OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 5, ZoneOffset.ofHours(-5)),
                        "0e00000000659246d000000005ffffb9b0"),
                v(ValueType.INSTANT, Instant.ofEpochSecond(-1, 999), "0fffffffffffffffff000003e7"),
                v(ValueType.SQL_DATE, java.sql.Date.valueOf("2020-01-02"), "100000000000004757"),
                v(ValueType.SQL_TIME, sqlTime("10:11:12", 123), "110000215a64dd54c0"),
                v(ValueType.SQL_TIMESTAMP, java.sql.Timestamp.valueOf("2020-01-02 03:04:05.123456789"),
                        "12000000000000475700000a0ba4a8ff15"));
    }

    private static Arguments v(ValueType type, Object value, String hex) {
        return Arguments.of(type, value, hex);
    }

    /** {@code java.sql.Time} with milliseconds (valueOf has none). */
    private static java.sql.Time sqlTime(String hms, int millis) {
        java.sql.Time t = java.sql.Time.valueOf(hms);
        t.setTime(t.getTime() + millis);
        return t;
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("vectors")
    void encodeWritesTheKnownBytes(ValueType type, Object value, String hex) {
        assertThat(TypedValues.typeOf(value)).isEqualTo(type);
        assertThat(HEX.formatHex(TypedValues.encode(type, value))).isEqualTo(hex);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("vectors")
    void decodeOfTheKnownBytesGivesTheValueBackInItsType(ValueType type, Object value, String hex) {
        Object decoded = TypedValues.decode(HEX.parseHex(hex));
        assertThat(decoded).isInstanceOf(type.javaType());
        if (value instanceof byte[]) {
            assertThat((byte[]) decoded).isEqualTo((byte[]) value);
        } else if (value instanceof java.sql.Time) {
            assertThat(((java.sql.Time) decoded).getTime()).isEqualTo(((java.sql.Time) value).getTime());
        } else {
            assertThat(decoded).isEqualTo(value);
        }
    }

    @Test
    void everyTypeHasAKnownAnswer() {
        Set<ValueType> covered = vectors().map(a -> (ValueType) a.get()[0])
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(ValueType.class)));
        assertThat(covered).as("a new ValueType needs a known-answer vector here and in design.md §2")
                .isEqualTo(EnumSet.allOf(ValueType.class));
    }

    @Test
    void tagsAreTheStoredOnesAndNeverRenumbered() {
        List<String> tags = Arrays.stream(ValueType.values()).map(t -> t.tag() + " " + t.configName()).toList();
        assertThat(tags).containsExactly("1 string", "2 bytes", "3 boolean", "4 short", "5 int", "6 long", "7 float",
                "8 double", "9 decimal", "10 uuid", "11 local-date", "12 local-time", "13 local-date-time",
                "14 offset-date-time", "15 instant", "16 sql-date", "17 sql-time", "18 sql-timestamp");
        for (ValueType t : ValueType.values()) {
            assertThat(t.tag() & Padding.PADDED_FLAG).as("the padded flag bit stays free").isZero();
        }
    }

    @Test
    void narrowerJavaTypesAreStoredAsTheirWiderType() {
        assertThat(HEX.formatHex(TypedValues.encode(TypedValues.typeOf((byte) 5), (byte) 5))).isEqualTo("040005");
        assertThat(HEX.formatHex(TypedValues.encode(TypedValues.typeOf('x'), 'x'))).isEqualTo("0178");
        assertThat(HEX.formatHex(TypedValues.encode(TypedValues.typeOf(BigInteger.valueOf(12345)),
                BigInteger.valueOf(12345)))).isEqualTo("09000000003039");
        assertThat(TypedValues.decode(HEX.parseHex("09000000003039"))).isEqualTo(new BigDecimal("12345"));
        assertThat(TypedValues.typeOf(new Object())).isNull();
    }

    @Test
    void thePaddedFormOfAKnownVectorDecodesToTheSameValue() {
        // [0x80 | 5] [length 4] [payload 0000002a] [zeros up to 16]
        assertThat(TypedValues.decode(HEX.parseHex("8500000004" + "0000002a" + "00000000000000"))).isEqualTo(42);
        assertThat(TypedValues.decode(HEX.parseHex("8500000004" + "0000002a")))
                .isEqualTo(42);
    }

    @Test
    void malformedPlaintextsAreRefusedWithoutNamingBytes() {
        for (String hex : List.of("", "00", "7f00", "0500002a", "05000000002a", "0900000002",
                "85000000ff0000002a", "8500000004" + "0000002a" + "01", "85000001")) {
            assertThatThrownBy(() -> TypedValues.decode(HEX.parseHex(hex))).as(hex)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("2a").doesNotContain("ff"));
        }
    }
}
