package dev.veil.spring;

import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.jdbc.datasource.init.ScriptStatementFailedException;

/** Spring Boot failure analyzers for Veil's start-up errors (registered in META-INF/spring.factories). */
final class VeilFailureAnalyzers {

    private VeilFailureAnalyzers() {
    }

    /** Encrypted or blind-index columns missing or mistyped, indexes missing: each problem, and the DDL to run. */
    static final class Schema extends AbstractFailureAnalyzer<VeilSchemaException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, VeilSchemaException cause) {
            boolean indexes = cause.problems().stream().anyMatch(VeilSchemaException.Problem::concernsIndexes);
            String description = "Veil's schema validation found " + cause.problems().size()
                    + (cause.problems().size() == 1 ? " problem" : " problems") + " with encrypted columns"
                    + (indexes ? " and blind indexes" : "") + ":\n"
                    + cause.problems().stream().map(p -> "  - " + p.description()).collect(Collectors.joining("\n"));
            String action = "Run this DDL (or the equivalent migration), then restart:\n\n"
                    + cause.problems().stream().map(p -> "    " + p.ddl()).collect(Collectors.joining("\n"))
                    + "\n\nEncrypted columns hold ciphertext: bytea (preferred), or text/varchar long enough."
                    + (indexes ? " A blind index's companion column is bytea with an index on it (CREATE UNIQUE "
                            + "INDEX instead for a unique value or ON CONFLICT on the encrypted column); Veil fills "
                            + "it, the application never maps it." : "")
                    + " Set veil.schema.validate=false to skip this check.";
            return new FailureAnalysis(description, action, cause);
        }
    }

    /** An @Encrypted field Veil would not encrypt, or a DataSource bypassing Veil. */
    static final class Startup extends AbstractFailureAnalyzer<VeilStartupException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, VeilStartupException cause) {
            return new FailureAnalysis("Veil cannot guarantee that encrypted fields are encrypted:\n"
                    + cause.problems().stream().map(p -> "  - " + p).collect(Collectors.joining("\n")),
                    cause.action(), cause);
        }
    }

    /** Invalid Veil configuration (YAML, annotations, veil.* properties). */
    static final class Config extends AbstractFailureAnalyzer<VeilConfigException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, VeilConfigException cause) {
            return new FailureAnalysis("Invalid Veil configuration: " + cause.getMessage(),
                    "Fix the veil.* properties, the YAML file named by veil.config or the @Encrypted fields as the "
                            + "description says (reference: docs/configuration.md and the starter's README).", cause);
        }
    }

    /** Encrypted columns holding values that are not ciphertext: each column, the count and the migration. */
    static final class LegacyPlaintext extends AbstractFailureAnalyzer<VeilLegacyPlaintextException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, VeilLegacyPlaintextException cause) {
            return new FailureAnalysis("Veil found values that are not Veil ciphertext in encrypted columns:\n"
                    + cause.findings().stream().map(f -> "  - " + f).collect(Collectors.joining("\n")),
                    VeilLegacyPlaintextException.procedure(), cause);
        }
    }

    /**
     * A statement of Spring's SQL initialization scripts ({@code schema.sql}, {@code data.sql},
     * {@code spring.sql.init.*}) that Veil refused: the script, the statement's number and Veil's reason, not the
     * statement text (a data script's values may be sensitive) nor the stack trace. Other script failures are left
     * to Spring Boot.
     */
    static final class Script extends AbstractFailureAnalyzer<ScriptStatementFailedException> {

        private static final Pattern WHERE = Pattern.compile("statement #(\\d+) of (.+?\\])");

        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, ScriptStatementFailedException cause) {
            SQLException veil = null;
            for (Throwable t = cause.getCause(); t != null && veil == null; t = t.getCause()) {
                if (t instanceof SQLException e && VeilSqlState.isVeilClass(e.getSQLState())) {
                    veil = e;
                }
            }
            if (veil == null) {
                return null;
            }
            Matcher where = WHERE.matcher(String.valueOf(cause.getMessage()));
            String statement = where.find() ? "statement #" + where.group(1) + " of " + where.group(2)
                    : "a statement of an SQL initialization script";
            return new FailureAnalysis("Spring's SQL initialization ran " + statement + ", which Veil refused (SQLState "
                    + veil.getSQLState() + "): " + veil.getMessage(),
                    "SQL scripts go through Veil like any other statement, and Veil encrypts in the JVM: a script can "
                            + "create tables and write plain columns, and insert literals into encrypted columns, but "
                            + "cannot compare, compute on or transform them. Rewrite the statement as the message says, "
                            + "or insert the data through the application (an ApplicationRunner using your "
                            + "repositories), or keep encrypted tables out of the script (spring.sql.init.*).",
                    cause);
        }
    }
}
