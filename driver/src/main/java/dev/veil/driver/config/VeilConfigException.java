package dev.veil.driver.config;

/**
 * An invalid Veil configuration. The message names the source (file, class or property), the entry and the fix.
 * At connect time the driver turns it into an {@link java.sql.SQLNonTransientConnectionException} with SQLState
 * {@code VE020}.
 */
public class VeilConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public VeilConfigException(String message) {
        super(message);
    }

    public VeilConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
