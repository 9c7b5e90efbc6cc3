package dev.veil.driver.runtime;

/**
 * Receives Veil's driver-level events, for metrics (the Spring Boot starter binds it to Micrometer). Methods are
 * called on the application's thread, some on the hot path: keep them cheap and never throw. Events carry the
 * {@code table.column} name only — never values.
 */
public interface VeilListener {

    /** A value was encrypted for {@code column} ({@code table.column}). */
    default void encrypted(String column) {
    }

    /** A value of {@code column} was decrypted. */
    default void decrypted(String column) {
    }

    /** A statement was refused before anything was sent, with this SQLState (VE010, VE011, …). */
    default void refused(String sqlState) {
    }
}
