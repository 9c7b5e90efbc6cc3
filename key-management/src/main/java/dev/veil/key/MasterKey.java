package dev.veil.key;

import java.util.Map;

/**
 * A key-encryption key that wraps and unwraps small secrets (Veil wraps a fresh 256-bit key per stored
 * keyset, see docs/key-management.md), bound to a {@link KeyContext}. Implementations hold no data keys and
 * must be thread-safe. Obtain one with {@link #open(String, Map)}; add new kinds with a {@link MasterKeyProvider}.
 */
public interface MasterKey extends AutoCloseable {

    /**
     * Names the key for messages, logs and the key table's {@code master_key_id} column, e.g.
     * {@code aws-kms://arn:aws:kms:eu-west-1:111122223333:key/…} or {@code local-keyset:master-keyset.json}.
     * Contains no secret and no credentials.
     */
    String id();

    /**
     * Encrypts {@code plaintext} bound to {@code context}.
     *
     * @throws KeyUnavailableException when the key service cannot be reached in time (retryable)
     * @throws KeyAccessDeniedException when the key service refuses (denied, disabled, deleted)
     */
    byte[] wrap(byte[] plaintext, KeyContext context) throws KeyException;

    /**
     * Decrypts what {@link #wrap} produced under an equal context; fails with a {@link KeyException} (not one
     * of its retryable subclasses) when the bytes were wrapped by another key, under another context, or altered.
     */
    byte[] unwrap(byte[] wrapped, KeyContext context) throws KeyException;

    /** Releases clients; never throws. */
    @Override
    default void close() {
        // nothing to release
    }

    /**
     * Opens a master key from its URI through the {@link MasterKeyProvider} registered (with
     * {@link java.util.ServiceLoader}) for the URI's scheme.
     *
     * @param uri e.g. {@code local-keyset:/etc/veil/master-keyset.json} or {@code aws-kms://arn:aws:kms:…}
     * @param options provider options such as {@code region}; unknown options are refused
     */
    static MasterKey open(String uri, Map<String, String> options) throws KeyException {
        return MasterKeyProviders.open(uri, options);
    }
}
