package dev.veil.driver.sql;

import java.time.Duration;

/**
 * How much of a statement Veil analyses: beyond these bounds a statement that may name an encrypted table is
 * refused (VE011) before it is parsed, and one that names none passes through as always. The parser also runs
 * under a deadline, so no text can hold the calling thread for longer than {@link #parseTime()} in the parser.
 * The bounds are far above what applications and ORMs write (the statements of the test suites nest at most a few
 * levels deep and are at most a few thousand characters long); they exist for pathological input (see
 * docs/what-veil-sees.md §7).
 *
 * @param maxChars the longest text analysed, in UTF-16 characters
 * @param maxDepth the deepest nesting of parentheses and brackets analysed
 * @param maxTokens the most tokens analysed (each list element is at least two: the value and its comma)
 * @param parseTime how long the parser may run on one text; a parse that takes longer is abandoned and refused
 *     (not cached: the time depends on the machine's load)
 */
record AnalysisBounds(int maxChars, int maxDepth, int maxTokens, Duration parseTime) {

    static final AnalysisBounds DEFAULT = new AnalysisBounds(1_000_000, 200, 100_000, Duration.ofSeconds(5));

    /** The bound a lexed text exceeds, described for a message, or null when it is within all of them. */
    String exceeded(PgLexer.Lexed lexed) {
        if (lexed.depth() > maxDepth) {
            return "it nests parentheses " + lexed.depth() + " deep, more than the " + maxDepth + " Veil analyses";
        }
        if (lexed.tokens() > maxTokens) {
            return "it has " + lexed.tokens() + " tokens, more than the " + maxTokens + " Veil analyses";
        }
        return null;
    }

    /** The length bound a text exceeds, described for a message, or null. */
    String exceeded(String text) {
        return text.length() > maxChars
                ? "it is " + text.length() + " characters long, more than the " + maxChars + " Veil analyses" : null;
    }
}
