package dev.veil.key;

import java.security.GeneralSecurityException;

/**
 * Thrown by {@link com.google.crypto.tink.Aead#encrypt} of an encryption scope's AEAD when the encryption could
 * not be covered by a reservation in the key table (AES-GCM keys, see {@code docs/key-management.md}): nothing was
 * encrypted. {@link #keyException()} says why — usually a {@link KeyUnavailableException} (the key table's
 * database is unreachable; retry later).
 */
public final class KeyReservationException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public KeyReservationException(KeyException cause) {
        super(cause.getMessage(), cause);
    }

    /** The underlying failure: {@link KeyUnavailableException}, {@link KeyAccessDeniedException} or {@link KeyException}. */
    public KeyException keyException() {
        return (KeyException) getCause();
    }
}
