package dev.veil.admin;

/**
 * One statement of {@code veil ddl}: the SQL, why it is needed, and how it runs.
 *
 * @param table the table it changes
 * @param sql the statement
 * @param reason what is missing or wrong
 * @param lock what it locks and for how long, in words
 * @param automatic whether {@code ddl --apply} runs it (statements that rewrite a table are only printed)
 * @param required whether the schema is wrong without it ({@code veil doctor} reports it as a problem); false for
 *        a tuning statement, which {@code veil doctor} lists as advice
 */
public record DdlStatement(String table, String sql, String reason, String lock, boolean automatic,
        boolean required) {

    /** A required statement. */
    public DdlStatement(String table, String sql, String reason, String lock, boolean automatic) {
        this(table, sql, reason, lock, automatic, true);
    }
}
