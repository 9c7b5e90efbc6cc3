package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;

/**
 * Locks Veil's error map, state by state: the JDBC type each state is raised with, that no state would make a pool
 * evict the connection, and the Spring exception it becomes — through the starter's translator and through
 * Spring's own type-based translation (an application using Veil without the starter). A new state fails here
 * until its row is added, and fails to compile in the starter's translator until it is categorised there.
 */
class VeilSqlStateTest {

    /** The state's JDBC type, its translation by the starter and by Spring's own translator (null: none). */
    private record Row(Class<? extends SQLException> jdbc, Class<? extends DataAccessException> veil,
            Class<? extends DataAccessException> spring) {
    }

    private static final Map<VeilSqlState, Row> MAP = new EnumMap<>(VeilSqlState.class);

    static {
        MAP.put(VeilSqlState.DECRYPTION_FAILED, new Row(SQLNonTransientException.class,
                DataRetrievalFailureException.class, null));
        MAP.put(VeilSqlState.KEY_UNAVAILABLE, new Row(SQLTransientConnectionException.class,
                TransientDataAccessResourceException.class, TransientDataAccessResourceException.class));
        MAP.put(VeilSqlState.KEY_ACCESS_DENIED, new Row(SQLInvalidAuthorizationSpecException.class,
                PermissionDeniedDataAccessException.class, PermissionDeniedDataAccessException.class));
        MAP.put(VeilSqlState.UNRECOGNIZED_CIPHERTEXT, new Row(SQLNonTransientException.class,
                DataRetrievalFailureException.class, null));
        MAP.put(VeilSqlState.CIPHERTEXT_FROM_UNKNOWN_SOURCE, new Row(SQLNonTransientException.class,
                DataRetrievalFailureException.class, null));
        MAP.put(VeilSqlState.UNSUPPORTED_CONSTRUCT, new Row(SQLFeatureNotSupportedException.class,
                InvalidDataAccessApiUsageException.class, InvalidDataAccessApiUsageException.class));
        MAP.put(VeilSqlState.UNANALYSABLE_STATEMENT, new Row(SQLSyntaxErrorException.class,
                BadSqlGrammarException.class, BadSqlGrammarException.class));
        MAP.put(VeilSqlState.SCHEMA_MISMATCH, new Row(SQLNonTransientException.class,
                InvalidDataAccessResourceUsageException.class, null));
        MAP.put(VeilSqlState.INDEX_BACKFILL_PENDING, new Row(SQLNonTransientException.class,
                InvalidDataAccessResourceUsageException.class, null));
        MAP.put(VeilSqlState.INVALID_CONFIGURATION, new Row(SQLNonTransientConnectionException.class,
                DataAccessResourceFailureException.class, DataAccessResourceFailureException.class));
        // Standard states: the starter leaves them to Spring (the database raises them as well).
        MAP.put(VeilSqlState.CONVERSION, new Row(SQLDataException.class,
                DataIntegrityViolationException.class, DataIntegrityViolationException.class));
        MAP.put(VeilSqlState.PARAMETER_NOT_SET, new Row(SQLDataException.class,
                DataIntegrityViolationException.class, DataIntegrityViolationException.class));
        MAP.put(VeilSqlState.VALUE_TOO_LONG, new Row(SQLDataException.class,
                DataIntegrityViolationException.class, DataIntegrityViolationException.class));
        MAP.put(VeilSqlState.STREAM_READ_FAILED, new Row(SQLNonTransientException.class,
                DataAccessResourceFailureException.class, DataAccessResourceFailureException.class));
        MAP.put(VeilSqlState.UNDEFINED_COLUMN, new Row(SQLSyntaxErrorException.class,
                BadSqlGrammarException.class, BadSqlGrammarException.class));
        MAP.put(VeilSqlState.WRONG_OBJECT_TYPE, new Row(SQLSyntaxErrorException.class,
                BadSqlGrammarException.class, BadSqlGrammarException.class));
    }

    private final SQLExceptionSubclassTranslator spring = new SQLExceptionSubclassTranslator();
    private final VeilSqlExceptionTranslator veil = new VeilSqlExceptionTranslator(spring);

    @ParameterizedTest
    @EnumSource(VeilSqlState.class)
    void eachStateHasItsTypeNeverEvictsAndTranslatesBothWays(VeilSqlState state) {
        Row row = MAP.get(state);
        assertThat(row).as("a row for " + state + " in this test's map").isNotNull();
        SQLException e = state.exception("message", new IllegalStateException("cause"));

        assertThat((Throwable) e).isExactlyInstanceOf(row.jdbc());
        assertThat(e.getSQLState()).isEqualTo(state.state()).hasSize(5);
        assertThat(e.getCause()).hasMessage("cause");
        // What makes a pool (HikariCP) evict a connection: class 08, 0A000 and a few vendor states, a timeout
        // type, vendor error codes. A Veil error says nothing about the connection.
        assertThat(e.getSQLState()).doesNotStartWith("08").isNotIn("0A000", "57P01", "57P02", "57P03", "01002");
        assertThat((Throwable) e).isNotInstanceOf(SQLTimeoutException.class);
        assertThat(e.getErrorCode()).isZero();
        assertThat(state.isVeilClass()).isEqualTo(state.state().startsWith("VE"));
        assertThat(VeilSqlState.ofVeilClass(state.state())).isEqualTo(state.isVeilClass() ? state : null);

        DataAccessException translated = veil.translate("task", "SELECT 1", e);
        DataAccessException springOnly = spring.translate("task", "SELECT 1", e);
        assertThat(typeOf(translated)).isEqualTo(row.veil());
        assertThat(typeOf(springOnly)).isEqualTo(row.spring());
        if (translated != null) {
            boolean transientState = state == VeilSqlState.KEY_UNAVAILABLE;
            assertThat(translated).isInstanceOf(transientState ? TransientDataAccessException.class
                    : NonTransientDataAccessException.class);
        }
        if (!state.isVeilClass()) {
            assertThat(typeOf(translated)).as("standard states are Spring's to translate")
                    .isEqualTo(typeOf(springOnly));
        }
    }

    private static Object typeOf(DataAccessException e) {
        return e == null ? null : e.getClass();
    }

    @Test
    void aVeilStateOfANewerDriverIsUncategorizedNotDropped() {
        DataAccessException translated = veil.translate("task", "SELECT 1", new SQLNonTransientException("m", "VE999"));
        assertThat(translated).isInstanceOf(org.springframework.jdbc.UncategorizedSQLException.class);
    }
}
