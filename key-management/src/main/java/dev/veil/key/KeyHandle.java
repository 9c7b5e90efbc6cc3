package dev.veil.key;

/**
 * One scope's primitive for a caller that asks for it for every value it encrypts, decrypts or indexes (a column's
 * cipher, a blind index): {@link #get()} answers exactly as {@link KeyRing#aead} or {@link KeyRing#prf} would at
 * that moment. The standard ring answers it without a cache lookup while nothing in the ring has changed since the
 * handle's last answer and that key is not yet due for refresh; any change to the cache other than a first load
 * (a refresh, reload, roll, removal, invalidation or eviction, of any scope) sends the next call through the cache
 * again. Thread-safe.
 *
 * @param <T> {@link com.google.crypto.tink.Aead} or {@link com.google.crypto.tink.prf.PrfSet}
 */
@FunctionalInterface
public interface KeyHandle<T> {

    /**
     * The scope's primitive now.
     *
     * @throws KeyException as {@link KeyRing#aead}
     */
    T get() throws KeyException;
}
