package dev.veil.driver.codec;

import dev.veil.driver.error.VeilSqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The canonical, typed and length-prefixed encoding of a row's key value(s), which row binding puts into a
 * ciphertext's associated data ({@code docs/design.md} §3). The encoding follows the key column's SQL type, not the
 * Java type a value arrived as, so {@code setLong(1, 7)}, {@code setString(1, "7")} and the {@code Integer} pgjdbc
 * reads back all encode alike:
 *
 * <pre>
 * key   = count (1 byte) || part*
 * part  = kind (1 byte) || length (4 bytes, big-endian) || bytes
 * INTEGER (smallint, integer, bigint)  8 bytes, big-endian two's complement
 * UUID                                 16 bytes, most then least significant
 * TEXT (text, varchar)                 UTF-8
 * </pre>
 *
 * Only types whose stored value is exactly the value Veil was given are keys: {@code numeric} rounds to its scale,
 * {@code char(n)} pads, time types depend on the session time zone, and a non-deterministic collation or
 * {@code citext} makes {@code WHERE id = ?} match a row whose key is spelled differently. Those are refused.
 * Messages name the key column, never its value.
 */
public final class RowKey {

    /** The key column kinds row binding accepts. */
    public enum Kind {
        INTEGER(1),
        UUID(2),
        TEXT(3);

        final byte tag;

        Kind(int tag) {
            this.tag = (byte) tag;
        }

        /** The kind of a key column of SQL type {@code typeName} (catalog spelling), or null when it cannot be one. */
        public static Kind of(String typeName) {
            if (typeName == null) {
                return null;
            }
            switch (typeName.toLowerCase(Locale.ROOT)) {
                case "int2":
                case "int4":
                case "int8":
                case "smallint":
                case "integer":
                case "bigint":
                case "serial":
                case "bigserial":
                    return INTEGER;
                case "uuid":
                    return UUID;
                case "text":
                case "varchar":
                case "character varying":
                    return TEXT;
                default:
                    return null;
            }
        }
    }

    /** The SQL types a key column may have, for messages. */
    public static final String SUPPORTED = "smallint, integer, bigint, uuid, text or varchar (deterministic collation)";

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private RowKey() {
    }

    /**
     * Encodes one row's key.
     *
     * @param column {@code table.column} of the encrypted value, for messages
     * @param names the key columns, for messages
     * @throws SQLException (22018) when a value is NULL or does not convert exactly to its column's kind
     */
    public static byte[] encode(Kind[] kinds, Object[] values, String column, String[] names) throws SQLException {
        if (kinds.length == 1 && kinds[0] == Kind.INTEGER) {
            // the common key, without intermediate arrays: count, kind, length 8, the value
            long v = integer(values[0], column, names[0]);
            byte[] out = new byte[14];
            out[0] = 1;
            out[1] = Kind.INTEGER.tag;
            out[5] = 8;
            for (int i = 0; i < 8; i++) {
                out[6 + i] = (byte) (v >>> (56 - 8 * i));
            }
            return out;
        }
        byte[][] parts = new byte[kinds.length][];
        int size = 1;
        for (int i = 0; i < kinds.length; i++) {
            parts[i] = part(kinds[i], values[i], column, names[i]);
            size += 5 + parts[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            out.put(kinds[i].tag).putInt(parts[i].length).put(parts[i]);
        }
        return out.array();
    }

    private static SQLException nullKey(String column, String name) {
        return VeilSqlState.CONVERSION.exception("row binding: the key column " + name + " of the row of " + column
                + " is NULL or not bound; every key column needs a value to encrypt or decrypt " + column);
    }

    private static byte[] part(Kind kind, Object v, String column, String name) throws SQLException {
        if (v == null) {
            throw nullKey(column, name);
        }
        switch (kind) {
            case INTEGER:
                return ByteBuffer.allocate(8).putLong(integer(v, column, name)).array();
            case UUID:
                UUID u = uuid(v, column, name);
                return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                        .putLong(u.getLeastSignificantBits()).array();
            case TEXT:
                if (!(v instanceof String)) {
                    throw mismatch(column, name, "text", v);
                }
                return ((String) v).getBytes(StandardCharsets.UTF_8);
            default:
                throw new AssertionError(kind);
        }
    }

    private static long integer(Object v, String column, String name) throws SQLException {
        if (v == null) {
            throw nullKey(column, name);
        }
        try {
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                return ((Number) v).longValue();
            }
            if (v instanceof BigInteger) {
                return ((BigInteger) v).longValueExact();
            }
            if (v instanceof BigDecimal) {
                return ((BigDecimal) v).longValueExact();
            }
            if (v instanceof String && ((String) v).matches("[+-]?[0-9]{1,19}")) {
                return Long.parseLong((String) v);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // falls through to the refusal
        }
        throw mismatch(column, name, "an integer", v);
    }

    private static UUID uuid(Object v, String column, String name) throws SQLException {
        if (v instanceof UUID) {
            return (UUID) v;
        }
        if (v instanceof String && UUID_TEXT.matcher((String) v).matches()) {
            return UUID.fromString((String) v);
        }
        throw mismatch(column, name, "a UUID (java.util.UUID or its 36-character text)", v);
    }

    private static SQLException mismatch(String column, String name, String expected, Object v) {
        return VeilSqlState.CONVERSION.exception("row binding: the value bound for key column " + name + " (a "
                + v.getClass().getSimpleName() + ") is not exactly " + expected + ", so Veil cannot bind " + column
                + " to the row's key. Bind the key as its column's Java type");
    }
}
