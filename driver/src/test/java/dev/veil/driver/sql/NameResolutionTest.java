package dev.veil.driver.sql;

import static dev.veil.driver.sql.AnalyzerFixture.parameter;
import static dev.veil.driver.sql.AnalyzerFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@link NameResolution} through the analyzer: which relation a name means at each query level (tables, aliases,
 * CTEs, derived tables, outer levels), how identifiers are folded and quoted, and that companion columns stay
 * invisible to the application's own references.
 */
class NameResolutionTest {

    private final AnalyzerFixture fx = new AnalyzerFixture();

    @Test
    void unquotedNamesFoldToLowerCaseAndQuotedOnesMatchExactly() throws SQLException {
        assertThat(result(fx.allowed("SELECT SSN FROM PATIENTS"), 1)).isEqualTo("patients.ssn");
        assertThat(result(fx.allowed("SELECT \"ssn\" FROM \"patients\""), 1)).isEqualTo("patients.ssn");
        assertThat(result(fx.allowed("SELECT p.\"ssn\" FROM public.patients p"), 1)).isEqualTo("patients.ssn");
    }

    @Test
    void anAliasHidesTheTableNameAndQualifiesItsColumns() throws SQLException {
        StatementPlan p = fx.allowed("SELECT x.id, x.ssn, c.name FROM patients x JOIN clinics c ON c.id = x.clinic_id");
        assertThat(result(p, 1)).isNull();
        assertThat(result(p, 2)).isEqualTo("patients.ssn");
        assertThat(result(p, 3)).isNull();
    }

    @Test
    void aCteShadowsTheTableOfTheSameName() throws SQLException {
        // the CTE named patients exposes plain columns only: its ssn is a literal, not the encrypted column
        StatementPlan p = fx.allowed("WITH patients AS (SELECT 1 AS id, 'x' AS ssn) SELECT ssn FROM patients");
        assertThat(result(p, 1)).isNull();
    }

    @Test
    void aCteColumnListRenamesTheEncryptedOutput() throws SQLException {
        StatementPlan p = fx.allowed("WITH x (pid, s) AS (SELECT id, ssn FROM patients) SELECT s, pid FROM x");
        assertThat(result(p, 1)).isEqualTo("patients.ssn");
        assertThat(result(p, 2)).isNull();
    }

    @Test
    void aCorrelatedSubqueryResolvesOuterReferences() throws SQLException {
        StatementPlan p = fx.allowed("SELECT (SELECT v.note FROM visits v WHERE v.patient_id = p.id LIMIT 1), p.ssn "
                + "FROM patients p");
        assertThat(result(p, 1)).isEqualTo("visits.note");
        assertThat(result(p, 2)).isEqualTo("patients.ssn");
    }

    @Test
    void aDerivedTableAliasCarriesItsColumnsOutward() throws SQLException {
        StatementPlan p = fx.allowed("SELECT d.secret FROM (SELECT ssn AS secret FROM patients) AS d");
        assertThat(result(p, 1)).isEqualTo("patients.ssn");
    }

    @Test
    void anUnqualifiedColumnOfAJoinResolvesToTheOnlyRelationThatHasIt() throws SQLException {
        StatementPlan p = fx.allowed("SELECT note, ssn FROM visits JOIN patients ON patients.id = visits.patient_id");
        assertThat(result(p, 1)).isEqualTo("visits.note");
        assertThat(result(p, 2)).isEqualTo("patients.ssn");
    }

    @Test
    void parametersResolveThroughAliasesInWhereAndSet() throws SQLException {
        StatementPlan p = fx.allowed("UPDATE patients AS p SET ssn = ? WHERE p.id = ?");
        assertThat(parameter(p, 1)).isEqualTo("patients.ssn");
        assertThat(parameter(p, 2)).isNull();
    }

    @Test
    void aCompanionColumnIsNotTheApplicationsToReference() throws SQLException {
        assertThat(fx.refusal("SELECT email_bidx FROM patients").getMessage()).contains("email_bidx");
        assertThat(fx.refusal("SELECT p.email_bidx FROM clinics c JOIN patients p ON p.clinic_id = c.id")
                .getMessage()).contains("email_bidx");
    }

    @Test
    void aTableThatIsNotConfiguredIsPlainEvenWhereAColumnNameMatches() throws SQLException {
        assertThat(fx.plan("SELECT ssn FROM clinics_archive").isPassThrough()).isTrue();
        StatementPlan p = fx.allowed("SELECT c.name, p.name FROM clinics c, patients p");
        assertThat(result(p, 1)).isNull();
        assertThat(result(p, 2)).isNull();
    }
}
