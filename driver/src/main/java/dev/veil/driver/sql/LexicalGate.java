package dev.veil.driver.sql;

import dev.veil.driver.VeilSqlState;
import java.util.Locale;

/**
 * The refusals decided on the text alone, before it is parsed: readings that could differ between Veil and
 * PostgreSQL (a lexical setting changed inside a multi-statement text, any disagreement with pgjdbc's own parse) and
 * server-side code naming an encrypted table. See docs/what-veil-sees.md.
 */
final class LexicalGate {

    private LexicalGate() {
    }

    /**
     * The refusal of a text that names an encrypted table, or null when it may be analysed.
     *
     * @param tables the encrypted tables it names, for the message
     */
    static Refusal refusal(String original, PgLexer.Lexed lexed, String tables) {
        String lower = original.toLowerCase(Locale.ROOT);
        if (lexed.statements() > 1 && (lower.contains("standard_conforming_strings")
                || lower.contains("backslash_quote"))) {
            return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a text with several statements "
                    + "that changes how PostgreSQL reads strings (standard_conforming_strings / backslash_quote) and "
                    + "names an encrypted table (" + tables + "): the statements after the change would be read "
                    + "differently from how Veil read them. Send the setting change on its own");
        }
        if (lexed.firstWord().equals("do")) {
            return serverSideCode("a DO block", tables);
        }
        String disagreement = PgjdbcCrossCheck.disagreement(original, lexed.placeholders(), lexed.statements());
        if (disagreement != null) {
            return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an "
                    + "encrypted table (" + tables + ") because its reading of the text differs from the PostgreSQL "
                    + "driver's (" + disagreement + "). Write the statement in plain SQL with ? parameters");
        }
        return null;
    }

    /** The refusal of server-side code ({@code DO}, a function or procedure body) naming an encrypted table. */
    static Refusal serverSideCode(String construct, String tables) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused " + construct + " whose body names "
                + "encrypted table " + tables + ": code that runs inside the server is invisible to Veil, so it "
                + "could store plaintext in an encrypted column or copy ciphertext elsewhere. Do the work in SQL "
                + "statements sent through Veil; if the code must exist, review it and create it on a connection "
                + "unwrapped from Veil — the CHECK constraint of docs/what-veil-sees.md stops plaintext it might "
                + "write");
    }
}
