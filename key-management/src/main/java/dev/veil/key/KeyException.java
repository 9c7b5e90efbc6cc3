package dev.veil.key;

/**
 * A data key or the master key could not be used. Messages name the scope and, where it helps an operator,
 * the master key's id (an ARN or a file name) — never key material.
 */
public class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
