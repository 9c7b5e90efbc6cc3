package dev.veil.admin.job;

import dev.veil.admin.job.TableShape.Storage;

/**
 * SQL over stored envelopes ({@code docs/design.md} §4) that the server evaluates without any key: whether a value is
 * an envelope, and which data-key version wrote it (the Tink key id in the ciphertext header). A value too short or
 * malformed to carry a header counts as "not an envelope".
 */
public final class Envelopes {

    /** Text envelopes: {@code veil1:} + base64, at least one header's worth of base64 (8 characters). */
    private static final String TEXT_PATTERN = "'^veil1:[A-Za-z0-9+/]{8}'";

    private Envelopes() {
    }

    /** True for a Veil envelope of format 1 (NULL stays NULL). */
    public static String isEnvelope(String column, Storage storage) {
        String c = TableShape.q(column);
        if (storage == Storage.BINARY) {
            return "(length(" + c + ") >= 7 AND substring(" + c + " FROM 1 FOR 2) = '\\x5601'::bytea)";
        }
        return "(" + c + " ~ " + TEXT_PATTERN + ")";
    }

    /** True for a non-NULL value that is not an envelope: legacy plaintext, or written around Veil. */
    public static String isPlaintext(String column, Storage storage) {
        return "(" + TableShape.q(column) + " IS NOT NULL AND NOT " + isEnvelope(column, storage) + ")";
    }

    /** The data-key version (unsigned Tink key id) of an envelope, NULL for NULL and for non-envelopes. */
    public static String keyVersion(String column, Storage storage) {
        String c = TableShape.q(column);
        String header = storage == Storage.BINARY
                ? "substring(" + c + " FROM 4 FOR 4)"
                : "substring(decode(substring(" + c + " FROM 7 FOR 8), 'base64') FROM 2 FOR 4)";
        return "(CASE WHEN " + isEnvelope(column, storage) + " THEN ('x' || encode(" + header
                + ", 'hex'))::bit(32)::bigint END)";
    }

    /**
     * True for an envelope whose data-key version is not {@code version}: the same rows as
     * {@code keyVersion(column) <> version}, a job's filter evaluated for every row it reads, at a fraction of its
     * cost. The version is compared as raw header bytes, never parsed into a number: for bytea the four bytes at
     * offset 3; for text, whose base64 costs a regular expression and a decode per value to read, first the
     * 13-character prefix — {@code veil1:} and the seven base64 characters that a header under {@code version}
     * (Tink prefix byte 1) begins with, four spellings as the next byte varies — so a value already under the
     * version is ruled out by one string comparison, and only the others pay for the envelope check and the
     * decode ({@code CASE}, so the planner cannot reorder them).
     */
    public static String notUnderVersion(String column, Storage storage, long version) {
        if (version < 0 || version > 0xffffffffL) {
            throw new IllegalArgumentException("a data-key version is an unsigned 32-bit Tink key id, was " + version);
        }
        String c = TableShape.q(column);
        String id = "'\\x" + String.format("%08x", version) + "'::bytea";
        if (storage == Storage.BINARY) {
            return "(length(" + c + ") >= 7 AND substring(" + c + " FROM 1 FOR 2) = '\\x5601'::bytea AND substring("
                    + c + " FROM 4 FOR 4) <> " + id + ")";
        }
        StringBuilder prefixes = new StringBuilder();
        for (int next = 0; next < 4; next++) {
            byte[] header = {1, (byte) (version >>> 24), (byte) (version >>> 16), (byte) (version >>> 8),
                    (byte) version, (byte) (next << 6)};
            prefixes.append(next == 0 ? "" : ", ").append("'veil1:")
                    .append(java.util.Base64.getEncoder().encodeToString(header), 0, 7).append('\'');
        }
        return "(CASE WHEN left(" + c + ", 13) IN (" + prefixes + ") THEN false WHEN " + c + " ~ " + TEXT_PATTERN
                + " THEN substring(decode(substring(" + c + " FROM 7 FOR 8), 'base64') FROM 2 FOR 4) <> " + id
                + " ELSE false END)";
    }

    /**
     * The backstop CHECK of an encrypted column: NULL or an envelope of a known format version, long enough to hold
     * a Tink AES-GCM ciphertext of a one-byte plaintext (a type tag).
     */
    public static String backstop(String column, Storage storage) {
        String c = TableShape.q(column);
        if (storage == Storage.BINARY) {
            return c + " IS NULL OR (substring(" + c + " FROM 1 FOR 2) = '\\x5601'::bytea AND length(" + c + ") >= 37)";
        }
        return c + " IS NULL OR " + c + " ~ '^veil1:[A-Za-z0-9+/]{47,}$'";
    }

    /** The name of the backstop constraint of a column (at most 63 bytes, as PostgreSQL keeps). */
    public static String backstopName(String table, String column) {
        String name = "veil_" + table + "_" + column + "_envelope";
        return name.length() <= 63 ? name : name.substring(0, 50) + "_" + Integer.toHexString(name.hashCode());
    }
}
