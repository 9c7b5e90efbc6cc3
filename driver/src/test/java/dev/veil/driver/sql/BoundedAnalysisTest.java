package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.veil.driver.config.VeilConfig;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Pathological statements (a 10 MB text, a 100,000-element IN list, 10,000 nested parentheses, a 100,000-term
 * expression) are refused within a bound when they name an encrypted table and pass through untouched when they
 * name none. The time-outs only guard against a hang; no test asserts a duration.
 */
class BoundedAnalysisTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final VeilConfig CONFIG = VeilConfig.builder().masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("patients", "ssn").build();

    private final SqlAnalyzerTest.FakeCatalog catalog = new SqlAnalyzerTest.FakeCatalog()
            .table("patients", "id int4", "name text", "ssn text").table("clinics", "id int4", "name text");
    private final SqlAnalyzer analyzer = new SqlAnalyzer(CONFIG, c -> null);

    private StatementPlan plan(SqlAnalyzer a, String sql) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> a.plan(sql, catalog));
    }

    private SQLException refusal(SqlAnalyzer a, String sql) {
        StatementPlan p = plan(a, sql);
        assertThat(p.isRefused()).isTrue();
        SQLException e = catchThrowableOfType(SQLException.class, p::checkAllowed);
        assertThat(e.getSQLState()).isEqualTo("VE011");
        return e;
    }

    private static String list(int n) {
        StringBuilder b = new StringBuilder(n * 7);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(i);
        }
        return b.toString();
    }

    private static String nested(int depth) {
        return "(".repeat(depth) + "1" + ")".repeat(depth);
    }

    @Test
    void tenMegabyteTextNamingAnEncryptedTableIsRefusedUncachedAndOneNamingNonePassesThrough() {
        String big = "x".repeat(10_000_000);
        SQLException e = refusal(analyzer, "SELECT ssn FROM patients WHERE name = '" + big + "'");
        assertThat(e.getMessage()).contains("patients").contains("10000040 characters long")
                .contains("Split it into smaller statements").doesNotContain("xxx");
        assertThat(plan(analyzer, "SELECT ssn FROM patients WHERE name = '" + big + "'").isCacheable()).isFalse();
        assertThat(plan(analyzer, "SELECT name FROM clinics WHERE name = '" + big + "'"))
                .isSameAs(StatementPlan.PASS_THROUGH);
        // a Unicode escape could spell an encrypted table's name: the lexer decides, and here it spells none
        assertThat(plan(analyzer, "SELECT U&'\\0041' FROM clinics WHERE name = '" + big + "'"))
                .isSameAs(StatementPlan.PASS_THROUGH);
        assertThat(plan(analyzer, "SELECT ssn FROM U&\"p\\0061tients\" WHERE name = '" + big + "'").isRefused())
                .isTrue();
    }

    @Test
    void hundredThousandElementInListOnAnEncryptedTableIsRefusedAndOnAPlainTablePassesThrough() {
        SQLException e = refusal(analyzer, "SELECT ssn FROM patients WHERE id IN (" + list(100_000) + ")");
        assertThat(e.getMessage()).contains("(patients)").contains("tokens, more than the 100000");
        refusal(analyzer, "SELECT ssn FROM patients WHERE id IN (" + "?, ".repeat(99_999) + "?)");
        assertThat(plan(analyzer, "SELECT name FROM clinics WHERE id IN (" + list(100_000) + ")"))
                .isSameAs(StatementPlan.PASS_THROUGH);
    }

    @Test
    void deeplyNestedExpressionIsRefusedAndWithinTheBoundIsAnalysed() {
        SQLException e = refusal(analyzer, "SELECT ssn FROM patients WHERE id = " + nested(10_000));
        assertThat(e.getMessage()).contains("nests parentheses 10000 deep, more than the 200");
        refusal(analyzer, "SELECT ssn FROM patients WHERE id IN " + "(SELECT id FROM patients WHERE id IN ".repeat(
                300) + "(1)" + ")".repeat(300));
        assertThat(plan(analyzer, "SELECT name FROM clinics WHERE id = " + nested(10_000)))
                .isSameAs(StatementPlan.PASS_THROUGH);
        StatementPlan within = plan(analyzer, "SELECT ssn FROM patients WHERE id = " + nested(50));
        assertThat(within.isRefused()).isFalse();
        assertThat(within.isPassThrough()).isFalse();
    }

    @Test
    void longFlatExpressionIsRefused() {
        refusal(analyzer, "SELECT ssn FROM patients WHERE id = 1" + " + 1".repeat(100_000));
        refusal(analyzer, "SELECT ssn FROM patients WHERE id = 1" + " AND id = 1".repeat(100_000));
    }

    @Test
    void parseThatOutlastsItsTimeBoundIsStoppedAndRefusedUncached() {
        SqlAnalyzer hurried = new SqlAnalyzer(CONFIG, c -> null, i -> null,
                new AnalysisBounds(10_000_000, 100_000, 10_000_000, Duration.ofMillis(1)));
        StatementPlan p = plan(hurried, "SELECT ssn FROM patients WHERE id IN (" + list(50_000) + ")");
        assertThat(p.isCacheable()).isFalse();
        SQLException e = catchThrowableOfType(SQLException.class, p::checkAllowed);
        assertThat(e.getSQLState()).isEqualTo("VE011");
        assertThat(e.getMessage()).contains("did not finish within 1 ms").contains("(patients)");
    }
}
