package dev.veil.driver.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Encodes a Java value as {@code [type tag][payload]} — the plaintext that is encrypted — and back. Fixed-width
 * numbers are big-endian; the layout is specified in {@code docs/design.md} and is part of the stored format.
 */
final class TypedValues {

    /** Big-endian views of a plaintext's fixed-width fields, the order {@link ByteBuffer} writes them in. */
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private TypedValues() {
    }

    /** The type of a value Veil can encrypt, or null when unsupported. */
    public static ValueType typeOf(Object value) {
        if (value instanceof String) {
            return ValueType.STRING;
        } else if (value instanceof byte[]) {
            return ValueType.BYTES;
        } else if (value instanceof Integer) {
            return ValueType.INT;
        } else if (value instanceof Long) {
            return ValueType.LONG;
        } else if (value instanceof Boolean) {
            return ValueType.BOOLEAN;
        } else if (value instanceof Short) {
            return ValueType.SHORT;
        } else if (value instanceof Byte) {
            return ValueType.SHORT;
        } else if (value instanceof Float) {
            return ValueType.FLOAT;
        } else if (value instanceof Double) {
            return ValueType.DOUBLE;
        } else if (value instanceof BigDecimal) {
            return ValueType.DECIMAL;
        } else if (value instanceof BigInteger) {
            return ValueType.DECIMAL;
        } else if (value instanceof UUID) {
            return ValueType.UUID;
        } else if (value instanceof LocalDate) {
            return ValueType.LOCAL_DATE;
        } else if (value instanceof LocalTime) {
            return ValueType.LOCAL_TIME;
        } else if (value instanceof LocalDateTime) {
            return ValueType.LOCAL_DATE_TIME;
        } else if (value instanceof OffsetDateTime) {
            return ValueType.OFFSET_DATE_TIME;
        } else if (value instanceof Instant) {
            return ValueType.INSTANT;
        } else if (value instanceof java.sql.Timestamp) {
            return ValueType.SQL_TIMESTAMP;
        } else if (value instanceof java.sql.Date) {
            return ValueType.SQL_DATE;
        } else if (value instanceof java.sql.Time) {
            return ValueType.SQL_TIME;
        } else if (value instanceof Character) {
            return ValueType.STRING;
        }
        return null;
    }

