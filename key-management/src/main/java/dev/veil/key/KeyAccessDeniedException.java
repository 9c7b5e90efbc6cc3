package dev.veil.key;

/** The master key refused the operation (access denied, key disabled or deleted); retrying will not help. */
public class KeyAccessDeniedException extends KeyException {
    private static final long serialVersionUID = 1L;

    public KeyAccessDeniedException(String message) {
        super(message);
    }

    public KeyAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
