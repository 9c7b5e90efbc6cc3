package dev.veil.blindindex;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds expected PRF inputs byte by byte, straight from the layout in docs/blind-index.md, and computes
 * HMAC-SHA256 with the JDK — independently of the production encoder and of Tink.
 */
final class Expected {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Expected message(int mode, int labelKind, String label, int parts) {
        Expected e = new Expected();
        e.ascii("veil-bidx-v1").u8(mode).u8(labelKind);
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        e.u32(l.length).raw(l).u32(parts);
        return e;
    }

    Expected text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u8(0x01).u32(b.length).raw(b);
    }

    Expected exactNumber(int scale, byte... unscaled) {
        return u8(0x04).u32(4 + unscaled.length).u32(scale).raw(unscaled);
    }

    Expected date(long epochDay) {
        return u8(0x07).u32(8).raw(ByteBuffer.allocate(8).putLong(epochDay).array());
    }

    Expected nullPart() {
        return u8(0x00).u32(0);
    }

    Expected ascii(String s) {
        return raw(s.getBytes(StandardCharsets.US_ASCII));
    }

    Expected u8(int v) {
        out.write(v);
        return this;
    }

    Expected u32(int v) {
        return raw(ByteBuffer.allocate(4).putInt(v).array());
    }

    Expected raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] firstBits(byte[] full, int bits) {
        byte[] out = Arrays.copyOf(full, (bits + 7) / 8);
        if (bits % 8 != 0) {
            out[out.length - 1] &= (byte) (0xFF << (8 - bits % 8));
        }
        return out;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
