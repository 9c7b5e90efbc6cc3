package dev.veil.key;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;

/**
 * The {@link KeysetAead} of a keyset: Tink's primitive and the keyset's versions. Served as is for a keyset without
 * a usage budget (X-AES-GCM); {@link ReservingAead} adds the budget to {@link #encrypt} for AES-GCM.
 */
class VersionedAead implements KeysetAead {

    /** Tink's primitive of the keyset. */
    final Aead delegate;
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
    public final byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return delegate.decrypt(ciphertext, associatedData);
    }

    @Override
    public final boolean holdsVersion(long keyId) {
        return versions.holds(keyId);
    }

    @Override
    public final boolean knowsVersion(long keyId) {
        return versions.knows(keyId);
    }

    @Override
    public String toString() {
        return "VersionedAead[" + versions + "]";
    }
}
