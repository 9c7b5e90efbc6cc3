package dev.veil.driver.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Converts values in both directions, the way pgjdbc would for a column of the value's type:
 * {@link #toStored} turns what the application bound into the column's declared type before encryption;
 * {@link #to} turns a decrypted value into what a typed getter asks for.
 * Failures throw {@link ConversionException}, whose message names types only, never the value.
 */
public final class Conversions {

    private static final DateTimeFormatter PG_TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ')
            .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().toFormatter();
    private static final DateTimeFormatter PG_TIMESTAMPTZ = new DateTimeFormatterBuilder()
            .append(PG_TIMESTAMP).appendOffset("+HH:mm", "+00").toFormatter();
    private static final DateTimeFormatter LENIENT_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME).toFormatter();
    private static final DateTimeFormatter LENIENT_OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(LENIENT_DATE_TIME).optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd().toFormatter();

    private Conversions() {
    }

    /** Thrown when a value cannot convert; the message names the types involved, never the value. */
    public static final class ConversionException extends Exception {
        private static final long serialVersionUID = 1L;

        ConversionException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Converts a value the application bound into the Java type to encrypt: the declared type when there is one,
     * else the value's own (normalized) type.
     */
    public static Object toStored(Object value, ValueType declared) throws ConversionException {
        if (declared == null) {
            ValueType own = TypedValues.typeOf(value);
            if (own == null) {
                throw new ConversionException("values of type " + value.getClass().getName()
                        + " cannot be encrypted; supported: " + ValueType.configNames());
            }
            return own.javaType().isInstance(value) ? value : to(value, own.javaType());
        }
        return to(value, declared.javaType());
    }

    /** Converts {@code value} (never null) to {@code target}, as pgjdbc's typed getters would. */
    @SuppressWarnings("unchecked")
    public static <T> T to(Object value, Class<T> target) throws ConversionException {
        if (target.isInstance(value) && target != Object.class) {
            return (T) value;
        }
        Object out = convert(value, target);
        if (out == null) {
            throw new ConversionException("cannot convert a value of type " + typeName(value) + " to "
                    + target.getSimpleName());
        }
        return (T) out;
    }

    private static Object convert(Object v, Class<?> t) throws ConversionException {
        try {
            if (t == Object.class) {
                return v;
            } else if (t == String.class) {
                return asString(v);
            } else if (t == Integer.class || t == int.class) {
                return Math.toIntExact(asLong(v));
            } else if (t == Long.class || t == long.class) {
                return asLong(v);
            } else if (t == Short.class || t == short.class) {
                long l = asLong(v);
                if (l < Short.MIN_VALUE || l > Short.MAX_VALUE) {
                    throw new ArithmeticException("short overflow");
                }
                return (short) l;
            } else if (t == Byte.class || t == byte.class) {
                long l = asLong(v);
                if (l < Byte.MIN_VALUE || l > Byte.MAX_VALUE) {
                    throw new ArithmeticException("byte overflow");
                }
                return (byte) l;
            } else if (t == Boolean.class || t == boolean.class) {
                return asBoolean(v);
            } else if (t == Double.class || t == double.class) {
                if (v instanceof Number) {
                    return ((Number) v).doubleValue();
                }
                return v instanceof String ? (Object) Double.parseDouble(((String) v).trim()) : null;
            } else if (t == Float.class || t == float.class) {
                if (v instanceof Number) {
                    return ((Number) v).floatValue();
                }
                return v instanceof String ? (Object) Float.parseFloat(((String) v).trim()) : null;
            } else if (t == BigDecimal.class) {
                return asDecimal(v);
            } else if (t == BigInteger.class) {
                BigDecimal d = asDecimal(v);
                return d == null ? null : d.toBigIntegerExact();
            } else if (t == byte[].class) {
                return asBytes(v);
            } else if (t == UUID.class) {
                return v instanceof String ? UUID.fromString(((String) v).trim()) : null;
            } else if (t == LocalDate.class) {
                return asLocalDate(v);
            } else if (t == LocalTime.class) {
                return asLocalTime(v);
            } else if (t == LocalDateTime.class) {
                return asLocalDateTime(v);
            } else if (t == OffsetDateTime.class) {
                return asOffsetDateTime(v);
            } else if (t == Instant.class) {
                OffsetDateTime o = asOffsetDateTime(v);
                return o == null ? null : o.toInstant();
            } else if (t == ZonedDateTime.class) {
                OffsetDateTime o = asOffsetDateTime(v);
                return o == null ? null : o.toZonedDateTime();
            } else if (t == OffsetTime.class) {
                OffsetDateTime o = asOffsetDateTime(v);
                return o == null ? null : o.toOffsetTime();
            } else if (t == java.sql.Date.class) {
                LocalDate d = asLocalDate(v);
                return d == null ? null : java.sql.Date.valueOf(d);
            } else if (t == java.sql.Time.class) {
                LocalTime lt = asLocalTime(v);
                if (lt == null) {
                    return null;
                }
                java.sql.Time time = java.sql.Time.valueOf(lt.withNano(0));
                time.setTime(time.getTime() + lt.getNano() / 1_000_000);
                return time;
            } else if (t == java.sql.Timestamp.class) {
                if (v instanceof OffsetDateTime || v instanceof Instant) {
                    return java.sql.Timestamp.from(asOffsetDateTime(v).toInstant());
                }
                LocalDateTime l = asLocalDateTime(v);
                return l == null ? null : java.sql.Timestamp.valueOf(l);
            } else if (t == java.util.Date.class) {
                if (v instanceof OffsetDateTime || v instanceof Instant) {
                    return java.util.Date.from(asOffsetDateTime(v).toInstant());
                }
                LocalDateTime l = asLocalDateTime(v);
                return l == null ? null : java.sql.Timestamp.valueOf(l);
            } else if (t == Character.class || t == char.class) {
                String s = asString(v);
                return s.length() == 1 ? s.charAt(0) : null;
            }
            return null;
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new ConversionException("cannot convert a value of type " + typeName(v) + " to " + t.getSimpleName()
                    + " (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new ConversionException("cannot convert a value of type " + typeName(v) + " to " + t.getSimpleName());
        }
    }

    private static String typeName(Object v) {
        ValueType vt = TypedValues.typeOf(v);
        return vt == null ? v.getClass().getSimpleName() : vt.configName();
    }

    /** Text form as PostgreSQL prints the value's type. */
    public static String asString(Object v) {
        if (v instanceof String) {
            return (String) v;
        } else if (v instanceof byte[]) {
            return "\\x" + HexFormat.of().formatHex((byte[]) v);
        } else if (v instanceof Boolean) {
            return ((Boolean) v) ? "t" : "f";
        } else if (v instanceof BigDecimal) {
            return ((BigDecimal) v).toPlainString();
        } else if (v instanceof LocalDateTime) {
            return PG_TIMESTAMP.format((LocalDateTime) v);
        } else if (v instanceof java.sql.Timestamp) {
            return PG_TIMESTAMP.format(((java.sql.Timestamp) v).toLocalDateTime());
        } else if (v instanceof OffsetDateTime) {
            return PG_TIMESTAMPTZ.format((OffsetDateTime) v);
        } else if (v instanceof Instant) {
            return PG_TIMESTAMPTZ.format(((Instant) v).atOffset(ZoneOffset.UTC));
        } else if (v instanceof java.sql.Time) {
            return ((java.sql.Time) v).toLocalTime().toString();
        }
        return v.toString();
    }

    private static long asLong(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        } else if (v instanceof BigDecimal) {
            return ((BigDecimal) v).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } else if (v instanceof BigInteger) {
            return ((BigInteger) v).longValueExact();
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || d > Long.MAX_VALUE || d < Long.MIN_VALUE) {
                throw new ArithmeticException("out of range");
            }
            return (long) d;
        } else if (v instanceof String) {
            String s = ((String) v).trim();
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return new BigDecimal(s).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
            }
        }
        throw new IllegalArgumentException("not a number");
    }

    private static Boolean asBoolean(Object v) {
        if (v instanceof Boolean) {
            return (Boolean) v;
        } else if (v instanceof Number) {
            BigDecimal d = asDecimal(v);
            if (d.compareTo(BigDecimal.ONE) == 0) {
                return Boolean.TRUE;
            } else if (d.signum() == 0) {
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException("not a boolean");
        } else if (v instanceof String) {
            switch (((String) v).trim().toLowerCase(java.util.Locale.ROOT)) {
                case "t": case "true": case "y": case "yes": case "on": case "1":
                    return Boolean.TRUE;
                case "f": case "false": case "n": case "no": case "off": case "0":
                    return Boolean.FALSE;
                default:
                    throw new IllegalArgumentException("not a boolean");
            }
        }
        return null;
    }

    private static BigDecimal asDecimal(Object v) {
        if (v instanceof BigDecimal) {
            return (BigDecimal) v;
        } else if (v instanceof BigInteger) {
            return new BigDecimal((BigInteger) v);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString());
        } else if (v instanceof String) {
            return new BigDecimal(((String) v).trim());
        }
        return null;
    }

    private static byte[] asBytes(Object v) {
        if (v instanceof String) {
            String s = (String) v;
            if (s.startsWith("\\x")) {
                return HexFormat.of().parseHex(s.substring(2));
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }

    private static LocalDate asLocalDate(Object v) {
        if (v instanceof LocalDate) {
            return (LocalDate) v;
        } else if (v instanceof java.sql.Date) {
            return ((java.sql.Date) v).toLocalDate();
        } else if (v instanceof LocalDateTime) {
            return ((LocalDateTime) v).toLocalDate();
        } else if (v instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) v).toLocalDateTime().toLocalDate();
        } else if (v instanceof OffsetDateTime || v instanceof Instant) {
            return asOffsetDateTime(v).atZoneSameInstant(ZoneId.systemDefault()).toLocalDate();
        } else if (v instanceof String) {
            String s = ((String) v).trim();
            return s.length() > 10 ? asLocalDateTime(s).toLocalDate() : LocalDate.parse(s);
        }
        return null;
    }

    private static LocalTime asLocalTime(Object v) {
        if (v instanceof LocalTime) {
            return (LocalTime) v;
        } else if (v instanceof java.sql.Time) {
            java.sql.Time t = (java.sql.Time) v;
            return t.toLocalTime().withNano((int) ((t.getTime() % 1000 + 1000) % 1000) * 1_000_000);
        } else if (v instanceof LocalDateTime) {
            return ((LocalDateTime) v).toLocalTime();
        } else if (v instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) v).toLocalDateTime().toLocalTime();
        } else if (v instanceof String) {
            return LocalTime.parse(((String) v).trim());
        }
        return null;
    }

    private static LocalDateTime asLocalDateTime(Object v) {
        if (v instanceof LocalDateTime) {
            return (LocalDateTime) v;
        } else if (v instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) v).toLocalDateTime();
        } else if (v instanceof LocalDate) {
            return ((LocalDate) v).atStartOfDay();
        } else if (v instanceof java.sql.Date) {
            return ((java.sql.Date) v).toLocalDate().atStartOfDay();
        } else if (v instanceof OffsetDateTime || v instanceof Instant) {
            return asOffsetDateTime(v).atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
        } else if (v instanceof LocalTime || v instanceof java.sql.Time) {
            // as pgjdbc: a time read as a timestamp is that time on 1970-01-01
            return LocalDate.of(1970, 1, 1).atTime(asLocalTime(v));
        } else if (v instanceof String) {
            String s = ((String) v).trim();
            return s.length() == 10 ? LocalDate.parse(s).atStartOfDay() : LocalDateTime.parse(s, LENIENT_DATE_TIME);
        }
        return null;
    }

    private static OffsetDateTime asOffsetDateTime(Object v) {
        if (v instanceof OffsetDateTime) {
            return (OffsetDateTime) v;
        } else if (v instanceof Instant) {
            return ((Instant) v).atOffset(ZoneOffset.UTC);
        } else if (v instanceof ZonedDateTime) {
            return ((ZonedDateTime) v).toOffsetDateTime();
        } else if (v instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) v).toInstant().atOffset(ZoneOffset.UTC);
        } else if (v instanceof LocalDateTime) {
            return ((LocalDateTime) v).atZone(ZoneId.systemDefault()).toOffsetDateTime();
        } else if (v instanceof LocalDate) {
            return ((LocalDate) v).atStartOfDay(ZoneId.systemDefault()).toOffsetDateTime();
        } else if (v instanceof String) {
            String s = ((String) v).trim();
            java.time.temporal.TemporalAccessor ta = LENIENT_OFFSET_DATE_TIME.parse(s);
            if (ta.isSupported(ChronoField.OFFSET_SECONDS)) {
                return OffsetDateTime.from(ta);
            }
            return LocalDateTime.from(ta).atZone(ZoneId.systemDefault()).toOffsetDateTime();
        }
        return null;
    }
}
