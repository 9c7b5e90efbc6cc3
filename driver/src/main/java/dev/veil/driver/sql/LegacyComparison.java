package dev.veil.driver.sql;

import dev.veil.blindindex.Normalizer;
import dev.veil.blindindex.StandardNormalizer;
import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the plaintext branch of a search compares a column's stored plaintext with the searched value during the
 * column's migration window, so that it finds exactly the rows its blind index finds once they are encrypted: those
 * whose value normalizes (as the index normalizes it) to what the searched value normalizes to.
 *
 * <ul>
 *   <li>No normalizer: {@code column = ?} with the searched text (byte-wise equality under a deterministic
 *       collation, as the index compares; the column's btree index, if any, serves it).</li>
 *   <li>{@code lowercase}, {@code trim}, {@code digits-only}, in any order and combination: {@code column ~ ?} with a
 *       PostgreSQL regular expression built in Java from the normalized searched value, which matches exactly the
 *       strings Java's normalizers map to it. PostgreSQL's {@code lower()}, {@code btrim()} and {@code ~*} are not
 *       used: {@code lower()} follows the database's collation provider (libc or ICU, and only ASCII under
 *       {@code C}), which differs from {@link String#toLowerCase(Locale) toLowerCase(Locale.ROOT)} for characters
 *       such as U+212A KELVIN SIGN or U+0130; the regular expression instead lists, for each searched character,
 *       every character Java lower-cases to it. A searched value whose lower-cased form holds a Greek sigma
 *       (σ/ς) is refused: Java chooses between them by word boundaries, which a regular expression cannot follow
 *       exactly.</li>
 *   <li>{@code nfkc} and custom normalizers: no exact SQL form ({@code normalize(…, NFKC)} uses the server's
 *       Unicode version, not Java's); searches are refused while the column is in its window.</li>
 * </ul>
 * The tables come from this JVM's own {@link Character} data and are checked against {@link String#toLowerCase},
 * {@link String#strip()} and {@link StandardNormalizer#DIGITS_ONLY} once, on first use.
 */
final class LegacyComparison {

    /** How the stored plaintext is compared. */
    enum Kind {
        /** {@code column = ?}. */
        EQUALS,
        /** {@code column ~ ?} (a PostgreSQL advanced regular expression). */
        PATTERN
    }

    private final String column;
    private final List<Normalizer> normalizers;
    private final Kind kind;
    private final boolean lower;
    private final boolean trim;
    private final boolean digits;

    private LegacyComparison(String column, List<Normalizer> normalizers) {
        this.column = column;
        this.normalizers = List.copyOf(normalizers);
        this.kind = normalizers.isEmpty() ? Kind.EQUALS : Kind.PATTERN;
        this.lower = normalizers.contains(StandardNormalizer.LOWERCASE);
        this.trim = normalizers.contains(StandardNormalizer.TRIM);
        this.digits = normalizers.contains(StandardNormalizer.DIGITS_ONLY);
    }

    /**
     * The comparison for a part whose index applies {@code normalizers}, or null when one has no exact SQL form
     * ({@link #unsupported(List)} names it).
     *
     * @param column {@code table.column}, for messages
     */
    static LegacyComparison of(String column, List<Normalizer> normalizers) {
        return unsupported(normalizers) == null ? new LegacyComparison(column, normalizers) : null;
    }

    /** The first normalizer without an exact SQL form, or null when every one has it. */
    static String unsupported(List<Normalizer> normalizers) {
        for (Normalizer n : normalizers) {
            boolean known = n == StandardNormalizer.LOWERCASE || n == StandardNormalizer.TRIM
                    || n == StandardNormalizer.DIGITS_ONLY;
            if (!known || (n == StandardNormalizer.LOWERCASE || normalizers.contains(StandardNormalizer.DIGITS_ONLY))
                    && !Tables.get().lowercaseIsLocal) {
                return n.name();
            }
        }
        return null;
    }

    Kind kind() {
        return kind;
    }

    /**
     * What the comparison binds for one searched text: the text itself ({@link Kind#EQUALS}) or the regular
     * expression ({@link Kind#PATTERN}); null for SQL NULL.
     */
    String parameter(String searched) throws SQLException {
        if (searched == null) {
            return null;
        }
        for (int i = 0; i < searched.length(); i++) {
            char c = searched.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < searched.length()
                    && Character.isLowSurrogate(searched.charAt(++i)))) {
                throw VeilSqlState.CONVERSION.exception("a value searched in " + column + " holds an unpaired "
                        + "UTF-16 surrogate, which the database cannot store; bind valid text");
            }
        }
        if (kind == Kind.EQUALS) {
            return searched;
        }
        String normalized = searched;
        for (Normalizer n : normalizers) {
            normalized = n.normalize(normalized);
        }
        return pattern(normalized);
    }

    /** The regular expression matching exactly the strings whose normalized form is {@code normalized}. */
    String pattern(String normalized) throws SQLException {
        Tables t = Tables.get();
        StringBuilder re = new StringBuilder(normalized.length() * 8 + 16).append('^');
        if (digits) {
            // lowercase and trim neither make, drop nor change digits (checked): only digits-only matters
            re.append(t.nonDigit).append('*');
            for (int i = 0; i < normalized.length(); i++) {
                re.append(t.digit[normalized.charAt(i) - '0']).append(t.nonDigit).append('*');
            }
            return re.append('$').toString();
        }
        if (trim) {
            re.append(t.whitespace).append('*');
        }
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            int n = Character.charCount(cp);
            if (!lower) {
                re.append(literal(cp));
            } else if (cp == 'i' && i + n < normalized.length() && normalized.codePointAt(i + n) == 0x307) {
                // U+0130 lower-cases to "i\u0307" (two characters): the only mapping that changes the length
                re.append("(?:\u0130|").append(t.preimages('i')).append(t.preimages(0x307)).append(')');
                n += 1;
            } else if (cp == 0x3C3 || cp == 0x3C2) {
                throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil refused a search in " + column + " during "
                        + "its migration window (legacy-plaintext): the lower-cased value holds a Greek small sigma, "
                        + "and Java's lowercase picks σ or final ς by word boundaries, which Veil cannot express "
                        + "exactly in SQL to compare with rows not yet encrypted. Search for it after the column is "
                        + "converted and leaves legacy mode");
            } else {
                re.append(t.preimages(cp));
            }
            i += n;
        }
        if (trim) {
            re.append(t.whitespace).append('*');
        }
        return re.append('$').toString();
    }

    /** One character as a literal of a PostgreSQL ARE: ASCII punctuation and controls escaped. */
    static String literal(int cp) {
        if (cp < 0x80 && !Character.isLetterOrDigit(cp)) {
            return "\\" + (char) cp;
        }
        return new String(Character.toChars(cp));
    }

    @Override
    public String toString() {
        return "LegacyComparison[" + column + ", " + kind + ", " + normalizers + "]";
    }

    /** The Unicode tables of this JVM, built and verified once. */
    private static final class Tables {
        private static volatile Tables instance;

        /** Whether lower-casing maps each code point on its own (except U+0130 and U+03A3), as checked. */
        final boolean lowercaseIsLocal;
        /** Bracket expression of every {@link Character#isWhitespace(int)} character. */
        final String whitespace;
        /** Negated bracket expression of every {@link Character#isDigit(int)} character. */
        final String nonDigit;
        /** Per ASCII digit, the bracket expression of every digit of that value. */
        final String[] digit = new String[10];
        private final Map<Integer, List<Integer>> preimages;

        static Tables get() {
            Tables t = instance;
            if (t == null) {
                synchronized (Tables.class) {
                    t = instance;
                    if (t == null) {
                        t = new Tables();
                        instance = t;
                    }
                }
            }
            return t;
        }

        private Tables() {
            Map<Integer, List<Integer>> pre = new TreeMap<>();
            StringBuilder ws = new StringBuilder("[");
            StringBuilder nd = new StringBuilder("[^");
            StringBuilder[] dv = new StringBuilder[10];
            for (int d = 0; d < 10; d++) {
                dv[d] = new StringBuilder("[");
            }
            boolean local = "\u0130".toLowerCase(Locale.ROOT).equals("i\u0307");
            for (int cp = 1; cp <= Character.MAX_CODE_POINT; cp++) {
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE || !Character.isDefined(cp)
                        || Character.getType(cp) == Character.PRIVATE_USE) {
                    continue; // unassigned and private-use code points map to themselves, neither space nor digit
                }
                int l = Character.toLowerCase(cp);
                boolean special = cp == 0x130 || cp == 0x3A3;
                if (l != cp && !special) {
                    pre.computeIfAbsent(l, k -> new ArrayList<>()).add(cp);
                }
                String s = new String(Character.toChars(cp));
                if (!special) {
                    String lowered = s.toLowerCase(Locale.ROOT);
                    local &= lowered.equals(new String(Character.toChars(l)))
                            && Character.toLowerCase(l) == l // idempotent
                            && Character.isWhitespace(l) == Character.isWhitespace(cp) // whitespace stays apart
                            && Character.isDigit(l) == Character.isDigit(cp) && (!Character.isDigit(cp) || l == cp);
                }
                if (Character.isWhitespace(cp)) {
                    local &= s.strip().isEmpty();
                    ws.append(s);
                }
                if (Character.isDigit(cp)) {
                    nd.append(s);
                    dv[Character.digit(cp, 10)].append(s);
                }
            }
            local &= bracketSafe(ws, 1) && bracketSafe(nd, 2);
            this.lowercaseIsLocal = local;
            this.whitespace = ws.append(']').toString();
            this.nonDigit = nd.append(']').toString();
            for (int d = 0; d < 10; d++) {
                digit[d] = dv[d].append(']').toString();
            }
            this.preimages = pre;
        }

        /** No character past the opening {@code from} that is special inside a bracket expression. */
        private static boolean bracketSafe(CharSequence s, int from) {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == ']' || c == '\\' || c == '^' || c == '-' || c == '[') {
                    return false;
                }
            }
            return true;
        }

        /** Every character lower-casing to {@code cp} (itself included), as a literal or bracket expression. */
        String preimages(int cp) {
            List<Integer> others = preimages.get(cp);
            if (others == null) {
                return literal(cp);
            }
            StringBuilder alt = new StringBuilder("(?:").append(literal(cp));
            for (int x : others) {
                alt.append('|').append(literal(x));
            }
            return alt.append(')').toString();
        }
    }
}
