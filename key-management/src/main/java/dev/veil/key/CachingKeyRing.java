package dev.veil.key;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.prf.PrfSet;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The standard {@link KeyRing}: a Caffeine cache of unwrapped primitives in front of a {@link DataKeyStore}.
 *
 * <p>Per cached key, with {@code ttl}, {@code refreshAhead} and {@code maxStaleness} from the builder:
 * <ul>
 *   <li>age &lt; ttl − refreshAhead: served as is (the hot path: one cache lookup, one ticker read);</li>
 *   <li>ttl − refreshAhead ≤ age &lt; ttl: served, and one background refresh is started;</li>
 *   <li>ttl ≤ age &lt; ttl + maxStaleness: if a refresh failed because the master key is unavailable, served
 *       as <em>stale</em> (counted, logged, ring degraded) while refreshes are retried every
 *       {@code retryBackoff}; if nobody refreshed it yet, the caller reloads it;</li>
 *   <li>beyond: Caffeine has dropped it; the next call loads synchronously and fails with
 *       {@link KeyUnavailableException} while the master key is unavailable.</li>
 * </ul>
 * A refresh refused for a non-retryable reason (access denied, wrong master key) drops the cached key at once.
 * A caller that needs a version the cached keyset lacks ({@link #reloadAead}, a key rolled elsewhere) reloads it
 * on demand the same way: the cached keyset serves everyone else meanwhile and stays when the load fails.
 * Loads are single-flight per scope (Caffeine's atomic {@code get}); a failed load is remembered for
 * {@code retryBackoff} so a waiting crowd fails fast instead of queueing for one timeout each.
 *
 * <p>A {@link KeyHandle} ({@link #aeadHandle}, {@link #prfHandle}) remembers the entry it last served fresh and
 * the cache's change count read before that lookup ({@link CountedKeyCache}, which counts every change other than
 * a first load after making it); while the count is unchanged and the entry is not due for refresh, it answers
 * with that entry without a cache lookup, so it never serves an entry the cache no longer holds, nor one the ring
 * would not serve itself.
 */
final class CachingKeyRing implements KeyRing {

    private static final System.Logger LOG = System.getLogger(KeyRing.class.getName());

    /** A cached primitive and its deadlines (ticker nanos). */
    static final class CachedKey {
        final Object primitive;
        final long refreshAt;
        final long expiresAt;
        final AtomicBoolean refreshing = new AtomicBoolean();
        /** Held while the keyset is reloaded on demand ({@link #reload}): one load, the crowd takes its result. */
        final ReentrantLock reloading = new ReentrantLock();
        volatile boolean failing;
        volatile long nextAttemptAt;
        volatile boolean warned;

        CachedKey(Object primitive, long refreshAt, long expiresAt) {
            this.primitive = primitive;
            this.refreshAt = refreshAt;
            this.expiresAt = expiresAt;
        }
    }

    private record Failure(long at, KeyException error) { }

    /** Carries a checked {@link KeyException} out of Caffeine's mapping function. */
    private static final class LoadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient KeyException error;

        LoadFailure(KeyException error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    private final DataKeyStore store;
    private final CountedKeyCache cache;
    private final Ticker ticker;
    private final KeyRingListener listener;
    private final long ttlNanos;
    private final long refreshAfterNanos;
    private final long maxStaleNanos;
    private final long retryNanos;
    private final Executor refresher;
    private final ExecutorService ownedRefresher;
    private final Runnable onClose;
    private final ConcurrentHashMap<KeyScope, Failure> failures = new ConcurrentHashMap<>();
    private final LongAdder staleServes = new LongAdder();
    private final Function<KeyScope, CachedKey> loader = this::loadForCache;
    private final EncryptionBudgets budgets;
    private volatile boolean closed;

    CachingKeyRing(DataKeyStore store, Ticker ticker, KeyRingListener listener, Duration ttl, Duration refreshAhead,
            Duration maxStaleness, Duration retryBackoff, long maximumSize, Executor refresher,
            ExecutorService ownedRefresher, Runnable onClose, EncryptionBudgets budgets) {
        this.store = store;
        this.budgets = budgets;
        budgets.attach(new EncryptionBudgets.Reloader() {
            @Override
            public Object reload(KeyScope scope, Object stale) throws KeyException {
                return CachingKeyRing.this.reload(scope, stale);
            }

            @Override
            public Object install(KeyScope scope, KeysetHandle handle) throws KeyException {
                return CachingKeyRing.this.install(scope, handle);
            }

            @Override
            public void failFast(KeyScope scope) throws KeyException {
                CachingKeyRing.this.failFast(scope);
            }

            @Override
            public void failed(KeyScope scope, KeyException e) {
                recordFailure(scope, e);
            }
        });
        this.ticker = ticker;
        this.listener = listener;
        this.ttlNanos = ttl.toNanos();
        this.refreshAfterNanos = ttl.minus(refreshAhead).toNanos();
        this.maxStaleNanos = maxStaleness.toNanos();
        this.retryNanos = retryBackoff.toNanos();
        this.refresher = refresher;
        this.ownedRefresher = ownedRefresher;
        this.onClose = onClose;
        this.cache = new CountedKeyCache(ticker, maximumSize, ttl.plus(maxStaleness));
    }

    @Override
    public Aead aead(KeyScope scope) throws KeyException {
        if (scope.purpose() != KeyPurpose.ENCRYPTION) {
            throw new KeyException("aead() needs an encryption scope but got " + scope + "; use prf() for blind indexes");
        }
        return (Aead) primitive(scope);
    }

    @Override
    public PrfSet prf(KeyScope scope) throws KeyException {
        if (scope.purpose() != KeyPurpose.BLIND_INDEX) {
            throw new KeyException("prf() needs a blind-index scope but got " + scope + "; use aead() for encryption");
        }
        return (PrfSet) primitive(scope);
    }

    @Override
    public KeyHandle<Aead> aeadHandle(KeyScope scope) {
        return new RingKeyHandle<>(this, scope, KeyPurpose.ENCRYPTION);
    }

    @Override
    public KeyHandle<PrfSet> prfHandle(KeyScope scope) {
        return new RingKeyHandle<>(this, scope, KeyPurpose.BLIND_INDEX);
    }

    @Override
    public Aead reloadAead(KeyScope scope, Aead stale) throws KeyException {
        if (scope.purpose() != KeyPurpose.ENCRYPTION) {
            throw new KeyException("reloadAead() needs an encryption scope but got " + scope);
        }
        return (Aead) reload(scope, stale);
    }

    /**
     * Loads the scope's keyset again because {@code stale} (what this ring handed out) lacks a version, keeping the
     * cached entry for everyone else until the new one has loaded. When the cache already holds something newer,
     * that is the answer. While a load failed within the retry backoff, fails fast with that failure. A load that
     * fails for want of the master key or the key table leaves the cached entry in place; a refusal drops it, as a
     * refused refresh does.
     */
    Object reload(KeyScope scope, Object stale) throws KeyException {
        CachedKey k = cache.getIfPresent(scope);
        if (k == null) {
            listener.cacheMiss(scope);
            return load(scope).primitive;
        }
        if (k.primitive != stale) {
            listener.cacheHit(scope); // reloaded since the caller got its primitive
            return k.primitive;
        }
        k.reloading.lock();
        try {
            CachedKey now = cache.getIfPresent(scope);
            if (now != k) {
                return now != null ? now.primitive : load(scope).primitive; // another caller reloaded meanwhile
            }
            failFast(scope); // remembered: not recorded again
            CachedKey fresh;
            try {
                fresh = fetch(scope);
            } catch (KeyUnavailableException e) {
                recordFailure(scope, e); // the cached keyset stays
                throw e;
            } catch (KeyException e) {
                recordFailure(scope, e);
                cache.remove(scope, k);
                throw e;
            }
            cache.replace(scope, k, fresh);
            return fresh.primitive;
        } finally {
            k.reloading.unlock();
        }
    }

    /** Caches the primitive of a keyset this ring has just written to the key table (a roll). */
    Object install(KeyScope scope, KeysetHandle handle) throws KeyException {
        Object primitive = budgets.wrap(scope, handle, (Aead) DataKeyStore.primitive(scope, handle));
        long now = ticker.read();
        cache.put(scope, new CachedKey(primitive, now + refreshAfterNanos, now + ttlNanos));
        failures.remove(scope);
        return primitive;
    }

    Object primitive(KeyScope scope) throws KeyException {
        return primitive(scope, null);
    }

    /** As {@link #primitive(KeyScope)}; a fresh entry served is remembered in {@code handle} (when not null). */
    Object primitive(KeyScope scope, RingKeyHandle<?> handle) throws KeyException {
        long before = cache.changes();
        CachedKey k = cache.getIfPresent(scope);
        if (k == null) {
            listener.cacheMiss(scope);
            k = load(scope);
            if (handle != null) {
                handle.served(k, before);
            }
            return k.primitive;
        }
        long now = ticker.read();
        if (now - k.refreshAt < 0) {
            listener.cacheHit(scope);
            if (handle != null) {
                handle.served(k, before);
            }
            return k.primitive;
        }
        return aged(scope, k, now);
    }

    /** The change count a {@link RingKeyHandle} compares with (see the class comment). */
    long changes() {
        return cache.changes();
    }

    /** The cache's clock, in nanoseconds. */
    long now() {
        return ticker.read();
    }

    /** Tells the listener of a cache hit (a handle's, without a cache lookup). */
    void hit(KeyScope scope) {
        listener.cacheHit(scope);
    }

    private Object aged(KeyScope scope, CachedKey k, long now) throws KeyException {
        if (now - k.expiresAt < 0) {
            listener.cacheHit(scope);
            refreshInBackground(scope, k, now);
            return k.primitive;
        }
        if (!k.failing) {
            if (!k.refreshing.compareAndSet(false, true)) {
                listener.cacheHit(scope); // another caller is reloading it right now
                return k.primitive;
            }
            try {
                CachedKey fresh = fetch(scope);
                cache.replace(scope, k, fresh);
                return fresh.primitive;
            } catch (KeyUnavailableException e) {
                markFailing(scope, k, e);
            } catch (KeyException e) {
                recordFailure(scope, e);
                cache.remove(scope, k);
                throw e;
            } finally {
                k.refreshing.set(false);
            }
        } else {
            refreshInBackground(scope, k, now);
        }
        staleServes.increment();
        listener.staleServed(scope, Duration.ofNanos(now - k.expiresAt));
        if (!k.warned) {
            k.warned = true;
            LOG.log(Level.WARNING, () -> "degraded: serving the cached data key for " + scope
                    + " past its time-to-live because the master key " + store.primary().id()
                    + " is unavailable; it stays usable for at most " + Duration.ofNanos(maxStaleNanos)
                    + " more, then calls fail with KeyUnavailableException");
        }
        return k.primitive;
    }

    private CachedKey load(KeyScope scope) throws KeyException {
        if (closed) {
            throw new KeyException("key ring is closed; " + scope + " cannot be loaded");
        }
        failFast(scope);
        try {
            return cache.get(scope, loader);
        } catch (LoadFailure f) {
            throw f.error;
        }
    }

    private CachedKey loadForCache(KeyScope scope) {
        try {
            // a caller that waited for another's failed load finds it remembered: not a new failure to record
            failFast(scope);
        } catch (KeyException remembered) {
            throw new LoadFailure(remembered);
        }
        try {
            return fetch(scope);
        } catch (KeyException e) {
            recordFailure(scope, e);
            throw new LoadFailure(e);
        }
    }

    private void failFast(KeyScope scope) throws KeyException {
        Failure f = failures.get(scope);
        if (f != null && ticker.read() - (f.at + retryNanos) < 0) {
            throw repeat(f.error, f.error.getMessage() + " (remembered; retried after " + Duration.ofNanos(retryNanos)
                    + ")");
        }
    }

    /** Reads or creates the keyset and builds its primitive; no cache access. */
    private CachedKey fetch(KeyScope scope) throws KeyException {
        long start = System.nanoTime();
        DataKeyStore.Loaded loaded;
        Object primitive;
        try {
            loaded = store.loadOrCreate(scope);
            primitive = DataKeyStore.primitive(scope, loaded.handle());
            if (scope.purpose() == KeyPurpose.ENCRYPTION) {
                primitive = budgets.wrap(scope, loaded.handle(), (Aead) primitive);
            }
        } catch (KeyException e) {
            String m = e.getMessage();
            throw m != null && m.contains(scope.toString()) ? e : repeat(e, "data key for " + scope + ": " + m);
        }
        long now = ticker.read();
        CachedKey k = new CachedKey(primitive, now + refreshAfterNanos, now + ttlNanos);
        listener.keyLoaded(scope, Duration.ofNanos(System.nanoTime() - start), loaded.created());
        Failure previous = failures.remove(scope);
        if (previous != null) {
            LOG.log(Level.INFO, () -> "recovered: data key for " + scope + " loaded again with master key "
                    + store.primary().id());
        }
        return k;
    }

    private void refreshInBackground(KeyScope scope, CachedKey k, long now) {
        if ((k.failing && now - k.nextAttemptAt < 0) || closed || !k.refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> refresh(scope, k));
        } catch (RejectedExecutionException e) {
            k.refreshing.set(false);
        }
    }

    private void refresh(KeyScope scope, CachedKey k) {
        try {
            CachedKey fresh = fetch(scope);
            cache.replace(scope, k, fresh);
        } catch (KeyUnavailableException e) {
            markFailing(scope, k, e);
        } catch (KeyException e) {
            recordFailure(scope, e);
            cache.remove(scope, k);
            LOG.log(Level.WARNING, () -> "dropped the cached data key for " + scope + " after a refused refresh: "
                    + e.getMessage());
        } catch (RuntimeException e) {
            markFailing(scope, k, new KeyUnavailableException("data key for " + scope + ": refresh failed: " + e, e));
        } finally {
            k.refreshing.set(false);
        }
    }

    private void markFailing(KeyScope scope, CachedKey k, KeyException e) {
        k.nextAttemptAt = ticker.read() + retryNanos;
        k.failing = true;
        recordFailure(scope, e);
    }

    private void recordFailure(KeyScope scope, KeyException e) {
        Failure previous = failures.put(scope, new Failure(ticker.read(), e));
        try {
            listener.keyLoadFailed(scope, e);
        } catch (RuntimeException ignored) {
            // a broken listener must not break key loading
        }
        LOG.log(previous == null ? Level.WARNING : Level.DEBUG, e::getMessage);
    }

    static KeyException repeat(KeyException e, String message) {
        if (e instanceof KeyUnavailableException) {
            return new KeyUnavailableException(message, e);
        }
        if (e instanceof KeyAccessDeniedException) {
            return new KeyAccessDeniedException(message, e);
        }
        return new KeyException(message, e);
    }

    @Override
    public void invalidate(KeyScope scope) {
        cache.invalidate(scope);
        failures.remove(scope);
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
        failures.clear();
    }

    @Override
    public KeyRingHealth health() {
        long now = ticker.read();
        int failing = 0;
        long latest = 0;
        String last = null;
        for (Iterator<Map.Entry<KeyScope, Failure>> it = failures.entrySet().iterator(); it.hasNext();) {
            Failure f = it.next().getValue();
            if (now - (f.at + ttlNanos) < 0) {
                failing++;
                if (last == null || f.at - latest > 0) {
                    latest = f.at;
                    last = f.error.getMessage();
                }
            } else if (now - (f.at + ttlNanos + maxStaleNanos) > 0) {
                it.remove();
            }
        }
        return new KeyRingHealth(failing > 0, failing, staleServes.sum(), last);
    }

    /** Cached scopes, for tests and diagnostics. */
    long cachedScopes() {
        return cache.estimatedSize();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cache.invalidateAll();
        if (ownedRefresher != null) {
            ownedRefresher.shutdownNow();
        }
        try {
            onClose.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing master keys failed", e);
        }
    }

    @Override
    public String toString() {
        return "KeyRing[masterKey=" + store.primary().id() + ", keyTable=" + store.table().name() + "]";
    }
}
