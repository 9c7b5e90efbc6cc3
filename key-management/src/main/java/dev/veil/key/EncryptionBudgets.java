package dev.veil.key;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 *       a new primary version and sets {@code encryptions_reserved = block} (its own first block), and caches the
 *       keyset it wrote (no second unwrap); a ring refused because the primary changed loads the new keyset and
 *       reserves under the new primary.</li>
 * </ul>
 * Loading the new keyset is a refresh, not an invalidation: the cached keyset keeps decrypting for every caller
 * until the new one has loaded, and stays when the load fails (the KMS is down). The encryption that needed the new
 * keyset fails then ({@link KeyUnavailableException}), and so does every encryption of the scope once the block
 * already granted is used up: the key table counts reservations for the primary version only, so nothing more can
 * be reserved under a version that is no longer primary, and nothing is encrypted unreserved. The superseded
 * version is remembered, so those encryptions fail fast (the ring's retry backoff) instead of asking the key table
 * again; so does a roll that failed within the backoff.
 * Every encryption consumes one unit of a granted block (an atomic countdown), so the encryptions under any
 * version, summed over all processes, are at most the largest {@code limit} any of them is configured with.
 * A reservation that cannot be made fails the encryption ({@link KeyReservationException}); nothing is ever
 * encrypted unreserved. Reservations are serialised per scope per ring; other threads of the ring wait only while
 * one of them reserves.
 *
 * <p>Contention is retried, not reported: a reservation refused because the key changed meanwhile (another ring
 * rolled it, an administrator added a version) and a statement aborted by lock contention (serialization
 * failure, deadlock, lock timeout — possible when the key table's connections run at REPEATABLE READ or
 * SERIALIZABLE, or with a {@code lock_timeout}) are tried again, the first time at once, then after a jittered
 * exponential backoff (1 ms doubling to 100 ms), until the encryption's deadline
 * ({@code encryptionReservationTimeout}, counted from the call, lock wait included). Each lost attempt means
 * another reserver made progress, so at production limits (a roll every 2^31 encryptions) the first retry
 * succeeds; the deadline only bounds a caller's wait. Connection failures are not retried here: they fail the
 * encryption at once (the driver's VE002).
 */
final class EncryptionBudgets {

    private static final System.Logger LOG = System.getLogger(KeyRing.class.getName());
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** serialization_failure, deadlock_detected, lock_not_available: the statement lost a race for a lock. */
    private static final Set<String> CONTENTION = Set.of("40001", "40P01", "55P03");

    /** Time and waiting for the reservation retries; tests pass a fake that moves only when waited on. */
    interface RetryClock {
        RetryClock SYSTEM = new RetryClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        };

        long nanoTime();

        void sleep(long nanos) throws InterruptedException;
    }

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
        /** A version the key table said is no longer primary: never reserved under again, the keyset is reloaded. */
        volatile long superseded = -1;
        final ReentrantLock lock = new ReentrantLock();
    }

    /** The ring's side: its cache of primitives and its memory of failed loads. */
    interface Reloader {
        /** The scope's primitive loaded again, the cached one kept (and used) meanwhile: {@link KeyRing#reloadAead}. */
        Object reload(KeyScope scope, Object stale) throws KeyException;

        /** Caches the primitive of a keyset this ring has just written (a roll) and returns it: no unwrap needed. */
        Object install(KeyScope scope, KeysetHandle handle) throws KeyException;

        /** Throws the scope's remembered failure while its retry backoff lasts. */
        void failFast(KeyScope scope) throws KeyException;

        /** Remembers a failure (health, listeners, backoff). */
        void failed(KeyScope scope, KeyException e);
    }

    private final DataKeyStore store;
    private final KeyRingListener listener;
    private final long block;
    private final long limit;
    private final Duration timeout;
    private final RetryClock clock;
    private final ConcurrentHashMap<KeyScope, Budget> budgets = new ConcurrentHashMap<>();
    private volatile Reloader ring;

    EncryptionBudgets(DataKeyStore store, KeyRingListener listener, long block, long limit, Duration timeout,
            RetryClock clock) {
        this.store = store;
        this.listener = listener;
        this.block = block;
        this.limit = limit;
        this.timeout = timeout;
        this.clock = clock;
    }

    void attach(Reloader reloader) {
        this.ring = reloader;
    }

    /**
     * The primitive a ring hands out for an encryption keyset: reserving when its primary is AES-GCM; either way a
     * {@link KeysetAead} that knows the keyset's versions.
     */
    KeysetAead wrap(KeyScope scope, KeysetHandle handle, Aead aead) {
        KeysetVersions versions = KeysetVersions.of(handle);
        if (!(handle.getPrimary().getKey() instanceof AesGcmKey)) {
            // X-AES-GCM: random 192-bit nonces, no per-key message limit worth counting
            return new VersionedAead(aead, versions);
        }
        return new ReservingAead(scope, DataKeyStore.primaryVersion(handle), aead,
                budgets.computeIfAbsent(scope, s -> new Budget()), this, versions);
    }


    /**
     * The slow path of {@link ReservingAead#encrypt}: reserve, roll or reload, then encrypt; contention is retried
     * until the deadline (class comment).
     */
    byte[] encryptReserving(ReservingAead first, byte[] plaintext, byte[] associatedData)
            throws GeneralSecurityException {
        KeyScope scope = first.scope;
        Budget budget = first.budget;
        long deadline = clock.nanoTime() + timeout.toNanos();
        try {
            if (!budget.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new KeyReservationException(new KeyUnavailableException("another thread of this ring has been "
                        + "reserving encryptions for " + scope + " for longer than the reservation timeout " + timeout
                        + "; nothing was encrypted, retry"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyReservationException(new KeyUnavailableException("interrupted while waiting for another "
                    + "thread to reserve encryptions for " + scope + "; nothing was encrypted"));
        }
        try {
            ReservingAead current = first;
            for (int attempt = 1; ; attempt++) {
                Block b = budget.block;
                if (b.version == current.version && b.remaining.getAndDecrement() > 0) {
                    return current.delegate.encrypt(plaintext, associatedData); // reserved by another thread or a roll
                }
                String lost;
                try {
                    Object next = null;
                    boolean exhausted = false;
                    if (budget.superseded != current.version) {
                        DataKeyTable.Reservation r = store.table().reserve(scope, current.version, block, limit);
                        if (r.granted()) {
                            long v = current.version;
                            budget.block = new Block(v, block - 1); // this call takes the first unit
                            notify(() -> listener.encryptionsReserved(scope, v, block, r.reserved()));
                            return current.delegate.encrypt(plaintext, associatedData);
                        }
                        exhausted = r.primaryVersion() == current.version;
                        DataKeyStore.Rolled rolled = exhausted ? roll(scope, budget, current.version, r.reserved())
                                : null;
                        if (rolled != null) {
                            next = ring.install(scope, rolled.handle());
                        } else {
                            budget.superseded = current.version;
                        }
                    }
                    boolean rolledHere = next != null;
                    if (next == null) {
                        // the primary moved on: load the new keyset; the cached one keeps decrypting meanwhile
                        next = ring.reload(scope, current);
                    }
                    if (!(next instanceof ReservingAead)) {
                        return ((Aead) next).encrypt(plaintext, associatedData); // primary is no longer AES-GCM
                    }
                    current = (ReservingAead) next;
                    if (current.version == budget.superseded) {
                        budget.superseded = -1; // the key table made it primary again: reserve under it
                    }
                    if (rolledHere) {
                        continue; // this ring rolled: its first block under the new version is waiting
                    }
                    lost = exhausted ? "another ring rolled the exhausted key first"
                            : "the key changed (another ring rolled it or an administrator added a version)";
                } catch (KeyException e) {
                    String state = contention(e);
                    if (state == null) {
                        throw e;
                    }
                    lost = "lock contention in the key table (SQLState " + state + ")";
                }
                long pause = backoff(attempt);
                if (clock.nanoTime() + pause - deadline >= 0) {
                    String last = lost;
                    int attempts = attempt;
                    throw new KeyUnavailableException("could not reserve encryptions for " + scope + " within the "
                            + "reservation timeout " + timeout + " (" + attempts + " attempts, the last lost because "
                            + last + "); nothing was encrypted, retry");
                }
                if (pause > 0) {
                    clock.sleep(pause);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyReservationException(new KeyUnavailableException("interrupted while retrying to reserve "
                    + "encryptions for " + scope + "; nothing was encrypted"));
        } catch (KeyException e) {
            throw new KeyReservationException(e.getMessage() != null && e.getMessage().contains(scope.toString())
                    ? e : CachingKeyRing.repeat(e, "reserving encryptions for " + scope + ": " + e.getMessage()));
        } finally {
            budget.lock.unlock();
        }
    }

    /** No wait before the first retry; then a random wait in [d/2, d], d = 1 ms doubling up to 100 ms. */
    static long backoff(int attempt) {
        if (attempt <= 1) {
            return 0;
        }
        long d = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(attempt - 2, 20));
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    /** The SQLState when {@code e} was caused by lock contention (retry), else null. */
    static String contention(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null && CONTENTION.contains(s.getSQLState())) {
                        return s.getSQLState();
                    }
                }
            }
        }
        return null;
    }

    /**
     * Rolls the exhausted key unless a roll failed within the retry backoff (the KMS or the key table is unavailable:
     * a crowd of writers fails fast instead of each waiting for the same timeout).
     *
     * @return the keyset as written with its new primary version, or null when another ring or process rolled first
     */
    private DataKeyStore.Rolled roll(KeyScope scope, Budget budget, long exhausted, long reserved)
            throws KeyException {
        ring.failFast(scope);
        DataKeyStore.Rolled rolled;
        try {
            rolled = store.roll(scope, exhausted, block);
        } catch (KeyUnavailableException e) {
            ring.failed(scope, e);
            throw e;
        }
        if (rolled == null) {
            return null;
        }
        long version = rolled.version();
        budget.block = new Block(version, block);
        LOG.log(Level.INFO, () -> "rolled the data key " + scope + ": version " + exhausted + " reached its limit of "
                + limit + " encryptions (" + reserved + " reserved); new primary version " + version
                + ", older versions still decrypt");
        notify(() -> listener.keyRolled(scope, exhausted, version));
        return rolled;
    }

    private static void notify(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException ignored) {
            // a broken listener must not break encryption
        }
    }
}
