package dev.veil.driver.sql;

import static dev.veil.driver.sql.AnalyzerFixture.parameter;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@link WritePath} through the analyzer: which parameter of an INSERT, UPDATE or DELETE is encrypted for which
 * column, how the companion column of an index is filled, and which writes are refused before anything is sent.
 */
class WritePathTest {

    private final AnalyzerFixture fx = new AnalyzerFixture();

    @Test
    void updateFromMapsTheSetParametersToTheTargetTable() throws SQLException {
        StatementPlan p = fx.allowed("UPDATE patients p SET ssn = ?, name = c.name FROM clinics c "
                + "WHERE c.id = p.clinic_id AND c.name = ?");
        assertThat(parameter(p, 1)).isEqualTo("patients.ssn");
        assertThat(parameter(p, 2)).isNull();
    }

    @Test
    void aRowValueSetListMapsEachParameter() throws SQLException {
        StatementPlan p = fx.allowed("UPDATE patients SET (name, ssn) = (?, ?) WHERE id = ?");
        assertThat(parameter(p, 1)).isNull();
        assertThat(parameter(p, 2)).isEqualTo("patients.ssn");
        assertThat(parameter(p, 3)).isNull();
        assertThat(fx.allowed("UPDATE patients SET (name, email) = (?, ?) WHERE id = ?").sqlToSend("original"))
                .isEqualTo("UPDATE patients SET (name, email) = (?, ?), email_bidx = ? WHERE id = ?");
    }

    @Test
    void anIndexedColumnsWriteAlsoWritesItsCompanionColumn() throws SQLException {
        StatementPlan p = fx.allowed("INSERT INTO patients (id, email) VALUES (?, ?) RETURNING email");
        assertThat(parameter(p, 2)).isEqualTo("patients.email");
        assertThat(p.sqlToSend("original"))
                .isEqualTo("INSERT INTO patients (id, email, email_bidx) VALUES (?, ?, ?) RETURNING email");
        assertThat(AnalyzerFixture.result(p, 1)).isEqualTo("patients.email");
        StatementPlan u = fx.allowed("UPDATE patients SET email = ? WHERE id = ?");
        assertThat(u.sqlToSend("original")).isEqualTo("UPDATE patients SET email = ?, email_bidx = ? WHERE id = ?");
    }

    @Test
    void deleteWithAPlainConditionIsAllowedAndMapsNoParameterToAColumn() throws SQLException {
        StatementPlan p = fx.allowed("DELETE FROM patients WHERE id = ? AND name = ?");
        assertThat(p.parameter(1)).isNull();
        assertThat(p.parameter(2)).isNull();
    }

    @Test
    void defaultValuesAndMismatchedValueCountsAreRefused() throws SQLException {
        assertThat(fx.refusal("INSERT INTO patients DEFAULT VALUES").getMessage()).contains("patients");
        assertThat(fx.refusal("INSERT INTO patients (id, ssn) VALUES (?)").getMessage()).contains("patients");
    }

    @Test
    void aLiteralForAnEncryptedColumnNeverReachesTheTextSent() throws SQLException {
        StatementPlan p = fx.allowed("INSERT INTO patients (id, ssn) VALUES (1, '123-45-6789')");
        assertThat(p.hasLiterals()).isTrue();
        assertThat(p.toString()).doesNotContain("123-45-6789");
    }

    @Test
    void copyingBetweenEncryptedColumnsOfDifferentKeysIsRefused() throws SQLException {
        SQLException e = fx.refusal("INSERT INTO visits (id, note) SELECT id, ssn FROM patients");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn");
    }
}
