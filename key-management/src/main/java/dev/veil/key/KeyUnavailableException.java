package dev.veil.key;

/** The master key could not be reached in time (outage, throttling, timeout); retrying later may succeed. */
public class KeyUnavailableException extends KeyException {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message) {
        super(message);
    }

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
