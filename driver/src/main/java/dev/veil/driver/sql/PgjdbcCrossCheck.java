package dev.veil.driver.sql;

import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * A second opinion on a SQL text from pgjdbc's own parser — the one that decides what is actually sent: how many
 * {@code ?} placeholders it binds and how many statements it splits the text into. Veil refuses a statement on an
 * encrypted table when its own reading disagrees (defence in depth behind {@link PgLexer}).
 */
final class PgjdbcCrossCheck {

    private static final boolean AVAILABLE = available();

    private PgjdbcCrossCheck() {
    }

    private static boolean available() {
        try {
            Class.forName("org.postgresql.core.Parser", false, PgjdbcCrossCheck.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Null when pgjdbc reads {@code sql} (with standard-conforming strings) as {@code statements} statements with
     * {@code placeholders} placeholders in all, or when pgjdbc is not present; otherwise what differs, for the
     * refusal message (no part of the text).
     */
    static String disagreement(String sql, int placeholders, int statements) {
        if (!AVAILABLE) {
            return null;
        }
        List<NativeQuery> queries;
        try {
            queries = Parser.parseJdbcSql(sql, true, true, true, false, false);
        } catch (SQLException | RuntimeException | LinkageError e) {
            return "pgjdbc cannot parse the text";
        }
        int binds = 0;
        int nonEmpty = 0;
        for (NativeQuery q : queries) {
            binds += q.bindPositions.length;
            if (!q.nativeSql.isBlank()) {
                nonEmpty++;
            }
        }
        if (binds != placeholders) {
            return "pgjdbc binds " + binds + " parameter(s) where Veil reads " + placeholders;
        }
        if ((nonEmpty > 1) != (statements > 1)) {
            return "pgjdbc splits the text into " + nonEmpty + " statement(s) where Veil reads " + statements;
        }
        return null;
    }
}
