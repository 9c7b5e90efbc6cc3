package dev.veil.driver.sql;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A deliberately rough reading of a SQL text for {@link TableGuard}: its first keyword and every word that could
 * be an identifier, folded as PostgreSQL folds them (unquoted to lower case, quoted as written). Words inside
 * string literals count too, so dynamic SQL in a {@code DO} block is seen; the guard only errs towards a catalog
 * look-up.
 */
final class SqlWords {

    private SqlWords() {
    }

    /** The first word, lower case, after white space, comments and opening parentheses; empty if none. */
    static String first(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2; // nesting is rare here; the worst case is a missed reset
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(Locale.ROOT);
    }

    /** Every identifier-like word of the text, canonical, in order of first appearance. */
    static Set<String> identifiers(String sql) {
        Set<String> out = new LinkedHashSet<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '"') {
                StringBuilder quoted = new StringBuilder();
                i++;
                while (i < n) {
                    char q = sql.charAt(i++);
                    if (q == '"') {
                        if (i < n && sql.charAt(i) == '"') {
                            quoted.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        quoted.append(q);
                    }
                }
                if (quoted.length() > 0) {
                    out.add(quoted.toString());
                }
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
                out.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                i++;
            }
        }
        return out;
    }
}
