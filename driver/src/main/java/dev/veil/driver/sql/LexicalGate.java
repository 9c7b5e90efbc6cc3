package dev.veil.driver.sql;

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
            return Refusals.lexicalSettingChange(tables);
        }
        if (lexed.firstWord().equals("do")) {
            return serverSideCode("a DO block", tables);
        }
        String disagreement = PgjdbcCrossCheck.disagreement(original, lexed.placeholders(), lexed.statements());
        if (disagreement != null) {
            return Refusals.pgjdbcDisagreement(tables, disagreement);
        }
        return null;
    }

    /** The refusal of server-side code ({@code DO}, a function or procedure body) naming an encrypted table. */
    static Refusal serverSideCode(String construct, String tables) {
        return Refusals.serverSideCode(construct, tables);
    }
}
