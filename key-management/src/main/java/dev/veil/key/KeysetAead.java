package dev.veil.key;

import com.google.crypto.tink.Aead;

/**
 * The AEAD a {@link KeyRing} serves for an encryption scope, which can also tell which key versions of the keyset
 * it was built from it decrypts with. A caller whose ciphertext does not decrypt reads the version from the
 * ciphertext (Tink's 5-byte prefix: {@code 0x01} and the 4-byte key id) and asks: a version this primitive holds
 * means the value itself is unreadable — altered, truncated, moved to another column or row — and no reload can
 * help; one it knows but does not hold is disabled in this keyset; one it does not know may have been added since
 * the keyset was cached (a rotation or a roll in another process), which a reload of the keyset brings. Key ids are
 * not secret: every ciphertext carries one.
 */
public interface KeysetAead extends Aead {

    /** Whether {@code keyId} (Tink's key id, unsigned) is an enabled version of this primitive's keyset. */
    boolean holdsVersion(long keyId);

    /**
     * Whether {@code keyId} is a version of this primitive's keyset at all, enabled or disabled: a disabled one is
     * known and deliberately unusable here, an unknown one may have been added since the keyset was cached.
     */
    boolean knowsVersion(long keyId);

    /**
     * The version a Tink ciphertext with output prefix {@code TINK} (every Veil data key's) was encrypted under, or
     * -1 when {@code ciphertext} has no such prefix.
     */
    static long versionOf(byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length < 5 || ciphertext[0] != 0x01) {
            return -1;
        }
        return (ciphertext[1] & 0xffL) << 24 | (ciphertext[2] & 0xff) << 16 | (ciphertext[3] & 0xff) << 8
                | ciphertext[4] & 0xff;
    }
}
