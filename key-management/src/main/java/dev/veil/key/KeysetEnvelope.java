package dev.veil.key;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stored form of a data keyset (format 1), an envelope so the master key only ever wraps 32 bytes,
 * whatever the keyset's size (KMS Encrypt takes at most 4 KiB):
 * <pre>
 *   byte    format = 1
 *   uint16  n = length of the wrapped key-encryption key (big-endian)
 *   n bytes MasterKey.wrap(kek, context)        kek: 32 random bytes, fresh per write
 *   12      nonce
 *   rest    AES-256-GCM(kek, nonce, keyset, aad = format byte ‖ context.associatedData()) ‖ 16-byte tag
 * </pre>
 * {@code keyset} is Tink's binary keyset proto. Re-wrapping under another master key rewrites only the
 * wrapped KEK.
 */
final class KeysetEnvelope {

    static final int FORMAT = 1;
    private static final int KEK_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeysetEnvelope() {
    }

    static byte[] seal(byte[] keyset, KeyContext context, MasterKey masterKey) throws KeyException {
        byte[] kek = new byte[KEK_BYTES];
        RANDOM.nextBytes(kek);
        try {
            byte[] wrappedKek = masterKey.wrap(kek, context);
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            byte[] sealed = gcm(Cipher.ENCRYPT_MODE, kek, nonce, keyset, context);
            return assemble(wrappedKek, nonce, sealed);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    static byte[] open(byte[] envelope, KeyContext context, MasterKey masterKey) throws KeyException {
        Parts p = parse(envelope, context);
        byte[] kek = masterKey.unwrap(p.wrappedKek, context);
        try {
            if (kek.length != KEK_BYTES) {
                throw new KeyException("stored data key for " + context + " does not unwrap to a 256-bit key "
                        + "under master key " + masterKey.id() + "; the key table row is corrupt or was written by another tool");
            }
            return gcm(Cipher.DECRYPT_MODE, kek, p.nonce, p.sealed, context);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /** Replaces the wrapped KEK: unwrap with {@code from}, wrap with {@code to}; the sealed keyset is kept. */
    static byte[] rewrap(byte[] envelope, KeyContext context, MasterKey from, MasterKey to) throws KeyException {
        Parts p = parse(envelope, context);
        byte[] kek = from.unwrap(p.wrappedKek, context);
        try {
            gcm(Cipher.DECRYPT_MODE, kek, p.nonce, p.sealed, context); // proves the pair before rewriting
            return assemble(to.wrap(kek, context), p.nonce, p.sealed);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private record Parts(byte[] wrappedKek, byte[] nonce, byte[] sealed) { }

    private static Parts parse(byte[] envelope, KeyContext context) throws KeyException {
        ByteBuffer b = ByteBuffer.wrap(envelope);
        if (b.remaining() < 3 || b.get() != FORMAT) {
            throw new KeyException("stored data key for " + context + " has an unknown format (expected " + FORMAT
                    + "); it was written by a newer Veil or another tool");
        }
        int n = Short.toUnsignedInt(b.getShort());
        if (b.remaining() < n + NONCE_BYTES + TAG_BITS / 8) {
            throw new KeyException("stored data key for " + context + " is truncated; the key table row is corrupt");
        }
        byte[] wrappedKek = new byte[n];
        b.get(wrappedKek);
        byte[] nonce = new byte[NONCE_BYTES];
        b.get(nonce);
        byte[] sealed = new byte[b.remaining()];
        b.get(sealed);
        return new Parts(wrappedKek, nonce, sealed);
    }

    private static byte[] assemble(byte[] wrappedKek, byte[] nonce, byte[] sealed) throws KeyException {
        if (wrappedKek.length > 0xFFFF) {
            throw new KeyException("wrapped key-encryption key is larger than 65535 bytes");
        }
        return ByteBuffer.allocate(3 + wrappedKek.length + nonce.length + sealed.length)
                .put((byte) FORMAT).putShort((short) wrappedKek.length).put(wrappedKek).put(nonce).put(sealed)
                .array();
    }

    private static byte[] gcm(int mode, byte[] kek, byte[] nonce, byte[] input, KeyContext context)
            throws KeyException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] ad = context.associatedData();
            c.updateAAD(new byte[] {FORMAT});
            c.updateAAD(ad);
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new KeyException("stored data keyset for " + context + " failed authentication: the key table row "
                    + "was altered or belongs to another scope or database");
        }
    }
}