    /**
     * Encodes {@code value}, which must already be of {@code type}'s Java type (see {@link Coercions}).
     */
    public static byte[] encode(ValueType type, Object value) {
        switch (type) {
            case STRING: {
                byte[] s = value.toString().getBytes(StandardCharsets.UTF_8);
                byte[] out = new byte[1 + s.length];
                out[0] = (byte) type.tag();
                System.arraycopy(s, 0, out, 1, s.length);
                return out;
            }
            case BYTES: {
                byte[] s = (byte[]) value;
                byte[] out = new byte[1 + s.length];
                out[0] = (byte) type.tag();
                System.arraycopy(s, 0, out, 1, s.length);
                return out;
            }
            case BOOLEAN:
                return new byte[] {(byte) type.tag(), (byte) (((Boolean) value) ? 1 : 0)};
            case SHORT:
                return buffer(type, 2).putShort(((Number) value).shortValue()).array();
            case INT:
                return buffer(type, 4).putInt((Integer) value).array();
            case LONG:
                return buffer(type, 8).putLong((Long) value).array();
            case FLOAT:
                return buffer(type, 4).putInt(Float.floatToRawIntBits((Float) value)).array();
            case DOUBLE:
                return buffer(type, 8).putLong(Double.doubleToRawLongBits((Double) value)).array();
            case DECIMAL: {
                BigDecimal d = value instanceof BigInteger ? new BigDecimal((BigInteger) value) : (BigDecimal) value;
                byte[] unscaled = d.unscaledValue().toByteArray();
                return buffer(type, 4 + unscaled.length).putInt(d.scale()).put(unscaled).array();
            }
            case UUID: {
                UUID u = (UUID) value;
                return buffer(type, 16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
            }
            case LOCAL_DATE:
                return buffer(type, 8).putLong(((LocalDate) value).toEpochDay()).array();
            case LOCAL_TIME:
                return buffer(type, 8).putLong(((LocalTime) value).toNanoOfDay()).array();
            case LOCAL_DATE_TIME: {
                LocalDateTime t = (LocalDateTime) value;
                return buffer(type, 16).putLong(t.toLocalDate().toEpochDay()).putLong(t.toLocalTime().toNanoOfDay()).array();
            }
            case OFFSET_DATE_TIME: {
                OffsetDateTime t = (OffsetDateTime) value;
                return buffer(type, 16).putLong(t.toEpochSecond()).putInt(t.getNano())
                        .putInt(t.getOffset().getTotalSeconds()).array();
            }
            case INSTANT: {
                Instant t = (Instant) value;
                return buffer(type, 12).putLong(t.getEpochSecond()).putInt(t.getNano()).array();
            }
            case SQL_DATE:
                return buffer(type, 8).putLong(((java.sql.Date) value).toLocalDate().toEpochDay()).array();
            case SQL_TIME:
                // java.sql.Time keeps milliseconds; store the local time it denotes
                return buffer(type, 8).putLong(((java.sql.Time) value).toLocalTime().toNanoOfDay()
                        + (((java.sql.Time) value).getTime() % 1000 + 1000) % 1000 * 1_000_000L).array();
            case SQL_TIMESTAMP: {
                java.sql.Timestamp t = (java.sql.Timestamp) value;
                LocalDateTime l = t.toLocalDateTime();
                return buffer(type, 16).putLong(l.toLocalDate().toEpochDay()).putLong(l.toLocalTime().toNanoOfDay()).array();
            }
            default:
                throw new IllegalArgumentException("unsupported type " + type);
        }
    }

    /**
     * Decodes a plaintext produced by {@link #encode}, unpadded ({@code [tag][payload]}) or in the padded form of
     * {@link Padding#apply} ({@code [0x80 | tag][length][payload][zeros]}); which one is told by the tag's flag bit.
     *
     * @throws IllegalArgumentException when the tag is unknown, the payload has the wrong length, or the padded
     *         form is inconsistent (length past the end, non-zero padding); the message names neither value nor bytes
     */
    public static Object decode(byte[] plain) {
        if (plain.length == 0) {
            throw new IllegalArgumentException("empty plaintext");
        }
        int tag = plain[0] & 0xff;
        if ((tag & Padding.PADDED_FLAG) == 0) {
            return decode(tag, plain, 1, plain.length - 1);
        }
        if (plain.length < Padding.HEADER) {
            throw new IllegalArgumentException("truncated padded value");
        }
        int n = ByteBuffer.wrap(plain, 1, 4).getInt();
        if (n < 0 || n > plain.length - Padding.HEADER) {
            throw new IllegalArgumentException("padded value length out of range");
        }
        for (int i = Padding.HEADER + n; i < plain.length; i++) {
            if (plain[i] != 0) {
                throw new IllegalArgumentException("non-zero padding");
            }
        }
        return decode(tag & ~Padding.PADDED_FLAG, plain, Padding.HEADER, n);
    }

    /**
     * Decodes the {@code n}-byte payload at {@code off} of a value with type tag {@code tag}. The fixed-width fields
     * are read in place ({@link #INT_BE}, {@link #LONG_BE}): no buffer object per value, on the path every decrypted
     * value takes.
     */
    private static Object decode(int tag, byte[] plain, int off, int n) {
        ValueType type = ValueType.ofTag(tag);
        if (type == null) {
            throw new IllegalArgumentException("unknown value type tag " + tag);
        }
        switch (type) {
            case STRING:
                return new String(plain, off, n, StandardCharsets.UTF_8);
            case BYTES:
                return java.util.Arrays.copyOfRange(plain, off, off + n);
            case BOOLEAN:
                expect(type, n, 1);
                return plain[off] != 0;
            case SHORT:
                expect(type, n, 2);
                return (short) SHORT_BE.get(plain, off);
            case INT:
                expect(type, n, 4);
                return (int) INT_BE.get(plain, off);
            case LONG:
                expect(type, n, 8);
                return (long) LONG_BE.get(plain, off);
            case FLOAT:
                expect(type, n, 4);
                return Float.intBitsToFloat((int) INT_BE.get(plain, off));
            case DOUBLE:
                expect(type, n, 8);
                return Double.longBitsToDouble((long) LONG_BE.get(plain, off));
            case DECIMAL: {
                if (n < 5) {
                    throw new IllegalArgumentException("truncated decimal");
                }
                int scale = (int) INT_BE.get(plain, off);
                return new BigDecimal(new BigInteger(plain, off + 4, n - 4), scale);
            }
            case UUID:
                expect(type, n, 16);
                return new UUID((long) LONG_BE.get(plain, off), (long) LONG_BE.get(plain, off + 8));
            case LOCAL_DATE:
                expect(type, n, 8);
                return LocalDate.ofEpochDay((long) LONG_BE.get(plain, off));
            case LOCAL_TIME:
                expect(type, n, 8);
                return LocalTime.ofNanoOfDay((long) LONG_BE.get(plain, off));
            case LOCAL_DATE_TIME:
                expect(type, n, 16);
                return localDateTime(plain, off);
            case OFFSET_DATE_TIME: {
                expect(type, n, 16);
                long sec = (long) LONG_BE.get(plain, off);
                int nano = (int) INT_BE.get(plain, off + 8);
                ZoneOffset offset = ZoneOffset.ofTotalSeconds((int) INT_BE.get(plain, off + 12));
                return OffsetDateTime.ofInstant(Instant.ofEpochSecond(sec, nano), offset);
            }
            case INSTANT:
                expect(type, n, 12);
                return Instant.ofEpochSecond((long) LONG_BE.get(plain, off), (int) INT_BE.get(plain, off + 8));
            case SQL_DATE:
                expect(type, n, 8);
                return java.sql.Date.valueOf(LocalDate.ofEpochDay((long) LONG_BE.get(plain, off)));
            case SQL_TIME: {
                expect(type, n, 8);
                LocalTime lt = LocalTime.ofNanoOfDay((long) LONG_BE.get(plain, off));
                java.sql.Time t = java.sql.Time.valueOf(lt.withNano(0));
                t.setTime(t.getTime() + lt.getNano() / 1_000_000);
                return t;
            }
            case SQL_TIMESTAMP:
                expect(type, n, 16);
                return java.sql.Timestamp.valueOf(localDateTime(plain, off));
            default:
                throw new IllegalArgumentException("unsupported type " + type);
        }
    }

    /** An epoch day then a nano of day, big-endian, at {@code off}. */
    private static LocalDateTime localDateTime(byte[] plain, int off) {
        return LocalDateTime.of(LocalDate.ofEpochDay((long) LONG_BE.get(plain, off)),
                LocalTime.ofNanoOfDay((long) LONG_BE.get(plain, off + 8)));
    }

    private static ByteBuffer buffer(ValueType type, int payload) {
        ByteBuffer b = ByteBuffer.allocate(1 + payload);
        b.put((byte) type.tag());
        return b;
    }

    private static void expect(ValueType type, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("bad payload length for " + type.configName());
        }
    }
}
