package dev.veil.spring;

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
        String message = (task == null ? "" : task + ": ") + veil.getMessage();
        switch (veil.getSQLState()) {
            case "VE001":
            case "VE004":
                return new DataRetrievalFailureException(message, ex);
            case "VE002":
                return new TransientDataAccessResourceException(message, ex);
            case "VE003":
                return new PermissionDeniedDataAccessException(message, ex);
            case "VE010":
                return new InvalidDataAccessApiUsageException(message, ex);
            case "VE011":
                return new BadSqlGrammarException(task == null ? "Veil" : task, sql == null ? "" : sql, veil);
            case "VE012":
            case "VE013":
                return new InvalidDataAccessResourceUsageException(message, ex);
            case "VE020":
                return new DataAccessResourceFailureException(message, ex);
            default:
                return new UncategorizedSQLException(task == null ? "Veil" : task, sql, veil);
        }
    }

    /** The first SQLException with a {@code VE} SQLState in the cause and next-exception chains. */
    static SQLException veilException(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException n = s; n != null; n = n.getNextException()) {
                    String state = n.getSQLState();
                    if (state != null && state.startsWith("VE")) {
                        return n;
                    }
                }
            }
        }
        return null;
    }
}
