package dev.veil.admin;

import dev.veil.driver.codec.ColumnCipher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

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
        byte[] header;
        if (raw instanceof byte[]) {
            header = Arrays.copyOfRange((byte[]) raw, 2, 7);
        } else {
            String s = (String) raw;
            int p = ColumnCipher.TEXT_PREFIX.length();
            try {
                header = Base64.getDecoder().decode(s.substring(p, p + 8).getBytes(StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                return -1;
            }
        }
        return ((header[1] & 0xffL) << 24) | ((header[2] & 0xffL) << 16) | ((header[3] & 0xffL) << 8)
                | (header[4] & 0xffL);
    }

    /** Whether a decrypted value is the value that was encrypted (arrays by content, decimals with their scale). */
    static boolean same(Object a, Object b) {
        return java.util.Objects.deepEquals(a, b);
    }
}
