package dev.veil.driver.sql;

import static dev.veil.driver.sql.AnalyzerFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadPath} through the analyzer: the result shape of a query (which output columns are encrypted, under
 * which label, how many there are), through star, set operations, RETURNING and row-valued uses, and what a query
 * may not do with an encrypted value.
 */
class ReadPathTest {

    private final AnalyzerFixture fx = new AnalyzerFixture();

    @Test
    void theResultShapeNamesEveryOutputColumnByItsLabel() throws SQLException {
        StatementPlan p = fx.allowed("SELECT id AS pid, ssn AS s, name FROM patients");
        assertThat(p.result().columnCount()).isEqualTo(3);
        assertThat(p.result().label(1)).isEqualTo("pid");
        assertThat(p.result().label(2)).isEqualTo("s");
        assertThat(result(p, 2)).isEqualTo("patients.ssn");
        assertThat(p.result().hasEncrypted()).isTrue();
    }

    @Test
    void aQueryWithoutEncryptedOutputsHasNoEncryptedShape() throws SQLException {
        StatementPlan p = fx.plan("SELECT id, name FROM patients WHERE ssn IS NULL");
        assertThat(p.isRefused()).isFalse();
        assertThat(p.result().hasEncrypted()).isFalse();
    }

    @Test
    void qualifiedStarExpandsOnlyItsRelationAndHidesCompanionColumns() throws SQLException {
        StatementPlan p = fx.allowed("SELECT c.name, p.* FROM clinics c JOIN patients p ON p.clinic_id = c.id");
        // c.name, then patients without email_bidx: id, name, ssn, email, heart_rate, clinic_id
        assertThat(p.result().columnCount()).isEqualTo(7);
        assertThat(result(p, 4)).isEqualTo("patients.ssn");
        assertThat(result(p, 5)).isEqualTo("patients.email");
        assertThat(result(p, 6)).isEqualTo("patients.heart_rate");
    }

    @Test
    void unionAllOfTheSameColumnKeepsItAndOfDifferentColumnsIsRefused() throws SQLException {
        assertThat(result(fx.allowed("SELECT ssn FROM patients WHERE id = 1 UNION ALL SELECT ssn FROM patients "
                + "WHERE id = 2"), 1)).isEqualTo("patients.ssn");
        assertThat(fx.refusal("SELECT ssn FROM patients UNION ALL SELECT note FROM visits").getMessage())
                .contains("UNION ALL");
    }

    @Test
    void returningOfAWriteIsAReadOfItsTable() throws SQLException {
        StatementPlan p = fx.allowed("UPDATE patients SET name = ? WHERE id = ? RETURNING id, ssn, heart_rate");
        assertThat(result(p, 1)).isNull();
        assertThat(result(p, 2)).isEqualTo("patients.ssn");
        assertThat(result(p, 3)).isEqualTo("patients.heart_rate");
        StatementPlan d = fx.allowed("DELETE FROM visits WHERE id = ? RETURNING *");
        assertThat(result(d, 3)).isEqualTo("visits.note");
    }

    @Test
    void comparingAnEncryptedValueWithoutAnIndexIsRefusedNamingTheColumn() throws SQLException {
        SQLException e = fx.refusal("SELECT id FROM patients WHERE ssn = ?");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn");
    }

    @Test
    void theIndexedColumnIsSearchedInsteadOfRefused() throws SQLException {
        StatementPlan p = fx.allowed("SELECT id FROM patients WHERE email = ?");
        assertThat(p.sqlToSend("original")).contains("email_bidx").doesNotContain("email =");
    }

    @Test
    void anEncryptedValueInsideAnExpressionIsRefusedInEveryClause() throws SQLException {
        for (String sql : new String[] {
            "SELECT lower(email) FROM patients",
            "SELECT id FROM patients ORDER BY heart_rate",
            "SELECT id FROM patients WHERE heart_rate > ?",
            "SELECT id FROM patients GROUP BY id HAVING max(ssn) IS NULL",
        }) {
            SQLException e = fx.refusal(sql);
            assertThat(e.getSQLState()).as(sql).isEqualTo("VE010");
            assertThat(e.getMessage()).as(sql).containsPattern("patients\\.(email|heart_rate|ssn)");
        }
    }
}
