package dev.veil.spring;

import dev.veil.driver.VeilConfigException;
import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring Boot failure analyzers for Veil's start-up errors (registered in META-INF/spring.factories). */
final class VeilFailureAnalyzers {

    private VeilFailureAnalyzers() {
    }

    /** Encrypted or blind-index columns missing or mistyped, indexes missing: each problem, and the DDL to run. */
    static final class Schema extends AbstractFailureAnalyzer<VeilSchemaException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, VeilSchemaException cause) {
            boolean indexes = cause.problems().stream().anyMatch(p -> p.description().startsWith("blind index")
                    || p.description().contains("blind-index columns"));
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
}
