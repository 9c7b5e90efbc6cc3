package dev.veil.blindindex;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * The exact bytes fed to the PRF (and to Argon2id). Every field is self-delimiting, so no two different
 * (label, parts) inputs give the same bytes. Layout (all integers big-endian), documented in
 * {@code docs/blind-index.md}:
 *
 * <pre>
 * "veil-bidx-v1"            12 ASCII bytes, domain separation from every other use of the key
 * mode                      1 byte: 0x01 fast index, 0x02 Argon2id password, 0x03 Argon2id secret
 * label kind                1 byte: 0x01 index name, 0x02 join-domain name
 * u32 n ‖ label             UTF-8
 * u32 parts                 number of parts (0 for the Argon2id secret)
 * per part: tag ‖ u32 n ‖ payload
 * </pre>
 */
final class CanonicalEncoder {

    static final byte[] PREFIX = "veil-bidx-v1".getBytes(StandardCharsets.US_ASCII);

    static final int MODE_FAST = 0x01;
    static final int MODE_ARGON2ID_PASSWORD = 0x02;
    static final int MODE_ARGON2ID_SECRET = 0x03;

    static final int TAG_NULL = 0x00;
    static final int TAG_TEXT = 0x01;
    static final int TAG_BYTES = 0x02;
    static final int TAG_BOOLEAN = 0x03;
    static final int TAG_EXACT_NUMBER = 0x04;
    static final int TAG_FLOAT = 0x05;
    static final int TAG_UUID = 0x06;
    static final int TAG_DATE = 0x07;
    static final int TAG_TIME = 0x08;
    static final int TAG_TIMESTAMP = 0x09;
    static final int TAG_TIMESTAMPTZ = 0x0A;

    static final String SUPPORTED = "String, byte[], Boolean, Byte, Short, Integer, Long, BigInteger, BigDecimal, "
            + "Float, Double, UUID, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, ZonedDateTime, Instant, "
            + "java.sql.Date, java.sql.Time, java.sql.Timestamp";

    private CanonicalEncoder() {
    }

    /** The PRF (or Argon2id password) input for one row's parts. */
    static byte[] message(int mode, BlindIndexDefinition def, Object[] values) {
        return message(prefix(mode, def), def, values);
    }

    /**
     * As {@link #message(int, BlindIndexDefinition, Object[])}, from a {@link #prefix} computed once per index (the
     * hot path: the prefix does not depend on the values).
     */
    static byte[] message(byte[] prefix, BlindIndexDefinition def, Object[] values) {
        Out out = new Out(prefix.length + 4 + 40 * values.length);
        out.write(prefix, 0, prefix.length);
        out.u32(values.length);
        for (int i = 0; i < values.length; i++) {
            part(out, def, def.columns().get(i), values[i]);
        }
        return out.toByteArray();
    }

