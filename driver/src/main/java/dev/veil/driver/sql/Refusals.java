package dev.veil.driver.sql;

import dev.veil.driver.VeilSqlState;
import java.time.Duration;

/**
 * Every refusal the analysis returns, built in one place: one method per construct, each message naming the
 * table or table.column, the construct and the fix — never a value. Tools match on the state, never on the text.
 */
final class Refusals {

    private Refusals() {
    }

    private static final String UNWRAPPED = "run it on an unwrapped connection (unwrap(Connection.class) is the Veil "
            + "wrapper; unwrap(PGConnection.class) bypasses Veil) if it carries no encrypted value";

    // ------------------------------------------------------------------------------------------------------------
    // the text as a whole

    static Refusal unlexable(String tables, String why) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that may name an "
                + "encrypted table (" + tables + ") because PostgreSQL would not read its text either (" + why
                + "). Fix the statement's quoting");
    }

    static Refusal tooLarge(String tables, String why) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that may name an "
                + "encrypted table (" + tables + ") without analysing it because " + why + " (a bound against "
                + "pathological input). Split it into smaller statements (e.g. several IN lists or batches), or "
                + UNWRAPPED);
    }

    static Refusal parseTimeout(String tables, Duration bound) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because its SQL parser did not finish within " + bound.toMillis()
                + " ms (a bound against pathological input). Simplify the statement (less nesting, shorter lists), "
                + "or " + UNWRAPPED);
    }

    static Refusal unparsable(String tables, String position) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because it could not be parsed"
                + (position != null ? " near " + position : "")
                + ". Veil must understand every statement that may touch an encrypted column. Rewrite it in "
                + "standard SQL, or " + UNWRAPPED);
    }

    static Refusal parameterCount(String tables, int parsed, int lexed) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because its SQL parser found " + parsed + " parameter(s) where "
                + "PostgreSQL's lexical rules give " + lexed + ". Write the statement in plain SQL with ? parameters");
    }

    static Refusal multipleStatements(int count, String column) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a text with " + count + " statements in "
                + "one call because one of them touches encrypted column " + column + " (multiple statements). Send "
                + "the statements one at a time");
    }

    static Refusal unexpectedShape(String tables, Throwable e) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because it could not analyse it (" + e.getClass().getSimpleName() + "). "
                + "Rewrite it in a simpler form, or run it on an unwrapped connection if it carries no encrypted "
                + "value");
    }
}
