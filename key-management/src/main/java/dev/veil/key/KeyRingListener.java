package dev.veil.key;

import java.time.Duration;

/**
 * Receives counters and timings from a {@link KeyRing}, for metrics (a Micrometer bridge lives outside this
 * module). Every method has a no-op default. Methods are called on the caller's thread, some of them on the
 * encryption hot path ({@link #cacheHit}): keep them cheap and never throw.
 */
public interface KeyRingListener {

    /** Does nothing; the default listener. */
    KeyRingListener NO_OP = new KeyRingListener() { };

    /** The outcome of one master-key call. */
    enum Outcome {
        SUCCESS,
        /** unreachable, timed out, throttled or 5xx after retries: {@link KeyUnavailableException} */
        UNAVAILABLE,
        /** access denied, key disabled or deleted: {@link KeyAccessDeniedException} */
        ACCESS_DENIED,
        /** anything else, e.g. a ciphertext that does not unwrap */
        FAILED
    }

    /** A cached primitive was handed out within its time-to-live. */
    default void cacheHit(KeyScope scope) { }

    /** Nothing was cached for the scope; a load follows (possibly shared with other threads). */
    default void cacheMiss(KeyScope scope) { }

    /**
     * A data key was read (or created) and unwrapped, on a miss or a refresh.
     *
     * @param created true when this ring generated and stored the scope's first keyset
     */
    default void keyLoaded(KeyScope scope, Duration duration, boolean created) { }

    /** A load or refresh failed; {@code error} names scope and master key, never key material. */
    default void keyLoadFailed(KeyScope scope, KeyException error) { }

    /** A cached key was handed out past its time-to-live because the master key could not be reached. */
    default void staleServed(KeyScope scope, Duration pastTimeToLive) { }

    /**
     * One call to the master key (for AWS: one KMS API call including the SDK's retries).
     *
     * @param operation {@code wrap} or {@code unwrap}
     */
    default void masterKeyCall(String masterKeyId, String operation, Duration duration, Outcome outcome) { }

    /**
     * A ring reserved {@code block} encryptions under an AES-GCM key version in the key table (once per block,
     * default every 1,048,576 encryptions per scope).
     *
     * @param reservedTotal encryptions reserved under {@code version} so far, by all rings and processes
     */
    default void encryptionsReserved(KeyScope scope, long version, long block, long reservedTotal) { }

    /**
     * This ring rolled an AES-GCM data key whose version reached its encryption limit: {@code newVersion} is the
     * new primary; {@code oldVersion} still decrypts.
     */
    default void keyRolled(KeyScope scope, long oldVersion, long newVersion) { }
}
