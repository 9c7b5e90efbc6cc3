package dev.veil.benchmarks;

import dev.veil.driver.codec.ValueType;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.schema.TableName;
import dev.veil.driver.sql.Catalog;
import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.driver.sql.StatementPlan;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What analysing one SQL text costs (the work of a plan-cache miss, paid once per distinct text): the analyzer on
 * its own with an in-memory catalog, no database and no keys. {@code plain} names no encrypted table (the text
 * pre-check answers); the others are parsed, analysed and, for the blind index, rewritten.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class AnalysisBenchmark {

    private static final Map<String, String> STATEMENTS = Map.of(
            "plain", "SELECT id, name, city FROM plain_patients WHERE id = ? AND city = ?",
            "insert", "INSERT INTO patients (id, name, email, ssn, city) VALUES (?, ?, ?, ?, ?)",
            "select", "SELECT p.id, p.name, p.email, p.ssn, c.name FROM patients p JOIN clinics c ON c.id = p.clinic "
                    + "WHERE p.id = ? ORDER BY p.name",
            "search", "SELECT id, email, ssn FROM patients WHERE email = ? AND city = ? OR email IN (?, ?, 'x')",
            "update", "UPDATE patients SET email = ?, ssn = ? WHERE id = ? RETURNING id, email");

    @Param({"plain", "insert", "select", "search", "update"})
    public String statement;

    private SqlAnalyzer analyzer;
    private Catalog catalog;
    private String sql;

    @Setup
    public void setUp() {
        VeilConfig config = VeilConfig.builder().masterKey("local-keyset:/nonexistent/keyset.json")
                .encrypt("patients", "email", ValueType.STRING).encrypt("patients", "ssn", ValueType.STRING)
                .blindIndex(new BlindIndexSpec("patients", List.of("email"), null, 0, List.of(), null, null, null,
                        "benchmark"))
                .build();
        analyzer = new SqlAnalyzer(config, c -> null);
        Map<String, Catalog.TableInfo> tables = Map.of(
                "patients", new Catalog.TableInfo(List.of("id", "name", "email", "email_bidx", "ssn", "city",
                        "clinic"), List.of("int8", "text", "bytea", "bytea", "bytea", "text", "int8")),
                "clinics", new Catalog.TableInfo(List.of("id", "name"), List.of("int8", "text")));
        catalog = (TableName name) -> tables.get(name.name());
        sql = STATEMENTS.get(statement);
    }

    /** One analysis of the text, as on a plan-cache miss. */
    @Benchmark
    public StatementPlan analyze() throws SQLException {
        return analyzer.plan(sql, catalog);
    }
}
