package dev.veil.driver.sql;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.Statements;

/**
 * PostgreSQL as pgjdbc sends it: {@link PgLexer}'s reading, {@link LexicalGate}'s refusals, and JSqlParser with
 * PostgreSQL's quoting (no square-bracket identifiers, no backslash escapes in standard strings).
 *
 * <p>The parser runs on the calling thread (no thread per call). Its time bound is one shared daemon timer that
 * raises the parser's {@code interrupted} flag, which JSqlParser checks as it goes; a parse that was interrupted
 * counts as timed out whatever it returned.
 */
final class PostgresDialect implements Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
    }

    /** One daemon thread for all parse deadlines; cancelled alarms are removed at once. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor ALARMS;

        static {
            ALARMS = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "veil-parse-deadline");
                t.setDaemon(true);
                return t;
            });
            ALARMS.setRemoveOnCancelPolicy(true);
        }
    }

    @Override
    public PgLexer.Lexed lex(String sql) throws PgLexer.LexException {
        return PgLexer.lex(sql);
    }

    @Override
    public Refusal lexicalRefusal(String original, PgLexer.Lexed lexed, String tables) {
        return LexicalGate.refusal(original, lexed, tables);
    }

    @Override
    public Parsed parse(String sql, AnalysisBounds bounds) throws Exception {
        long deadline = System.nanoTime() + bounds.parseTime().toNanos();
        try {
            return parse(sql, false, deadline);
        } catch (Dialect.ParseTimeout e) {
            throw e;
        } catch (Exception e) {
            return parse(sql, true, deadline);
        }
    }

    private static Parsed parse(String sql, boolean complex, long deadline) throws Exception {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new Dialect.ParseTimeout();
        }
        CountingParser parser = new CountingParser(sql);
        parser.withSquareBracketQuotation(false).withAllowComplexParsing(complex).withBackslashEscapeCharacter(false);
        ScheduledFuture<?> alarm = Timer.ALARMS.schedule(() -> {
            parser.interrupted = true;
        }, left, TimeUnit.NANOSECONDS);
        Statements statements;
        try {
            statements = parser.Statements();
        } catch (Exception e) {
            if (parser.interrupted) {
                throw new Dialect.ParseTimeout();
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
        if (parser.interrupted) {
            throw new Dialect.ParseTimeout();
        }
        return new Parsed(statements, parser.placeholders());
    }

    /** JSqlParser's parser, telling how many {@code ?} it read (it numbers each as it reads it). */
    private static final class CountingParser extends CCJSqlParser {
        CountingParser(String sql) {
            super(new StringProvider(sql));
        }

        int placeholders() {
            return jdbcParameterIndex;
        }
    }
}
