package dev.veil.driver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.codec.Conversions.ConversionException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers for the conversions of {@link Conversions}: what a typed getter returns for a decrypted value, what a
 * bound value is stored as, and the PostgreSQL text forms {@code getString} answers. These are what an application
 * reading through Veil sees instead of pgjdbc's own conversions, so each is pinned to a fixed answer. Conversions
 * that depend on the JVM's time zone compare with {@link ZoneId#systemDefault()}.
 */
class ConversionsTest {

    private static final LocalDateTime LEAP_NOON = LocalDateTime.of(2024, 2, 29, 12, 0, 0, 1);
    private static final OffsetDateTime NEW_YEAR_EST = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 5, ZoneOffset.ofHours(-5));

    /** The text a getString answers for a decrypted value: PostgreSQL's output form of the value's type. */
    static Stream<Arguments> textForms() {
        return Stream.of(
                Arguments.of("héllo", "héllo"),
                Arguments.of(new byte[] {0, 1, (byte) 0xff}, "\\x0001ff"),
                Arguments.of(true, "t"),
                Arguments.of(false, "f"),
                Arguments.of((short) -7, "-7"),
                Arguments.of(42, "42"),
                Arguments.of(-9_000_000_000L, "-9000000000"),
                Arguments.of(1.5f, "1.5"),
                Arguments.of(1.5d, "1.5"),
                Arguments.of(new BigDecimal("1.50"), "1.50"),
                Arguments.of(new BigDecimal("1E+3"), "1000"),
                Arguments.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                        "123e4567-e89b-12d3-a456-426614174000"),
                Arguments.of(LocalDate.of(1969, 7, 20), "1969-07-20"),
                Arguments.of(LocalTime.of(23, 59, 58, 123_456_789), "23:59:58.123456789"),
                Arguments.of(LEAP_NOON, "2024-02-29 12:00:00.000000001"),
                Arguments.of(LocalDateTime.of(2024, 2, 29, 12, 0), "2024-02-29 12:00:00"),
                Arguments.of(NEW_YEAR_EST, "2024-01-01 00:00:00.000000005-05"),
                Arguments.of(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)),
                        "2024-01-01 00:00:00+05:30"),
                Arguments.of(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "2024-01-01 00:00:00+00"),
                Arguments.of(Instant.ofEpochSecond(0, 500_000_000), "1970-01-01 00:00:00.5+00"),
                Arguments.of(java.sql.Date.valueOf("2020-01-02"), "2020-01-02"),
                Arguments.of(java.sql.Time.valueOf("10:11:12"), "10:11:12"),
                Arguments.of(java.sql.Timestamp.valueOf("2020-01-02 03:04:05.12"), "2020-01-02 03:04:05.12"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("textForms")
    void asStringGivesPostgresqlsTextForm(Object value, String text) throws Exception {
        assertThat(Conversions.asString(value)).isEqualTo(text);
        assertThat(Conversions.to(value, String.class)).isEqualTo(text);
    }

    /** A stored value, the getter's target type, and what the getter returns. */
    static Stream<Arguments> getterAnswers() {
        return Stream.of(
                // numbers: narrowing is exact, decimals and text truncate toward zero as pgjdbc's getInt/getLong do
                Arguments.of(42L, Integer.class, 42),
                Arguments.of(42, Long.class, 42L),
                Arguments.of(42, Short.class, (short) 42),
                Arguments.of(42, Byte.class, (byte) 42),
                Arguments.of("  42 ", Integer.class, 42),
                Arguments.of("1.9", Long.class, 1L),
                Arguments.of("-1.9", Long.class, -1L),
                Arguments.of(new BigDecimal("7.99"), Integer.class, 7),
                Arguments.of(2.75d, Long.class, 2L),
                Arguments.of(BigInteger.valueOf(12345), Long.class, 12345L),
                Arguments.of(42, Double.class, 42.0d),
                Arguments.of("2.5", Float.class, 2.5f),
                Arguments.of(1.1f, BigDecimal.class, new BigDecimal("1.1")),
                Arguments.of(7L, BigDecimal.class, new BigDecimal("7")),
                Arguments.of("12.30", BigDecimal.class, new BigDecimal("12.30")),
                Arguments.of(new BigDecimal("12"), BigInteger.class, BigInteger.valueOf(12)),
                // booleans: PostgreSQL's spellings, and 0 / 1
                Arguments.of("yes", Boolean.class, true),
                Arguments.of(" Off ", Boolean.class, false),
                Arguments.of("t", Boolean.class, true),
                Arguments.of(1, Boolean.class, true),
                Arguments.of(new BigDecimal("0.00"), Boolean.class, false),
                // text to the other types
                Arguments.of("\\x00ff", byte[].class, new byte[] {0, (byte) 0xff}),
                Arguments.of("ab", byte[].class, new byte[] {'a', 'b'}),
                Arguments.of("123E4567-E89B-12D3-A456-426614174000", UUID.class,
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
                Arguments.of("x", Character.class, 'x'),
                Arguments.of("2020-01-02", LocalDate.class, LocalDate.of(2020, 1, 2)),
                Arguments.of("2020-01-02 03:04:05", LocalDate.class, LocalDate.of(2020, 1, 2)),
                Arguments.of("10:11:12.5", LocalTime.class, LocalTime.of(10, 11, 12, 500_000_000)),
                Arguments.of("2020-01-02", LocalDateTime.class, LocalDateTime.of(2020, 1, 2, 0, 0)),
                Arguments.of("2020-01-02T03:04:05.6", LocalDateTime.class, LocalDateTime.of(2020, 1, 2, 3, 4, 5, 600_000_000)),
                Arguments.of("2020-01-02 03:04:05", LocalDateTime.class, LocalDateTime.of(2020, 1, 2, 3, 4, 5)),
                Arguments.of("2024-01-01 00:00:00.000000005-05:00", OffsetDateTime.class, NEW_YEAR_EST),
                Arguments.of("2024-01-01 00:00:00+05", OffsetDateTime.class,
                        OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(5))),
                Arguments.of("2024-01-01T00:00:00Z", Instant.class, Instant.parse("2024-01-01T00:00:00Z")),
                // date/time types among themselves, zone-free ones
                Arguments.of(LEAP_NOON, LocalDate.class, LocalDate.of(2024, 2, 29)),
                Arguments.of(LEAP_NOON, LocalTime.class, LocalTime.of(12, 0, 0, 1)),
                Arguments.of(LocalDate.of(2020, 1, 2), LocalDateTime.class, LocalDateTime.of(2020, 1, 2, 0, 0)),
                Arguments.of(LocalTime.of(10, 11), LocalDateTime.class, LocalDateTime.of(1970, 1, 1, 10, 11)),
                Arguments.of(NEW_YEAR_EST, Instant.class, Instant.parse("2024-01-01T05:00:00.000000005Z")),
                Arguments.of(NEW_YEAR_EST, OffsetTime.class, NEW_YEAR_EST.toOffsetTime()),
                Arguments.of(NEW_YEAR_EST, ZonedDateTime.class, NEW_YEAR_EST.toZonedDateTime()),
                Arguments.of(Instant.ofEpochSecond(60), OffsetDateTime.class,
                        OffsetDateTime.of(1970, 1, 1, 0, 1, 0, 0, ZoneOffset.UTC)),
                Arguments.of(NEW_YEAR_EST, java.sql.Timestamp.class,
                        java.sql.Timestamp.from(Instant.parse("2024-01-01T05:00:00.000000005Z"))),
                Arguments.of(LEAP_NOON, java.sql.Timestamp.class, java.sql.Timestamp.valueOf(LEAP_NOON)),
                Arguments.of(LocalDate.of(2020, 1, 2), java.sql.Date.class, java.sql.Date.valueOf("2020-01-02")),
                // zone-dependent ones: the JVM's zone, as pgjdbc
                Arguments.of(LEAP_NOON, OffsetDateTime.class, LEAP_NOON.atZone(ZoneId.systemDefault()).toOffsetDateTime()),
                Arguments.of(NEW_YEAR_EST, LocalDateTime.class,
                        NEW_YEAR_EST.atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime()),
                Arguments.of("2020-01-02 03:04:05", OffsetDateTime.class,
                        LocalDateTime.of(2020, 1, 2, 3, 4, 5).atZone(ZoneId.systemDefault()).toOffsetDateTime()));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("getterAnswers")
    void toConvertsAsTheTypedGetterWould(Object stored, Class<?> target, Object expected) throws Exception {
        Object out = Conversions.to(stored, target);
        assertThat(out).isInstanceOf(target);
        if (expected instanceof byte[]) {
            assertThat((byte[]) out).isEqualTo((byte[]) expected);
        } else {
            assertThat(out).isEqualTo(expected);
        }
    }

    @Test
    void sqlTimeKeepsItsMillisecondsBothWays() throws Exception {
        java.sql.Time t = java.sql.Time.valueOf("10:11:12");
        t.setTime(t.getTime() + 123);
        assertThat(Conversions.to(t, LocalTime.class)).isEqualTo(LocalTime.of(10, 11, 12, 123_000_000));
        java.sql.Time back = Conversions.to(LocalTime.of(10, 11, 12, 123_456_789), java.sql.Time.class);
        assertThat(back.getTime()).isEqualTo(t.getTime());
    }

    /** A bound value, the column's declared type, and what is encrypted (the declared type's Java type). */
    static Stream<Arguments> storedAnswers() {
        return Stream.of(
                Arguments.of(5L, ValueType.INT, 5),
                Arguments.of(5, ValueType.LONG, 5L),
                Arguments.of("5", ValueType.SHORT, (short) 5),
                Arguments.of(5, ValueType.STRING, "5"),
                Arguments.of(true, ValueType.STRING, "t"),
                Arguments.of(7, ValueType.DECIMAL, new BigDecimal("7")),
                Arguments.of("2020-01-02", ValueType.LOCAL_DATE, LocalDate.of(2020, 1, 2)),
                Arguments.of(java.sql.Date.valueOf("2020-01-02"), ValueType.LOCAL_DATE, LocalDate.of(2020, 1, 2)),
                Arguments.of("2024-01-01T00:00:00Z", ValueType.INSTANT, Instant.parse("2024-01-01T00:00:00Z")),
                // no declared type: the value's own type, narrower ones widened
                Arguments.of((byte) 5, null, (short) 5),
                Arguments.of('x', null, "x"),
                Arguments.of(BigInteger.TEN, null, BigDecimal.TEN),
                Arguments.of(42, null, 42));
    }

    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("storedAnswers")
    void toStoredConvertsIntoTheDeclaredType(Object bound, ValueType declared, Object expected) throws Exception {
        Object stored = Conversions.toStored(bound, declared);
        assertThat(stored).isEqualTo(expected).isInstanceOf(expected.getClass());
        assertThat(TypedValues.typeOf(stored)).isEqualTo(declared == null ? TypedValues.typeOf(expected) : declared);
    }

    @Test
    void conversionsThatLoseTheValueAreRefusedNamingTypesOnly() {
        Object[][] refused = {
            {Long.MAX_VALUE, Integer.class},
            {40_000, Short.class},
            {128, Byte.class},
            {"98765x", Integer.class},
            {Double.NaN, Long.class},
            {2, Boolean.class},
            {"maybe", Boolean.class},
            {new BigDecimal("1.5"), BigInteger.class},
            {"not-a-uuid-98765", UUID.class},
            {"2020-13-45", LocalDate.class},
            {"xy", Character.class},
            {42, UUID.class},
            {UUID.randomUUID(), LocalDate.class},
        };
        for (Object[] r : refused) {
            assertThatThrownBy(() -> Conversions.to(r[0], (Class<?>) r[1])).as(r[0] + " to " + r[1])
                    .isInstanceOf(ConversionException.class)
                    .hasMessageContaining(((Class<?>) r[1]).getSimpleName())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(String.valueOf(r[0])));
        }
        assertThatThrownBy(() -> Conversions.toStored(new Object(), null)).isInstanceOf(ConversionException.class)
                .hasMessageContaining("cannot be encrypted");
        assertThatThrownBy(() -> Conversions.toStored(9_000_000_000L, ValueType.INT))
                .isInstanceOf(ConversionException.class).hasMessage("cannot convert a value of type long to Integer "
                        + "(ArithmeticException)");
    }
}
