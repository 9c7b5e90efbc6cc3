package dev.veil.key;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;

/**
 * The AEAD of an encryption scope whose primary version is AES-GCM: every {@link #encrypt} first takes one unit
 * of the scope's in-memory reservation block for this version (one atomic decrement, no lock); only when the
 * block is used up (or belongs to another version) does it go to {@link EncryptionBudgets} to reserve the next
 * block in the key table, roll the key or reload it. Decryption and the keyset's versions are
 * {@link VersionedAead}'s: Tink's, untouched.
 */
final class ReservingAead extends VersionedAead {

    final KeyScope scope;
    final long version;
    final EncryptionBudgets.Budget budget;
    private final EncryptionBudgets budgets;

    ReservingAead(KeyScope scope, long version, Aead delegate, EncryptionBudgets.Budget budget,
            EncryptionBudgets budgets, KeysetVersions versions) {
        super(delegate, versions);
        this.scope = scope;
        this.version = version;
        this.budget = budget;
        this.budgets = budgets;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        EncryptionBudgets.Block b = budget.block;
        if (b.version == version && b.remaining.getAndDecrement() > 0) {
            return delegate.encrypt(plaintext, associatedData);
        }
        return budgets.encryptReserving(this, plaintext, associatedData);
    }

    @Override
    public String toString() {
        return "ReservingAead[" + scope + ", version " + version + "]";
    }
}
