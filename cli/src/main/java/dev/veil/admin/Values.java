package dev.veil.admin;

import dev.veil.driver.codec.ColumnCipher;

/** Looks at stored values without keys: envelope or not, and the data-key version in an envelope's header. */
final class Values {

    private Values() {
    }

    static boolean isEnvelope(Object raw) {
        if (raw instanceof byte[]) {
            byte[] b = (byte[]) raw;
            return b.length >= 7 && b[0] == 'V' && b[1] == 1;
        }
        return raw instanceof String && ((String) raw).startsWith(ColumnCipher.TEXT_PREFIX)
                && ((String) raw).length() >= ColumnCipher.TEXT_PREFIX.length() + 8;
    }

    /** The unsigned Tink key id of an envelope (the data-key version that wrote it); −1 when it is none. */
    static long keyVersion(Object raw) {
        if (!isEnvelope(raw)) {
            return -1;
        }
        if (raw instanceof byte[]) {
            byte[] b = (byte[]) raw;
            return ((b[3] & 0xffL) << 24) | ((b[4] & 0xffL) << 16) | ((b[5] & 0xffL) << 8) | (b[6] & 0xffL);
        }
        // the 8 base64 characters after the prefix hold the 6 header bytes; bytes 1..4 are the key id
        String s = (String) raw;
        int p = ColumnCipher.TEXT_PREFIX.length();
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            int d = base64Digit(s.charAt(p + i));
            if (d < 0) {
                return -1;
            }
            bits = (bits << 6) | d;
        }
        return (bits >>> 8) & 0xffffffffL; // 48 bits: byte 0, the 4 key-id bytes, byte 5
    }

    /** The value of a standard base64 digit, −1 for anything else (as {@code Base64.getDecoder()} refuses it). */
    private static int base64Digit(char ch) {
        if (ch >= 'A' && ch <= 'Z') {
            return ch - 'A';
        }
        if (ch >= 'a' && ch <= 'z') {
            return ch - 'a' + 26;
        }
        if (ch >= '0' && ch <= '9') {
            return ch - '0' + 52;
        }
        return ch == '+' ? 62 : ch == '/' ? 63 : -1;
    }

    /** Whether a decrypted value is the value that was encrypted (arrays by content, decimals with their scale). */
    static boolean same(Object a, Object b) {
        return java.util.Objects.deepEquals(a, b);
    }
}
