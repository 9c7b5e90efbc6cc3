package dev.veil.driver.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a SQL text the way PostgreSQL's lexer ({@code scan.l}) does with {@code standard_conforming_strings = on},
 * and produces a <em>canonical</em> text that means the same to the server but uses only the forms the SQL parser
 * reads exactly: every {@code E'…'}, {@code U&'…'} and dollar-quoted string becomes a standard {@code '…'} string
 * with its escapes resolved, strings continued across a newline are joined, {@code U&"…"} identifiers become plain
 * quoted identifiers, identifiers longer than PostgreSQL's 63 bytes are truncated as the server truncates them,
 * and block comments (which PostgreSQL nests) are removed.
 *
 * <p>It also counts what pgjdbc counts — {@code ?} placeholders outside strings, quoted identifiers and comments
 * ({@code ??} is an escaped {@code ?}), and statements separated by top-level semicolons — so the analysis can be
 * checked against pgjdbc's own parse of the same text. A text the server would reject (an unterminated string or
 * comment, a bad escape) is a {@link LexException}.
 */
final class PgLexer {

    /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated to this many bytes. */
    static final int MAX_IDENTIFIER_BYTES = 63;

    /**
     * The result of lexing one text.
     *
     * @param canonical the canonical text; the same instance as the input when nothing had to change
     * @param placeholders the number of {@code ?} placeholders, as pgjdbc counts them
     * @param statements the number of non-empty statements (top-level semicolons separate them)
     * @param firstWord the first keyword of the text, lower case (empty when there is none)
     * @param depth the deepest nesting of parentheses and brackets
     * @param tokens the number of tokens outside comments (a string, a word, a number's first character, an
     *     operator character each count one)
     * @param escapedMarks the offsets in {@code canonical} of each {@code ??} (pgjdbc's escape for a {@code ?}
     *     operator character, as in {@code ??|}), in order
     */
    record Lexed(String canonical, int placeholders, int statements, String firstWord, int depth, int tokens,
            int[] escapedMarks) {
        boolean changed(String original) {
            return canonical != original;
        }

        /**
         * The text for the SQL parser: the canonical text with each of pgjdbc's {@code ??} escapes read as the
         * single {@code ?} the server receives (JSqlParser reads {@code ?}, {@code ?|} and {@code ?&} as JSON
         * operators); the renderer writes them escaped again.
         */
        String parserText() {
            if (escapedMarks.length == 0) {
                return canonical;
            }
            StringBuilder sb = new StringBuilder(canonical.length());
            int at = 0;
            for (int mark : escapedMarks) {
                sb.append(canonical, at, mark + 1);
                at = mark + 2;
            }
            return sb.append(canonical, at, canonical.length()).toString();
        }
    }

    /** A text PostgreSQL would reject while lexing it. */
    static final class LexException extends Exception {
        private static final long serialVersionUID = 1L;

        LexException(String message, int at) {
            super(message + " at offset " + at);
        }
    }

    private final String sql;
    private final int n;
    private final StringBuilder out;
    private boolean changed;
    private int placeholders;
    private int statements;
    private boolean statementHasTokens;
    private int parens;
    private int nesting;
    private int depth;
    private int tokens;
    private String firstWord = "";
    private int[] escapedMarks = new int[0];
    private int escaped;

    private PgLexer(String sql) {
        this.sql = sql;
        this.n = sql.length();
        this.out = new StringBuilder(n + 16);
    }

    static Lexed lex(String sql) throws LexException {
        PgLexer l = new PgLexer(sql);
        l.run();
        return new Lexed(l.changed ? l.out.toString() : sql, l.placeholders, l.statements, l.firstWord, l.depth,
                l.tokens, l.escapedMarks.length == l.escaped ? l.escapedMarks
                        : java.util.Arrays.copyOf(l.escapedMarks, l.escaped));
    }

