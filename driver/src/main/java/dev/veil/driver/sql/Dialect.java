package dev.veil.driver.sql;

import net.sf.jsqlparser.statement.Statements;

/**
 * What the analysis needs from a database's SQL dialect: how its server reads a text (lexical rules, placeholders,
 * statement boundaries), which texts must be refused on the lexical reading alone, and how to parse a text into
 * JSqlParser's AST. The stages after parsing work on the AST and do not depend on the dialect. PostgreSQL
 * ({@link PostgresDialect}) is the only implementation; MySQL/MariaDB would be another.
 */
interface Dialect {

    /** Reads a text as the server would; a text the server would reject while lexing throws. */
    PgLexer.Lexed lex(String sql) throws PgLexer.LexException;

    /**
     * The refusal of a text decided on its lexical reading alone, or null when it may be parsed.
     *
     * @param tables the encrypted tables it names, for the message
     */
    Refusal lexicalRefusal(String original, PgLexer.Lexed lexed, String tables);

    /**
     * Parses a canonical text on the calling thread within {@link AnalysisBounds#parseTime()}.
     *
     * @throws ParseTimeout when the parser ran out of time
     * @throws Exception when the text does not parse
     */
    Parsed parse(String sql, AnalysisBounds bounds) throws Exception;

    /**
     * A parsed text: its statements, and how many {@code ?} parameters the parser read (its own count, kept as
     * it parses: no walk over the AST).
     */
    record Parsed(Statements statements, int placeholders) {
    }

    /** The parser ran longer than its bound and was stopped. */
    final class ParseTimeout extends Exception {
        private static final long serialVersionUID = 1L;

        ParseTimeout() {
            super("parse time bound exceeded", null, false, false);
        }
    }
}
