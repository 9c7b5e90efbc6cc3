package dev.veil.driver.codec;

/**
 * The layout of what an encrypted column stores, and the recogniser of it. {@link ColumnCipher} writes and reads
 * this layout; the read-side backstop ({@code dev.veil.driver.jdbc.GuardedResultSet}) asks {@link #isBinary} and
 * {@link #isText} of every value it hands out from a column Veil does not decrypt, so ciphertext reaching the
 * application through a relation Veil has not seen yet is refused instead of returned.
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

    private Envelope() {
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
