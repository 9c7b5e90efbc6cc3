package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.codec.ValueType;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.BlindIndexSpec;
import java.sql.SQLException;
import java.util.List;

/**
 * The analyzer over an in-memory catalog (no database, no keys) for the per-stage tests ({@code NameResolutionTest},
 * {@code ReadPathTest}, {@code WritePathTest}): plans are inspected through {@link SqlAnalyzer#plan}, the stable
 * entry point, never executed. {@code patients.ssn} and {@code visits.note} are encrypted without an index,
 * {@code patients.email} has an exact blind index {@code email_bidx}.
 */
final class AnalyzerFixture {

    static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("patients", "ssn")
            .encrypt("patients", "email", ValueType.STRING)
            .encrypt("patients", "heart_rate", ValueType.INT)
            .encrypt("visits", "note")
            .encrypt("billing", "secret_schema_col")
            .blindIndex(new BlindIndexSpec("patients", List.of("email"), null, 0, List.of(), null, null, null,
                    "test"))
            .build();

    final SqlAnalyzerTest.FakeCatalog catalog = new SqlAnalyzerTest.FakeCatalog()
            .table("patients", "id int4", "name text", "ssn text", "email bytea", "email_bidx bytea",
                    "heart_rate bytea", "clinic_id int4")
            .table("clinics", "id int4", "name text")
            .table("visits", "id int4", "patient_id int4", "note bytea")
            .table("billing", "id int4", "secret_schema_col bytea");

    final SqlAnalyzer analyzer = new SqlAnalyzer(CONFIG, c -> null);

    StatementPlan plan(String sql) throws SQLException {
        return analyzer.plan(sql, catalog);
    }

    /** A plan that must be allowed. */
    StatementPlan allowed(String sql) throws SQLException {
        StatementPlan p = plan(sql);
        assertThat(p.isRefused()).as("allowed: %s", sql).isFalse();
        return p;
    }

    /** The exception a refused plan throws before anything is sent. */
    SQLException refusal(String sql) throws SQLException {
        StatementPlan p = plan(sql);
        assertThat(p.isRefused()).as("refused: %s", sql).isTrue();
        return catchThrowableOfType(SQLException.class, p::checkAllowed);
    }

    /** {@code table.column} of a target, or null for a plain one. */
    static String column(Target t) {
        return t == null || t.isPlain() ? null : t.column().qualified();
    }

    /** Result column {@code i} (1-based) as {@code table.column}, or null when plain. */
    static String result(StatementPlan p, int i) {
        return column(p.result().target(i));
    }

    /** Parameter {@code i} (1-based, as the application numbers them) as {@code table.column}, or null. */
    static String parameter(StatementPlan p, int i) {
        return column(p.parameter(i));
    }
}
