package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PostgreSQL's lexical rules as {@link PgLexer} applies them, and the canonical text it produces. */
class PgLexerTest {

    private static PgLexer.Lexed lex(String sql) throws PgLexer.LexException {
        return PgLexer.lex(sql);
    }

    @Test
    void plainTextsAreReturnedAsTheSameInstance() throws Exception {
        String sql = "SELECT ssn FROM users WHERE id = ? AND name = 'it''s' -- a ? in a comment\n AND x = ?";
        PgLexer.Lexed l = lex(sql);
        assertThat(l.canonical()).isSameAs(sql);
        assertThat(l.placeholders()).isEqualTo(2);
        assertThat(l.statements()).isEqualTo(1);
        assertThat(l.firstWord()).isEqualTo("select");
    }

    @Test
    void anEscapeStringHidingAQuoteBecomesOneStandardString() throws Exception {
        PgLexer.Lexed l = lex("INSERT INTO users (name, ssn) VALUES (E'\\', NULL) --', 'SECRET')");
        assertThat(l.canonical()).isEqualTo("INSERT INTO users (name, ssn) VALUES (''', NULL) --', 'SECRET')");
        PgLexer.Lexed p = lex("INSERT INTO users (name, ssn) VALUES (E'\\', ?) --', ?)");
        assertThat(p.placeholders()).isEqualTo(1);
    }

    @Test
    void stringsAndIdentifiersHaveTheirCanonicalForm() throws Exception {
        canonical("E'a\\nb'", "'a\nb'");
        canonical("e'\\x41\\101\\u0042\\U00000043'", "'AABC'");
        canonical("E'\\303\\251'", "'\u00e9'");
        canonical("E'it\\'s'", "'it''s'");
        canonical("E'\\q\\\\'", "'q\\'");
        canonical("U&'d\\0061t\\+000061'", "'data'");
        canonical("U&'d!0061t' UESCAPE '!'", "'dat'");
        canonical("$$it's$$", "'it''s'");
        canonical("$q$a $$ b$q$", "'a $$ b'");
        canonical("'a'\n  'b'", "'ab'");
        canonical("'a' -- c\n'b'", "'ab'");
        canonical("U&\"\\0075sers\"", "\"users\"");
        canonical("U&\"!0075sers\" UESCAPE '!'", "\"users\"");
        canonical("/* a /* nested */ comment */x", " x");
        canonical("'a' 'b'", "'a' 'b'"); // no newline: no continuation (the server rejects it)
    }

    private static void canonical(String sql, String expected) throws Exception {
        assertThat(lex(sql).canonical()).as(sql).isEqualTo(expected);
    }

    @Test
    void longIdentifiersAreTruncatedAsPostgresTruncatesThem() throws Exception {
        String name = "a".repeat(63);
        assertThat(lex("SELECT 1 FROM " + name + "xyz").canonical()).isEqualTo("SELECT 1 FROM \"" + name + "\"");
        assertThat(lex("SELECT 1 FROM " + name.toUpperCase() + "XYZ").canonical())
                .isEqualTo("SELECT 1 FROM \"" + name + "\"");
        assertThat(lex("SELECT 1 FROM " + name).canonical()).isEqualTo("SELECT 1 FROM " + name);
    }

    @Test
    void placeholdersAndStatementsAreCountedAsPgjdbcCountsThem() throws Exception {
        PgLexer.Lexed l = lex("SELECT ?, '?', \"?\", $$?$$, E'\\'?', a ?? b /* ? */ FROM t; SELECT ?;;");
        assertThat(l.placeholders()).isEqualTo(2);
        assertThat(l.statements()).isEqualTo(2);
        assertThat(PgjdbcCrossCheck.disagreement("SELECT ?, '?' FROM t; SELECT ?", 2, 2)).isNull();
        assertThat(PgjdbcCrossCheck.disagreement("SELECT ?, '?' FROM t", 2, 1)).contains("pgjdbc binds 1");
    }

    @Test
    void theLexerAgreesWithPgjdbcOnTrickyTexts() throws Exception {
        String[] texts = {
            "INSERT INTO users (name, ssn) VALUES (E'\\', ?) --', ?)",
            "SELECT $tag$ ? $tag$, ? FROM t",
            "SELECT a$b, ? FROM t",
            "SELECT /* /* ? */ ? */ ? FROM t",
            "SELECT U&'\\0041?' , ? FROM t",
            "SELECT 1; SELECT ?",
        };
        for (String t : texts) {
            PgLexer.Lexed l = lex(t);
            assertThat(PgjdbcCrossCheck.disagreement(t, l.placeholders(), l.statements())).as(t).isNull();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "SELECT 'open",
        "SELECT E'open\\'",
        "SELECT \"open",
        "SELECT /* open",
        "SELECT $$open",
        "SELECT E'\\000'",
        "SELECT E'\\xff'",
        "SELECT U&'\\zzzz'",
        "SELECT \"\"",
    })
    void textsThePostgresLexerRejectsAreErrors(String sql) {
        assertThatThrownBy(() -> lex(sql)).isInstanceOf(PgLexer.LexException.class);
    }
}
