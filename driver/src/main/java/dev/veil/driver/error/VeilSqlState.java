package dev.veil.driver.error;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;

/**
 * Every SQLState Veil raises, and the exception type each is raised with: Veil's own (class {@code VE},
 * implementation-defined) and the few standard states Veil raises where pgjdbc would raise the same one.
 * Pools and frameworks act on the type (Spring's translation, HikariCP's eviction); tools match on the state.
 * Never class {@code 08}, never exactly {@code 0A000}, never a timeout type: a pool must not evict a connection
 * over a Veil error ({@code VeilSqlStateTest} locks this table).
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
    /**
     * A result column Veil does not decrypt holds a value with the shape of Veil ciphertext: a view or function
     * created outside Veil that it has not seen yet, or a copy of an encrypted column. Refused instead of handed out;
     * Veil re-reads the catalog, so a retry over a new view decrypts.
     */
    CIPHERTEXT_FROM_UNKNOWN_SOURCE("VE014"),
    /** The Veil configuration is invalid (raised at connect). */
    INVALID_CONFIGURATION("VE020"),
    /** A decrypted value cannot convert to the requested type, or a bound value to the column's declared type. */
    CONVERSION("22018"),
    /** A parameter of a statement Veil rewrote was not set (standard state, as pgjdbc raises it). */
    PARAMETER_NOT_SET("22023"),
    /**
     * A stream or reader bound for an encrypted column is larger than Veil can buffer to encrypt it, or a value is
     * longer than its column's largest padding bucket ({@code pad: { …, max: M }}); nothing was sent.
     */
    VALUE_TOO_LONG("22001"),
    /** Reading a stream or reader the application bound for an encrypted column failed. */
    STREAM_READ_FAILED("58030"),
    /** A result-set column label that is not in the result (standard state, as pgjdbc raises it). */
    UNDEFINED_COLUMN("42703"),
    /** A SQL text passed to a query method of a PreparedStatement (standard state, as pgjdbc raises it). */
    WRONG_OBJECT_TYPE("42809");

    private static final String VEIL_CLASS = "VE";

    private final String state;

    VeilSqlState(String state) {
        this.state = state;
    }

    public String state() {
        return state;
    }

    /** Whether this is one of Veil's own states (class {@code VE}) rather than a standard one. */
    public boolean isVeilClass() {
        return state.startsWith(VEIL_CLASS);
    }

    /**
     * The Veil-class state with this SQLState, or null: for anything that is not class {@code VE} (a standard state
     * could have come from the database as well), and for a {@code VE} state this version does not know.
     */
    public static VeilSqlState ofVeilClass(String sqlState) {
        if (sqlState == null || !sqlState.startsWith(VEIL_CLASS)) {
            return null;
        }
        for (VeilSqlState s : values()) {
            if (s.state.equals(sqlState)) {
                return s;
            }
        }
        return null;
    }

    /** Whether an SQLState is in Veil's own class ({@code VE}), known to this version or not. */
    public static boolean isVeilClass(String sqlState) {
        return sqlState != null && sqlState.startsWith(VEIL_CLASS);
    }

    /** Creates the exception of the right JDBC type for this state. */
    public SQLException exception(String message) {
        return exception(message, null);
    }

    public SQLException exception(String message, Throwable cause) {
        return switch (this) {
            case DECRYPTION_FAILED, UNRECOGNIZED_CIPHERTEXT, SCHEMA_MISMATCH, INDEX_BACKFILL_PENDING,
                    CIPHERTEXT_FROM_UNKNOWN_SOURCE, STREAM_READ_FAILED -> new SQLNonTransientException(message, state, cause);
            case KEY_UNAVAILABLE -> new SQLTransientConnectionException(message, state, cause);
            case KEY_ACCESS_DENIED -> new SQLInvalidAuthorizationSpecException(message, state, cause);
            case UNSUPPORTED_CONSTRUCT -> new SQLFeatureNotSupportedException(message, state, cause);
            case UNANALYSABLE_STATEMENT, UNDEFINED_COLUMN, WRONG_OBJECT_TYPE ->
                    new SQLSyntaxErrorException(message, state, cause);
            case INVALID_CONFIGURATION -> new SQLNonTransientConnectionException(message, state, cause);
            case CONVERSION, PARAMETER_NOT_SET, VALUE_TOO_LONG -> new SQLDataException(message, state, cause);
        };
    }
}
