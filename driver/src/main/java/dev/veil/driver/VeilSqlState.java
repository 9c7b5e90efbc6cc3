package dev.veil.driver;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;

/**
 * Veil's SQLStates (class {@code VE}, implementation-defined) and the exception type each is raised with.
 * Pools and frameworks act on the type (Spring's translation, HikariCP's eviction); tools match on the state.
 * Never class {@code 08} after connect, never exactly {@code 0A000}, never a timeout type.
 */
public enum VeilSqlState {
    /** Decryption failed: tampered, truncated, wrong key, or a ciphertext moved from another column. */
    DECRYPTION_FAILED("VE001"),
    /** A data key is unavailable (KMS down or throttled, staleness window exceeded). Retryable. */
    KEY_UNAVAILABLE("VE002"),
    /** The KMS refused access to the master key. */
    KEY_ACCESS_DENIED("VE003"),
    /** A stored value is not Veil ciphertext, or has an unknown format version. */
    UNRECOGNIZED_CIPHERTEXT("VE004"),
    /** The statement uses an encrypted column in a way Veil cannot make correct. */
    UNSUPPORTED_CONSTRUCT("VE010"),
    /** The statement names an encrypted table but could not be analysed. */
    UNANALYSABLE_STATEMENT("VE011"),
    /** An encrypted column's SQL type cannot hold ciphertext, or the schema is not what Veil expects. */
    SCHEMA_MISMATCH("VE012"),
    /**
     * A blind index the statement queries through is not filled yet for rows written before it existed
     * (backfill pending); writes keep working.
     */
    INDEX_BACKFILL_PENDING("VE013"),
    /** The Veil configuration is invalid (raised at connect). */
    INVALID_CONFIGURATION("VE020"),
    /** A value is longer than its column's largest padding bucket ({@code pad: max}); nothing was sent. */
    VALUE_TOO_LONG("22001"),
    /** A decrypted value cannot convert to the requested type, or a bound value to the column's declared type. */
    CONVERSION("22018");

    private final String state;

    VeilSqlState(String state) {
        this.state = state;
    }

    public String state() {
        return state;
    }

    /** Creates the exception of the right JDBC type for this state. */
    public SQLException exception(String message) {
        return exception(message, null);
    }

    public SQLException exception(String message, Throwable cause) {
        switch (this) {
            case DECRYPTION_FAILED:
            case UNRECOGNIZED_CIPHERTEXT:
            case SCHEMA_MISMATCH:
            case INDEX_BACKFILL_PENDING:
                return new SQLNonTransientException(message, state, cause);
            case KEY_UNAVAILABLE:
                return new SQLTransientConnectionException(message, state, cause);
            case KEY_ACCESS_DENIED:
                return new SQLInvalidAuthorizationSpecException(message, state, cause);
            case UNSUPPORTED_CONSTRUCT:
                return new SQLFeatureNotSupportedException(message, state, cause);
            case UNANALYSABLE_STATEMENT:
                return new SQLSyntaxErrorException(message, state, cause);
            case INVALID_CONFIGURATION:
                return new SQLNonTransientConnectionException(message, state, cause);
            case CONVERSION:
            case VALUE_TOO_LONG:
                return new SQLDataException(message, state, cause);
            default:
                throw new AssertionError(this);
        }
    }
}
