package dev.veil.key;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/** The {@link KeysetAead} of a keyset without a usage budget: Tink's primitive and the keyset's versions. */
final class VersionedAead implements KeysetAead {
    private final Aead delegate;
    private final long[] versions;
    private final long[] known;

    /** @param versions the keyset's enabled versions, sorted; {@code known} all of them, sorted */
    VersionedAead(Aead delegate, long[] versions, long[] known) {
        this.delegate = delegate;
        this.versions = versions;
        this.known = known;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return delegate.encrypt(plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return delegate.decrypt(ciphertext, associatedData);
    }

    @Override
    public boolean holdsVersion(long keyId) {
        return Arrays.binarySearch(versions, keyId) >= 0;
    }

    @Override
    public boolean knowsVersion(long keyId) {
        return Arrays.binarySearch(known, keyId) >= 0;
    }

    @Override
    public String toString() {
        return "VersionedAead[" + versions.length + " versions]";
    }
}
