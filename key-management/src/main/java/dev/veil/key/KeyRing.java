package dev.veil.key;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;

/**
 * The only door through which the driver obtains data keys. Implementations unwrap data keys with the
 * master key, keep the primitives in a cache and create a column's data key on first use.
 * Callers never see key bytes: they get Tink primitives.
 *
 * <p>Thread-safe. Closing releases the cache and any KMS client.
 */
public interface KeyRing extends AutoCloseable {

    /** Starts configuring the standard ring (JDBC key table, master key, Caffeine cache); see {@link KeyRingBuilder}. */
    static KeyRingBuilder builder() {
        return new KeyRingBuilder();
    }

    /**
     * The AEAD of the scope's data keyset (encrypts with the primary version, decrypts with every enabled
     * version). Creates, wraps and stores the keyset when the scope has none yet.
     *
     * @throws KeyUnavailableException when the master key (KMS) cannot be reached and no cached key may be served
     * @throws KeyAccessDeniedException when the master key refuses the operation
     * @throws KeyException for any other failure (corrupt stored key, wrong master key)
     */
    Aead aead(KeyScope scope) throws KeyException;

    /** The PRF set of a blind-index scope; same life cycle as {@link #aead(KeyScope)}. */
    PrfSet prf(KeyScope scope) throws KeyException;

    /**
     * A handle on the AEAD of {@code scope} for a caller that asks for it for every value ({@link KeyHandle}):
     * the same answers as {@link #aead(KeyScope)}, which the default asks every time.
     */
    default KeyHandle<Aead> aeadHandle(KeyScope scope) {
        return () -> aead(scope);
    }

    /** As {@link #aeadHandle(KeyScope)}, for the PRF set of a blind-index scope ({@link #prf(KeyScope)}). */
    default KeyHandle<PrfSet> prfHandle(KeyScope scope) {
        return () -> prf(scope);
    }

    /**
     * Drops the cached primitive of one scope, so the next call reads and unwraps the stored keyset again
     * (for example right after {@link KeyAdministration#addVersion(KeyScope)}). The default does nothing.
     */
    default void invalidate(KeyScope scope) {
        // nothing cached
    }

    /**
     * The scope's AEAD loaded again from the key table, for a caller whose {@code stale} AEAD (one this ring handed
     * out) lacks a version it needs: a value written under a version added since (another process rolled the key
     * or an administrator added a version). When the ring already holds a newer AEAD than {@code stale}, returns it
     * without loading. Unlike {@link #invalidate}, this is a refresh: the cached keyset keeps serving every other
     * caller while the new one loads, and stays cached when the load fails — so a KMS outage while a key rolls
     * leaves readable everything the cached keyset can read, and fails only what needs the new one. The default
     * invalidates and loads.
     *
     * @throws KeyUnavailableException when the keyset cannot be loaded now (retry later; the cached one stays)
     * @throws KeyException as {@link #aead(KeyScope)}
     */
    default Aead reloadAead(KeyScope scope, Aead stale) throws KeyException {
        Aead current = aead(scope);
        if (current != stale) {
            return current;
        }
        invalidate(scope);
        return aead(scope);
    }

    /** Drops every cached primitive. The default does nothing. */
    default void invalidateAll() {
        // nothing cached
    }

    /**
     * A snapshot for health indicators: degraded while the master key recently failed and cached keys are
     * (or may soon be) served past their time-to-live. The default is always healthy.
     */
    default KeyRingHealth health() {
        return KeyRingHealth.HEALTHY;
    }

    /** Releases caches and clients; never throws. */
    @Override
    void close();
}