    /** The fields before the part count: domain prefix, mode, label kind and label. */
    static byte[] prefix(int mode, BlindIndexDefinition def) {
        Out out = new Out(96);
        out.write(PREFIX, 0, PREFIX.length);
        out.write(mode);
        out.write(def.labelKind().code);
        out.lengthPrefixed(def.label().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The input without parts (used for the Argon2id secret and salt). */
    static byte[] header(int mode, BlindIndexDefinition def) {
        return header(mode, def, 0).toByteArray();
    }

    private static Out header(int mode, BlindIndexDefinition def, int parts) {
        byte[] prefix = prefix(mode, def);
        Out out = new Out(prefix.length + 4);
        out.write(prefix, 0, prefix.length);
        out.u32(parts);
        return out;
    }

    private static void part(Out out, BlindIndexDefinition def, SourceColumn column, Object value) {
        if (value == null) {
            out.write(TAG_NULL);
            out.u32(0);
        } else if (value instanceof String) {
            out.write(TAG_TEXT);
            out.lengthPrefixed(utf8(def, column, column.normalize((String) value)));
        } else if (value instanceof byte[]) {
            out.write(TAG_BYTES);
            out.lengthPrefixed((byte[]) value);
        } else if (value instanceof Boolean) {
            out.write(TAG_BOOLEAN);
            out.lengthPrefixed(new byte[] {(byte) ((Boolean) value ? 1 : 0)});
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            exactNumber(out, BigDecimal.valueOf(((Number) value).longValue()));
        } else if (value instanceof BigDecimal) {
            exactNumber(out, (BigDecimal) value);
        } else if (value instanceof BigInteger) {
            exactNumber(out, new BigDecimal((BigInteger) value));
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();   // float → double widening is exact
            if (d == 0.0) {
                d = 0.0;                                 // -0.0 equals 0.0 in SQL
            }
            out.write(TAG_FLOAT);
            out.lengthPrefixed(ByteBuffer.allocate(8).putLong(Double.doubleToLongBits(d)).array()); // one NaN
        } else if (value instanceof UUID) {
            UUID u = (UUID) value;
            out.write(TAG_UUID);
            out.lengthPrefixed(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array());
        } else if (value instanceof LocalDate) {
            date(out, (LocalDate) value);
        } else if (value instanceof java.sql.Date) {
            date(out, ((java.sql.Date) value).toLocalDate());
        } else if (value instanceof LocalTime) {
            time(out, ((LocalTime) value).toNanoOfDay());
        } else if (value instanceof java.sql.Time) {
            java.sql.Time t = (java.sql.Time) value;
            // java.sql.Time keeps milliseconds that toLocalTime() drops: the local time it denotes, like the codec
            time(out, t.toLocalTime().toNanoOfDay() + Math.floorMod(t.getTime(), 1000L) * 1_000_000L);
        } else if (value instanceof LocalDateTime) {
            timestamp(out, (LocalDateTime) value);
        } else if (value instanceof java.sql.Timestamp) {
            timestamp(out, ((java.sql.Timestamp) value).toLocalDateTime());
        } else if (value instanceof Instant) {
            instant(out, (Instant) value);
        } else if (value instanceof OffsetDateTime) {
            instant(out, ((OffsetDateTime) value).toInstant());
        } else if (value instanceof ZonedDateTime) {
            instant(out, ((ZonedDateTime) value).toInstant());
        } else {
            throw new IllegalArgumentException("blind index " + def.where() + ": column " + column.name()
                    + ": unsupported value type " + value.getClass().getName() + "; supported: " + SUPPORTED);
        }
    }

    /** Exact numbers compare by value: 5 (Integer) = 5 (Long) = 5.00 (BigDecimal) = 5E0. */
    private static void exactNumber(Out out, BigDecimal value) {
        BigDecimal v = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        byte[] unscaled = v.unscaledValue().toByteArray();       // minimal two's complement
        out.write(TAG_EXACT_NUMBER);
        out.u32(4 + unscaled.length);
        out.u32(v.scale());
        out.write(unscaled, 0, unscaled.length);
    }

    private static void date(Out out, LocalDate d) {
        out.write(TAG_DATE);
        out.lengthPrefixed(ByteBuffer.allocate(8).putLong(d.toEpochDay()).array());
    }

    private static void time(Out out, long nanoOfDay) {
        out.write(TAG_TIME);
        out.lengthPrefixed(ByteBuffer.allocate(8).putLong(nanoOfDay).array());
    }

    private static void timestamp(Out out, LocalDateTime t) {
        out.write(TAG_TIMESTAMP);
        out.lengthPrefixed(ByteBuffer.allocate(16).putLong(t.toLocalDate().toEpochDay())
                .putLong(t.toLocalTime().toNanoOfDay()).array());
    }

    private static void instant(Out out, Instant t) {
        out.write(TAG_TIMESTAMPTZ);
        out.lengthPrefixed(ByteBuffer.allocate(12).putLong(t.getEpochSecond()).putInt(t.getNano()).array());
    }

    /** Strict UTF-8: an unpaired surrogate is refused rather than replaced (replacement would make distinct strings collide). */
    private static byte[] utf8(BlindIndexDefinition def, SourceColumn column, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return strictUtf8(def, column, s);
            }
        }
        return s.getBytes(StandardCharsets.UTF_8); // no surrogate, nothing malformed: the strict encoder's bytes
    }

    /** {@link #utf8} of a string holding surrogates: pairs are encoded, an unpaired one is refused. */
    private static byte[] strictUtf8(BlindIndexDefinition def, SourceColumn column, String s) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer b = encoder.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("blind index " + def.where() + ": column " + column.name()
                    + ": text is not valid Unicode (unpaired surrogate)");
        }
    }

    /** A growable buffer with the few writes the format needs (unsynchronised, unlike ByteArrayOutputStream). */
    private static final class Out {
        private byte[] buf;
        private int count;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }

        void u32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void lengthPrefixed(byte[] b) {
            u32(b.length);
            write(b, 0, b.length);
        }
    }
}
