package dev.veil.spring;

import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * Translates Veil's SQLStates (class {@code VE}) into Spring's {@link DataAccessException} hierarchy and hands
 * every other SQLException to a fallback translator (or returns {@code null} without one, so Hibernate's own
 * translation applies):
 *
 * <table>
 *   <caption>Veil SQLStates</caption>
 *   <tr><th>SQLState</th><th>meaning</th><th>exception</th></tr>
 *   <tr><td>VE001</td><td>decryption failed</td><td>{@link DataRetrievalFailureException}</td></tr>
 *   <tr><td>VE002</td><td>data key unavailable (retryable)</td><td>{@link TransientDataAccessResourceException}</td></tr>
 *   <tr><td>VE003</td><td>KMS refused access</td><td>{@link PermissionDeniedDataAccessException}</td></tr>
 *   <tr><td>VE004</td><td>stored value is not Veil ciphertext</td><td>{@link DataRetrievalFailureException}</td></tr>
 *   <tr><td>VE010</td><td>statement refused</td><td>{@link InvalidDataAccessApiUsageException}</td></tr>
 *   <tr><td>VE011</td><td>statement not analysable</td><td>{@link BadSqlGrammarException}</td></tr>
 *   <tr><td>VE012</td><td>column type cannot hold ciphertext, or a blind index's companion column is missing</td><td>{@link InvalidDataAccessResourceUsageException}</td></tr>
 *   <tr><td>VE013</td><td>blind index not filled yet for older rows</td><td>{@link InvalidDataAccessResourceUsageException}</td></tr>
 *   <tr><td>VE020</td><td>invalid configuration</td><td>{@link DataAccessResourceFailureException}</td></tr>
 * </table>
 */
public final class VeilSqlExceptionTranslator implements SQLExceptionTranslator {

    private final SQLExceptionTranslator fallback;

    /** @param fallback translates everything that is not Veil's; may be null */
    public VeilSqlExceptionTranslator(SQLExceptionTranslator fallback) {
        this.fallback = fallback;
    }

    @Override
    public DataAccessException translate(String task, String sql, SQLException ex) {
        SQLException veil = veilException(ex);
        if (veil == null) {
            return fallback == null ? null : fallback.translate(task, sql, ex);
        }
        VeilSqlState state = VeilSqlState.ofVeilClass(veil.getSQLState());
        if (state == null) { // a VE state of a newer driver than this starter
            return new UncategorizedSQLException(task == null ? "Veil" : task, sql, veil);
        }
        String message = (task == null ? "" : task + ": ") + veil.getMessage();
        return switch (state) {
            case DECRYPTION_FAILED, UNRECOGNIZED_CIPHERTEXT, CIPHERTEXT_FROM_UNKNOWN_SOURCE ->
                    new DataRetrievalFailureException(message, ex);
            case KEY_UNAVAILABLE -> new TransientDataAccessResourceException(message, ex);
            case KEY_ACCESS_DENIED -> new PermissionDeniedDataAccessException(message, ex);
            case UNSUPPORTED_CONSTRUCT -> new InvalidDataAccessApiUsageException(message, ex);
            case UNANALYSABLE_STATEMENT -> new BadSqlGrammarException(task == null ? "Veil" : task,
                    sql == null ? "" : sql, veil);
            case SCHEMA_MISMATCH, INDEX_BACKFILL_PENDING -> new InvalidDataAccessResourceUsageException(message, ex);
            case INVALID_CONFIGURATION -> new DataAccessResourceFailureException(message, ex);
            // Standard states: the database raises them too, so they are never picked as Veil's (veilException
            // looks for class VE only) and Spring's own translation applies.
            case CONVERSION, PARAMETER_NOT_SET, VALUE_TOO_LONG, STREAM_READ_FAILED, UNDEFINED_COLUMN,
                    WRONG_OBJECT_TYPE -> throw new IllegalStateException("not a Veil-class state: " + state);
        };
    }

    /** The first SQLException with a {@code VE} SQLState in the cause and next-exception chains. */
    static SQLException veilException(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException n = s; n != null; n = n.getNextException()) {
                    if (VeilSqlState.isVeilClass(n.getSQLState())) {
                        return n;
                    }
                }
            }
        }
        return null;
    }
}
