package dev.veil.key;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * {@link CachingKeyRing}'s cache of unwrapped keys: a Caffeine cache that counts its changes. Every change other
 * than a first load — a put (a roll), a replacement (refresh, reload), a removal, an invalidation, a size or time
 * eviction — increments {@link #changes()} after it is made; the ring's {@link RingKeyHandle}s compare the count
 * they read before a lookup with the current one, so a handle never keeps an entry the cache no longer holds. All
 * of the ring's writes go through here, so none can change the cache without counting.
 */
final class CountedKeyCache {

    private final Cache<KeyScope, CachingKeyRing.CachedKey> cache;
    private final AtomicLong changes = new AtomicLong();

    CountedKeyCache(Ticker ticker, long maximumSize, Duration expireAfterWrite) {
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(maximumSize)
                .expireAfterWrite(expireAfterWrite)
                .evictionListener((KeyScope scope, CachingKeyRing.CachedKey key, RemovalCause cause)
                        -> changes.incrementAndGet())
                .build();
    }

    /** How many times the cache has changed other than by a first load. */
    long changes() {
        return changes.get();
    }

    CachingKeyRing.CachedKey getIfPresent(KeyScope scope) {
        return cache.getIfPresent(scope);
    }

    /** The cached entry, loaded by {@code loader} when there is none (single flight; a first load, not counted). */
    CachingKeyRing.CachedKey get(KeyScope scope, Function<KeyScope, CachingKeyRing.CachedKey> loader) {
        return cache.get(scope, loader);
    }

    void put(KeyScope scope, CachingKeyRing.CachedKey key) {
        cache.put(scope, key);
        changes.incrementAndGet();
    }

    /** Replaces {@code old} with {@code fresh} if it is still cached. */
    void replace(KeyScope scope, CachingKeyRing.CachedKey old, CachingKeyRing.CachedKey fresh) {
        cache.asMap().replace(scope, old, fresh);
        changes.incrementAndGet();
    }

    /** Removes {@code old} if it is still cached. */
    void remove(KeyScope scope, CachingKeyRing.CachedKey old) {
        cache.asMap().remove(scope, old);
        changes.incrementAndGet();
    }

    void invalidate(KeyScope scope) {
        cache.invalidate(scope);
        changes.incrementAndGet();
    }

    void invalidateAll() {
        cache.invalidateAll();
        changes.incrementAndGet();
    }

    long estimatedSize() {
        return cache.estimatedSize();
    }
}
