package dev.veil.driver.sql;

/**
 * PostgreSQL's typed literal {@code text '…'} ({@code makeStringConstCast} in its grammar), which the lexer hands
 * on as {@code CAST('…' AS text)}: the form the SQL parser reads (it has no rule for a text-typed literal).
 */
final class TypedLiterals {

    private TypedLiterals() {
    }

    /**
     * Where the string of a typed literal {@code text '…'} starts in {@code sql} when {@code word} (ending at
     * {@code end}) is the unqualified type name {@code text} followed, after white space, by a string constant
     * (standard, {@code E'…'}, {@code U&'…'} or dollar-quoted); else -1. {@code out} is what the lexer wrote so
     * far (a preceding {@code .} makes the word a qualified name, not a type).
     */
    static int textStringStart(String sql, CharSequence out, String word, int end) {
        if (!PgLexer.asciiLower(word).equals("text")) {
            return -1;
        }
        for (int k = out.length() - 1; k >= 0; k--) {
            char p = out.charAt(k);
            if (!Character.isWhitespace(p)) {
                if (p == '.') {
                    return -1; // a qualified name (t.text), not a type
                }
                break;
            }
        }
        int n = sql.length();
        int j = end;
        while (j < n && (sql.charAt(j) == ' ' || sql.charAt(j) == '\t' || sql.charAt(j) == '\n'
                || sql.charAt(j) == '\r')) {
            j++;
        }
        if (j >= n) {
            return -1;
        }
        char q = sql.charAt(j);
        boolean string = q == '\''
                || (q == 'e' || q == 'E') && j + 1 < n && sql.charAt(j + 1) == '\''
                || (q == 'u' || q == 'U') && j + 2 < n && sql.charAt(j + 1) == '&' && sql.charAt(j + 2) == '\''
                || q == '$' && j + 1 < n && (sql.charAt(j + 1) == '$' || PgLexer.identifierStart(sql.charAt(j + 1)));
        return string ? j : -1;
    }
}
