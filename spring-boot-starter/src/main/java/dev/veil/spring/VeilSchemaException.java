package dev.veil.spring;

import java.util.List;

/**
 * Encrypted columns missing from the database, or of a type that cannot hold ciphertext, found by the start-up
 * schema validation ({@code veil.schema.validate}). Each problem carries the DDL that fixes it.
 */
public class VeilSchemaException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** One column's problem and the statement that fixes it. */
    public record Problem(String column, String description, String ddl) {
    }

    private final List<Problem> problems;

    public VeilSchemaException(List<Problem> problems) {
        super("Veil schema validation failed: " + problems.stream().map(Problem::description).toList());
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
