package dev.veil.key;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounded use of AES-GCM data keys. AES-GCM with random 96-bit nonces must not encrypt more than about 2^32
 * messages under one key; Veil keeps every key version far below that by reserving encryptions in the key table
 * before using them, across all rings and processes:
 * <ul>
 *   <li>{@code encryptions_reserved} counts the encryptions reserved under the row's {@code primary_version};</li>
 *   <li>a ring reserves {@code block} encryptions at a time with one auto-commit
 *       {@code UPDATE … SET encryptions_reserved = encryptions_reserved + block WHERE <scope> AND primary_version = v
 *       AND encryptions_reserved <= limit - block}; the row lock serialises reservers, so the total granted under
 *       {@code v} never exceeds {@code limit};</li>
 *   <li>a ring refused because the total is reached rolls the key: in one transaction holding the row lock it adds
 *       a new primary version and sets {@code encryptions_reserved = block} (its own first block); a ring refused
 *       because the primary changed reloads the keyset and reserves under the new primary.</li>
 * </ul>
 * Every encryption consumes one unit of a granted block (an atomic countdown), so the encryptions under any
 * version, summed over all processes, are at most the largest {@code limit} any of them is configured with.
 * A reservation that cannot be made fails the encryption ({@link KeyReservationException}); nothing is ever
 * encrypted unreserved. Reservations are serialised per scope per ring; other threads of the ring wait only while
 * one of them reserves.
 */
final class EncryptionBudgets {

    private static final System.Logger LOG = System.getLogger(KeyRing.class.getName());
    private static final int ATTEMPTS = 4;

    /** Units left of one granted block of one version; {@code remaining} may go negative (exhausted). */
    static final class Block {
        final long version;
        final AtomicLong remaining;

        Block(long version, long remaining) {
            this.version = version;
            this.remaining = new AtomicLong(remaining);
        }
    }

    /** One scope's current block, shared by every primitive the ring builds for the scope. */
    static final class Budget {
        volatile Block block = new Block(-1, 0); // Tink key ids are unsigned 32-bit: -1 matches none
        final ReentrantLock lock = new ReentrantLock();
    }

    interface Reloader {
        void invalidate(KeyScope scope);

        Object primitive(KeyScope scope) throws KeyException;
    }

    private final DataKeyStore store;
    private final KeyRingListener listener;
    private final long block;
    private final long limit;
    private final ConcurrentHashMap<KeyScope, Budget> budgets = new ConcurrentHashMap<>();
    private volatile Reloader ring;

    EncryptionBudgets(DataKeyStore store, KeyRingListener listener, long block, long limit) {
        this.store = store;
        this.listener = listener;
        this.block = block;
        this.limit = limit;
    }

    void attach(Reloader reloader) {
        this.ring = reloader;
    }

    /** The primitive a ring hands out for an encryption keyset: reserving when its primary is AES-GCM. */
    Aead wrap(KeyScope scope, KeysetHandle handle, Aead aead) {
        if (!(handle.getPrimary().getKey() instanceof AesGcmKey)) {
            return aead; // X-AES-GCM: random 192-bit nonces, no per-key message limit worth counting
        }
        return new ReservingAead(scope, DataKeyStore.primaryVersion(handle), aead,
                budgets.computeIfAbsent(scope, s -> new Budget()), this);
    }

    /** The slow path of {@link ReservingAead#encrypt}: reserve, roll or reload, then encrypt. */
    byte[] encryptReserving(ReservingAead first, byte[] plaintext, byte[] associatedData)
            throws GeneralSecurityException {
        KeyScope scope = first.scope;
        Budget budget = first.budget;
        try {
            budget.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyReservationException(new KeyUnavailableException("interrupted while waiting for another "
                    + "thread to reserve encryptions for " + scope + "; nothing was encrypted"));
        }
        try {
            ReservingAead current = first;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Block b = budget.block;
                if (b.version == current.version && b.remaining.getAndDecrement() > 0) {
                    return current.delegate.encrypt(plaintext, associatedData); // another thread reserved
                }
                DataKeyTable.Reservation r = store.table().reserve(scope, current.version, block, limit);
                if (r.granted()) {
                    long v = current.version;
                    budget.block = new Block(v, block - 1); // this call takes the first unit
                    notify(() -> listener.encryptionsReserved(scope, v, block, r.reserved()));
                    return current.delegate.encrypt(plaintext, associatedData);
                }
                if (r.primaryVersion() == current.version) {
                    roll(scope, budget, current.version, r.reserved());
                }
                Object next = reload(scope);
                if (!(next instanceof ReservingAead)) {
                    return ((Aead) next).encrypt(plaintext, associatedData); // primary is no longer AES-GCM
                }
                current = (ReservingAead) next;
            }
            throw new KeyUnavailableException("could not reserve encryptions for " + scope + " after " + ATTEMPTS
                    + " attempts: its key changed under every attempt; nothing was encrypted, retry");
        } catch (KeyException e) {
            throw new KeyReservationException(e.getMessage() != null && e.getMessage().contains(scope.toString())
                    ? e : CachingKeyRing.repeat(e, "reserving encryptions for " + scope + ": " + e.getMessage()));
        } finally {
            budget.lock.unlock();
        }
    }

    private void roll(KeyScope scope, Budget budget, long exhausted, long reserved) throws KeyException {
        long version = store.roll(scope, exhausted, block);
        if (version < 0) {
            return; // another ring or process rolled it first
        }
        budget.block = new Block(version, block);
        LOG.log(Level.INFO, () -> "rolled the data key " + scope + ": version " + exhausted + " reached its limit of "
                + limit + " encryptions (" + reserved + " reserved); new primary version " + version
                + ", older versions still decrypt");
        notify(() -> listener.keyRolled(scope, exhausted, version));
    }

    private Object reload(KeyScope scope) throws KeyException {
        Reloader r = ring;
        r.invalidate(scope);
        return r.primitive(scope);
    }

    private static void notify(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException ignored) {
            // a broken listener must not break encryption
        }
    }
}