    private void run() throws LexException {
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = lineEnd(i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockComment(i);
            } else if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
            } else {
                if (c != ';') {
                    statementHasTokens = true;
                }
                i = token(i);
            }
        }
        if (statementHasTokens) {
            statements++;
        }
    }

    private int token(int i) throws LexException {
        char c = sql.charAt(i);
        tokens++;
        if (c == '(' || c == '[') {
            depth = Math.max(depth, ++nesting);
        } else if (c == ')' || c == ']') {
            nesting = Math.max(0, nesting - 1);
        }
        if (c == '\'') {
            return strings(i, i, Kind.STANDARD, '\\');
        }
        if (c == '"') {
            int end = quotedEnd(i, '"');
            appendIdentifier(i, end, sql.substring(i + 1, end - 1).replace("\"\"", "\""), true);
            return end;
        }
        if (identifierStart(c)) {
            int end = i + 1;
            while (end < n && identifierPart(sql.charAt(end))) {
                end++;
            }
            String word = sql.substring(i, end);
            if (firstWord.isEmpty() && statements == 0) {
                firstWord = asciiLower(word);
            }
            if (end < n && sql.charAt(end) == '\'' && word.length() == 1) {
                char p = Character.toLowerCase(c);
                if (p == 'e') {
                    return strings(i, end, Kind.ESCAPE, '\\');
                }
                if (p == 'b' || p == 'x' || p == 'n') {
                    return strings(i, end, Kind.PREFIXED, '\\');
                }
            }
            if (word.length() == 1 && Character.toLowerCase(c) == 'u' && end + 1 < n && sql.charAt(end) == '&'
                    && (sql.charAt(end + 1) == '\'' || sql.charAt(end + 1) == '"')) {
                return unicode(i, end + 1);
            }
            int typed = TypedLiterals.textStringStart(sql, out, word, end);
            if (typed >= 0) {
                // text 'x' is PostgreSQL's typed literal (makeStringConstCast): the same as CAST('x' AS text),
                // the form the SQL parser reads (it has no rule for a text-typed literal)
                changed = true;
                out.append("CAST(").append(sql, end, typed);
                int after = token(typed);
                out.append(" AS text)");
                return after;
            }
            appendIdentifier(i, end, word, false);
            return end;
        }
        if (c == '$') {
            if (i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                out.append(c);
                return i + 1;
            }
            int tagEnd = i + 1;
            if (tagEnd < n && identifierStart(sql.charAt(tagEnd))) {
                tagEnd++;
                while (tagEnd < n && identifierPart(sql.charAt(tagEnd)) && sql.charAt(tagEnd) != '$') {
                    tagEnd++;
                }
            }
            if (tagEnd < n && sql.charAt(tagEnd) == '$') {
                String tag = sql.substring(i, tagEnd + 1);
                int close = sql.indexOf(tag, tagEnd + 1);
                if (close < 0) {
                    throw new LexException("unterminated dollar-quoted string", i);
                }
                appendString(sql.substring(tagEnd + 1, close));
                return close + tag.length();
            }
            out.append(c);
            return i + 1;
        }
        if (c == '?') {
            if (i + 1 < n && sql.charAt(i + 1) == '?') {
                if (escaped == escapedMarks.length) {
                    escapedMarks = java.util.Arrays.copyOf(escapedMarks, Math.max(4, escaped * 2));
                }
                escapedMarks[escaped++] = out.length();
                out.append("??");
                return i + 2;
            }
            placeholders++;
            out.append(c);
            return i + 1;
        }
        if (c == '(') {
            parens++;
        } else if (c == ')') {
            parens = Math.max(0, parens - 1);
        } else if (c == ';' && parens == 0) {
            if (statementHasTokens) {
                statements++;
            }
            statementHasTokens = false;
            out.append(c);
            return i + 1;
        } else if (c == '\u0001') {
            // outside a string the server rejects it too; refused here so no reading of it is ever guessed
            throw new LexException("control character U+0001", i);
        }
        out.append(c);
        return i + 1;
    }

    private enum Kind { STANDARD, ESCAPE, PREFIXED }

    /**
     * A string constant starting at {@code start} (its prefix, if any) whose opening quote is at {@code quote},
     * with any continuations (another string after whitespace holding a newline), as one canonical string.
     */
    private int strings(int start, int quote, Kind kind, char escape) throws LexException {
        StringBuilder value = new StringBuilder();
        ByteArrayOutputStream bytes = kind == Kind.ESCAPE ? new ByteArrayOutputStream() : null;
        int end = stringBody(quote, kind, value, bytes);
        boolean continued = false;
        while (true) {
            int next = continuation(end);
            if (next < 0) {
                break;
            }
            continued = true;
            end = stringBody(next, kind, value, bytes);
        }
        if (kind == Kind.STANDARD && !continued) {
            out.append(sql, start, end);
            return end;
        }
        if (kind == Kind.PREFIXED) {
            if (continued) {
                changed = true;
                out.append(sql.charAt(start)).append('\'').append(value.toString().replace("'", "''")).append('\'');
            } else {
                out.append(sql, start, end);
            }
            return end;
        }
        appendString(kind == Kind.ESCAPE ? PgEscapes.utf8(bytes, start) : value.toString());
        return end;
    }

    /** Reads one quoted body from the quote at {@code q}; returns the index after its closing quote. */
    private int stringBody(int q, Kind kind, StringBuilder value, ByteArrayOutputStream bytes) throws LexException {
        int i = q + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                    PgEscapes.add(value, bytes, '\'');
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            if (c == '\\' && kind == Kind.ESCAPE) {
                i = PgEscapes.escape(sql, i, bytes);
                continue;
            }
            i = PgEscapes.append(sql, i, value, bytes);
        }
        throw new LexException("unterminated quoted string", q);
    }

    /**
     * After a string ending at {@code end}: the index of the next string's quote when only whitespace holding a
     * newline (and line comments) separates them, else -1.
     */
    private int continuation(int end) {
        int i = end;
        boolean newline = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\n' || c == '\r') {
                newline = true;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineEnd(i);
            } else {
                break;
            }
        }
        return newline && i < n && sql.charAt(i) == '\'' ? i : -1;
    }

    /** {@code U&'…'} or {@code U&"…"} with an optional {@code UESCAPE 'c'}; {@code q} is the quote's index. */
    private int unicode(int start, int q) throws LexException {
        char quote = sql.charAt(q);
        StringBuilder raw = new StringBuilder();
        int end;
        if (quote == '\'') {
            end = stringBody(q, Kind.STANDARD, raw, null);
            int next;
            while ((next = continuation(end)) >= 0) {
                end = stringBody(next, Kind.STANDARD, raw, null);
            }
        } else {
            end = quotedEnd(q, '"');
            raw.append(sql, q + 1, end - 1);
            String body = raw.toString().replace("\"\"", "\"");
            raw.setLength(0);
            raw.append(body);
        }
        char esc = '\\';
        int after = skipSpaceAndComments(end);
        if (after + 7 <= n && sql.regionMatches(true, after, "uescape", 0, 7)
                && (after + 7 == n || !identifierPart(sql.charAt(after + 7)))) {
            int e = skipSpaceAndComments(after + 7);
            if (e + 2 < n && sql.charAt(e) == '\'' && sql.charAt(e + 2) == '\'') {
                esc = sql.charAt(e + 1);
                if (Character.digit(esc, 16) >= 0 || esc == '+' || esc == '\'' || esc == '"'
                        || Character.isWhitespace(esc)) {
                    throw new LexException("invalid Unicode escape character", e);
                }
                end = e + 3;
            } else {
                throw new LexException("UESCAPE must be followed by a simple string literal", after);
            }
        }
        String value = PgEscapes.decodeUnicode(raw.toString(), esc, start);
        if (quote == '\'') {
            appendString(value);
        } else {
            changed = true;
            appendIdentifier(start, end, value, true);
        }
        return end;
    }

    private int skipSpaceAndComments(int i) throws LexException {
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineEnd(i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(i);
            } else {
                break;
            }
        }
        return i;
    }

    private int lineEnd(int i) {
        int end = i;
        while (end < n && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
            end++;
        }
        return end;
    }

    private int blockComment(int i) throws LexException {
        int end = blockCommentEnd(i);
        // removed from the canonical text: PostgreSQL nests block comments, other parsers may not
        changed = true;
        out.append(' ');
        return end;
    }

    private int blockCommentEnd(int i) throws LexException {
        int depth = 0;
        int k = i;
        while (k < n) {
            if (sql.startsWith("/*", k)) {
                depth++;
                k += 2;
            } else if (sql.startsWith("*/", k)) {
                depth--;
                k += 2;
                if (depth == 0) {
                    return k;
                }
            } else {
                k++;
            }
        }
        throw new LexException("unterminated /* comment", i);
    }

    private int quotedEnd(int q, char quote) throws LexException {
        int i = q + 1;
        while (i < n) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                if (i == q + 1) {
                    throw new LexException("zero-length delimited identifier", q);
                }
                return i + 1;
            }
            i++;
        }
        throw new LexException("unterminated quoted identifier", q);
    }

    private void appendString(String value) {
        changed = true;
        out.append('\'').append(value.replace("'", "''")).append('\'');
    }

    /** An identifier: as written, unless PostgreSQL would truncate it (then the truncated name, quoted as needed). */
    private void appendIdentifier(int start, int end, String name, boolean quoted) {
        String folded = quoted ? name : asciiLower(name);
        byte[] utf8 = folded.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_IDENTIFIER_BYTES) {
            if (changed || quoted && sql.charAt(start) != '"') {
                out.append(quoted ? '"' + name.replace("\"", "\"\"") + '"' : sql.substring(start, end));
            } else {
                out.append(sql, start, end);
            }
            return;
        }
        int len = MAX_IDENTIFIER_BYTES;
        while (len > 0 && (utf8[len] & 0xC0) == 0x80) {
            len--; // never cut a character in two (as PostgreSQL's pg_mbcliplen)
        }
        String truncated = new String(utf8, 0, len, StandardCharsets.UTF_8);
        changed = true;
        out.append('"').append(truncated.replace("\"", "\"\"")).append('"');
    }

    /** PostgreSQL folds unquoted identifiers to lower case in ASCII only (multibyte encodings). */
    static String asciiLower(String s) {
        StringBuilder b = null;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(k, (char) (c + 32));
            }
        }
        return b == null ? s : b.toString();
    }

    static boolean identifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean identifierPart(char c) {
        return identifierStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
}
