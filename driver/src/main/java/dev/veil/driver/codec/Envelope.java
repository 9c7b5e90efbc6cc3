package dev.veil.driver.codec;

import dev.veil.driver.error.VeilSqlState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The layout of what an encrypted column stores: its writer ({@link #binary}, {@link #text}), its reader
 * ({@link #open}) and its recogniser. {@link ColumnCipher} seals and opens Tink ciphertexts through it (which of the
 * two forms a column holds is {@link StoredCiphertext}'s choice); the read-side backstop
 * ({@code dev.veil.driver.jdbc.CiphertextGuard}) asks {@link #isBinary} and {@link #isText} of every value it hands
 * out from a column Veil does not decrypt, so ciphertext reaching the application through a relation Veil has not
 * seen yet is refused instead of returned. A future format version goes here, and only here.
 *
 * <p>Binary: {@code 'V' 0x01 || tink-ciphertext}; text: {@code "veil1:" || base64(tink-ciphertext)} without
 * padding. A Tink ciphertext of Veil's AES-256-GCM keysets starts with Tink's output prefix byte {@code 0x01} and
 * a 4-byte key id, then a 12-byte nonce, the ciphertext and a 16-byte tag, so it is at least 33 bytes long. The
 * recogniser checks the header bytes, Tink's prefix byte and that minimum length; for text also that what follows
 * the prefix is unpadded base64 whose first byte is Tink's prefix. See {@code docs/what-veil-sees.md} §10 for the
 * false-positive rate.
 */
public final class Envelope {

    /** First byte of a binary envelope. */
    public static final byte MAGIC = 'V';
    /** Format version of both forms. */
    public static final byte VERSION = 1;
    /** Start of a text envelope. */
    public static final String TEXT_PREFIX = "veil1:";
    /** {@code 'V' 0x01 0x01} in PostgreSQL's {@code bytea} escape output. */
    private static final String ESCAPED_HEADER = "V\\001\\001";
    /** Tink's output prefix byte for keys with a 4-byte key id ({@code OutputPrefixType.TINK}). */
    static final byte TINK_PREFIX = 0x01;
    /** Tink prefix (5) + AES-GCM nonce (12) + tag (16): the shortest Tink ciphertext, of the empty plaintext. */
    static final int MIN_TINK_CIPHERTEXT = 5 + 12 + 16;
    /** Shortest binary envelope. */
    public static final int MIN_BINARY = 2 + MIN_TINK_CIPHERTEXT;
    /** Shortest text envelope: the prefix and 33 bytes in unpadded base64 (44 characters). */
    public static final int MIN_TEXT = TEXT_PREFIX.length() + (MIN_TINK_CIPHERTEXT * 4 + 2) / 3;

    /**
     * Shortest string form of an envelope: a binary one in PostgreSQL's {@code bytea} escape output
     * ({@code V\001\001} then at least 32 bytes of at least a character each); a text envelope is longer.
     */
    public static final int MIN_STRING = 1 + 4 + 4 + MIN_BINARY - 3;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private Envelope() {
    }

    /** The binary envelope of a Tink ciphertext: {@code 'V' 0x01 || ciphertext}. */
    public static byte[] binary(byte[] tinkCiphertext) {
        byte[] out = new byte[tinkCiphertext.length + 2];
        out[0] = MAGIC;
        out[1] = VERSION;
        System.arraycopy(tinkCiphertext, 0, out, 2, tinkCiphertext.length);
        return out;
    }

    /** The text envelope of a Tink ciphertext: {@code "veil1:" || base64(ciphertext)}, unpadded. */
    public static String text(byte[] tinkCiphertext) {
        return TEXT_PREFIX + B64.encodeToString(tinkCiphertext);
    }

    /**
     * The Tink ciphertext inside a stored value ({@code byte[]} or text), or null when the value is no envelope at
     * all (plaintext written before encryption was enabled, or around Veil). Only the header is checked here; the
     * AEAD authenticates the rest.
     *
     * @param column {@code table.column}, for messages
     * @throws SQLException VE004 for an envelope of a format version this Veil does not know; VE001 for a text
     *     envelope whose base64 is damaged (truncated or altered)
     */
    public static byte[] open(Object stored, String column) throws SQLException {
        if (stored instanceof byte[]) {
            byte[] b = (byte[]) stored;
            if (b.length < 3 || b[0] != MAGIC) {
                return null;
            }
            if (b[1] != VERSION) {
                throw VeilSqlState.UNRECOGNIZED_CIPHERTEXT.exception("value in " + column
                        + " has unknown Veil format version " + (b[1] & 0xff) + "; upgrade Veil to read it");
            }
            return Arrays.copyOfRange(b, 2, b.length);
        }
        String s = stored.toString();
        if (!s.startsWith(TEXT_PREFIX)) {
            if (s.startsWith("veil") && s.length() > 6 && s.charAt(5) == ':' && Character.isDigit(s.charAt(4))) {
                throw VeilSqlState.UNRECOGNIZED_CIPHERTEXT.exception("value in " + column
                        + " has an unknown Veil format version; upgrade Veil to read it");
            }
            return null;
        }
        try {
            // decode straight from the ASCII bytes past the prefix: no substring copy
            byte[] ascii = s.getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer decoded = B64D.decode(ByteBuffer.wrap(ascii, TEXT_PREFIX.length(),
                    ascii.length - TEXT_PREFIX.length()));
            return decoded.remaining() == decoded.array().length ? decoded.array()
                    : Arrays.copyOf(decoded.array(), decoded.remaining());
        } catch (IllegalArgumentException e) {
            throw VeilSqlState.DECRYPTION_FAILED.exception("decryption failed for " + column
                    + ": the stored text is not valid base64 (truncated or altered)");
        }
    }

    /** Whether bytes have the shape of a binary envelope (header, Tink prefix, minimum length). */
    public static boolean isBinary(byte[] b) {
        return b != null && b.length >= MIN_BINARY && b[0] == MAGIC && b[1] == VERSION && b[2] == TINK_PREFIX;
    }

    /** Whether a header read from a stream ({@code length} bytes of it) starts like a binary envelope. */
    public static boolean isBinary(byte[] head, int length) {
        return length >= MIN_BINARY && head[0] == MAGIC && head[1] == VERSION && head[2] == TINK_PREFIX;
    }

    /**
     * Whether a text has the shape of a text envelope: {@code "veil1:"}, then at least 44 characters of unpadded
     * base64 whose first byte decodes to Tink's prefix ({@code "A"} then one of {@code Q…f}).
     */
    public static boolean isText(CharSequence s) {
        int n = s == null ? 0 : s.length();
        if (n < MIN_STRING) {
            return false;
        }
        char c = s.charAt(0);
        return c == 'v' ? text(s, n, true) : (c == '\\' || c == 'V') && byteaText(s, n);
    }

    /**
     * A binary envelope as {@code getString} renders a {@code bytea}: PostgreSQL's hex output
     * ({@code \x560101…}, two digits a byte) or its escape output ({@code V\001\001…}).
     */
    private static boolean byteaText(CharSequence s, int n) {
        if (s.charAt(0) == 'V') {
            return ESCAPED_HEADER.contentEquals(s.subSequence(0, ESCAPED_HEADER.length()));
        }
        return s.charAt(1) == 'x' && n >= 2 + 2 * MIN_BINARY && s.charAt(2) == '5' && s.charAt(3) == '6'
                && s.charAt(4) == '0' && s.charAt(5) == '1' && s.charAt(6) == '0' && s.charAt(7) == '1';
    }

    /**
     * Whether the first {@link #MIN_TEXT} characters of a longer text (read from a stream) start like a text
     * envelope; as {@link #isText} but blind to what follows them, so it errs on the side of refusing.
     */
    public static boolean startsLikeText(CharSequence head) {
        return text(head, head == null ? 0 : head.length(), false);
    }

    private static boolean text(CharSequence s, int n, boolean whole) {
        if (n < MIN_TEXT || s.charAt(0) != 'v') { // the hot path: one length and one char comparison
            return false;
        }
        for (int i = 1; i < TEXT_PREFIX.length(); i++) {
            if (s.charAt(i) != TEXT_PREFIX.charAt(i)) {
                return false;
            }
        }
        int start = TEXT_PREFIX.length();
        char second = s.charAt(start + 1);
        if (s.charAt(start) != 'A' || second < 'Q' || second > 'f' || whole && (n - start) % 4 == 1) {
            return false;
        }
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }
}
