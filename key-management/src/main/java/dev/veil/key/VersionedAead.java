package dev.veil.key;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;

/** The {@link KeysetAead} of a keyset without a usage budget: Tink's primitive and the keyset's versions. */
final class VersionedAead implements KeysetAead {
    private final Aead delegate;
    private final KeysetVersions versions;

    VersionedAead(Aead delegate, KeysetVersions versions) {
        this.delegate = delegate;
        this.versions = versions;
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
        return versions.holds(keyId);
    }

    @Override
    public boolean knowsVersion(long keyId) {
        return versions.knows(keyId);
    }

    @Override
    public String toString() {
        return "VersionedAead[" + versions + "]";
    }
}
