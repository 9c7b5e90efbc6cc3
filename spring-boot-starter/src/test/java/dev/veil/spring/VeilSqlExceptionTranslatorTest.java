package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;

class VeilSqlExceptionTranslatorTest {

    final VeilSqlExceptionTranslator translator = new VeilSqlExceptionTranslator(new SQLExceptionSubclassTranslator());

    @Test
    void translatesEachVeilSqlState() {
        assertThat(translator.translate("t", "s", new SQLNonTransientException("m", "VE001")))
                .isInstanceOf(DataRetrievalFailureException.class);
        assertThat(translator.translate("t", "s", new SQLTransientConnectionException("m", "VE002")))
                .isInstanceOf(TransientDataAccessResourceException.class);
        assertThat(translator.translate("t", "s", new SQLInvalidAuthorizationSpecException("m", "VE003")))
                .isInstanceOf(PermissionDeniedDataAccessException.class);
        assertThat(translator.translate("t", "s", new SQLNonTransientException("m", "VE004")))
                .isInstanceOf(DataRetrievalFailureException.class);
        assertThat(translator.translate("t", "s", new SQLFeatureNotSupportedException("m", "VE010")))
                .isInstanceOf(InvalidDataAccessApiUsageException.class).hasMessageContaining("m");
        assertThat(translator.translate("t", "s", new SQLSyntaxErrorException("m", "VE011")))
                .isInstanceOf(BadSqlGrammarException.class);
        assertThat(translator.translate("t", "s", new SQLNonTransientException("m", "VE012")))
                .isInstanceOf(InvalidDataAccessResourceUsageException.class);
        assertThat(translator.translate("t", "s", new SQLNonTransientException("m", "VE013")))
                .isInstanceOf(InvalidDataAccessResourceUsageException.class);
        assertThat(translator.translate("t", "s", new SQLNonTransientException("m", "VE020")))
                .isInstanceOf(DataAccessResourceFailureException.class);
    }

    @Test
    void findsVeilStatesInTheCauseChainAndLeavesOthersToTheFallback() {
        SQLException wrapped = new SQLException("outer", "XX000", new SQLFeatureNotSupportedException("m", "VE010"));
        assertThat(translator.translate("t", "s", wrapped)).isInstanceOf(InvalidDataAccessApiUsageException.class);
        assertThat(translator.translate("t", "s", new SQLException("dup", "23505")))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(new VeilSqlExceptionTranslator(null).translate("t", "s", new SQLException("dup", "23505"))).isNull();
    }
}
