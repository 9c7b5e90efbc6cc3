package dev.veil.spring;

import java.util.List;

/**
 * Encrypted columns missing from the database, or of a type that cannot hold ciphertext, found by the start-up
 * schema validation ({@code veil.schema.validate}). Each problem carries the DDL that fixes it.
 */
public class VeilSchemaException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** What a problem is about. */
    public enum Kind {
        /** A table holding encrypted columns (and no blind index) does not exist. */
        TABLE,
        /** A table holding encrypted columns and blind-index columns does not exist. */
        TABLE_WITH_BLIND_INDEXES,
        /** An encrypted column is missing or of a type that cannot hold ciphertext. */
        ENCRYPTED_COLUMN,
        /** A blind index's companion column is missing, not bytea, or not indexed. */
        BLIND_INDEX
    }

    /** One problem: its kind, the table or column it concerns, and the statement that fixes it. */
    public record Problem(Kind kind, String column, String description, String ddl) {

        /** Whether fixing it involves a blind index's companion column. */
        public boolean concernsIndexes() {
            return kind == Kind.TABLE_WITH_BLIND_INDEXES || kind == Kind.BLIND_INDEX;
        }
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
