package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.blindindex.Normalizer;
import dev.veil.blindindex.StandardNormalizer;
import dev.veil.testing.TestDatabaseExtension;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plaintext branch's regular expressions, checked by PostgreSQL itself: for every normalizer chain with an exact
 * form, over strings rich in the characters where SQL's {@code lower()} and Java's {@code toLowerCase(Locale.ROOT)}
 * part ways (Kelvin and Ångström signs, U+0130, ohm sign, titlecase digraphs, Unicode spaces, digits of other
 * scripts), {@code stored ~ pattern(searched)} on the server holds exactly when Java normalizes both alike.
 */
class LegacyComparisonIT {

    static final String ALPHABET = "aAkK\u212AiI\u0130\u0307\u0131sS\u017F\u00e5\u00c5\u212B\u00df\u1E9E\u01C4"
            + "\u01C5\u01C6\u03A9\u03C9\u2126 \t\n\u3000\u2003\u00a0x.*+?()[]{}|^$\\'%_1\u0663\uFF15\uD835\uDFCE"
            + "\uD801\uDC00\uD801\uDC28";

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static Connection c;

    @BeforeAll
    static void setUp() throws SQLException {
        c = DB.plainConnection();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        c.close();
    }

    private static String random(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        int[] cps = ALPHABET.codePoints().toArray();
        for (int n = r.nextInt(max + 1); n > 0; n--) {
            sb.appendCodePoint(cps[r.nextInt(cps.length)]);
        }
        return sb.toString();
    }

    /** A variant of {@code v} likely to normalize alike: case variants, edge spaces, separators between digits. */
    private static String variant(Random r, String v) {
        StringBuilder sb = new StringBuilder();
        if (r.nextBoolean()) {
            sb.append(r.nextBoolean() ? " " : "\u3000");
        }
        v.codePoints().forEach(cp -> {
            String lower = new String(Character.toChars(cp)).toLowerCase(Locale.ROOT);
            int pick = r.nextInt(4);
            if (pick == 0) {
                sb.append(lower);
            } else if (pick == 1) {
                sb.append(lower.toUpperCase(Locale.ROOT));
            } else if (pick == 2 && lower.equals("k")) {
                sb.append('\u212A');
            } else {
                sb.appendCodePoint(cp);
            }
            if (r.nextInt(5) == 0) {
                sb.append('-');
            }
        });
        if (r.nextBoolean()) {
            sb.append(r.nextBoolean() ? "\t" : "\u2003");
        }
        return sb.toString();
    }

    private static String normalize(List<Normalizer> chain, String s) {
        for (Normalizer n : chain) {
            s = n.normalize(s);
        }
        return s;
    }

    @Test
    void everyExactChainMatchesOnTheServerExactlyWhenJavaNormalizesAlike() throws SQLException {
        Normalizer lower = StandardNormalizer.LOWERCASE;
        Normalizer trim = StandardNormalizer.TRIM;
        Normalizer digits = StandardNormalizer.DIGITS_ONLY;
        List<List<Normalizer>> chains = List.of(List.of(lower), List.of(trim), List.of(trim, lower),
                List.of(lower, trim), List.of(digits), List.of(lower, digits), List.of(digits, trim));
        Random r = new Random(42);
        for (List<Normalizer> chain : chains) {
            LegacyComparison cmp = LegacyComparison.of("t.c", chain);
            assertThat(cmp).as("%s has an exact form", chain).isNotNull();
            List<String> stored = new ArrayList<>();
            List<String> patterns = new ArrayList<>();
            List<Boolean> expected = new ArrayList<>();
            while (stored.size() < 4000) {
                String v = random(r, 5);
                String s = r.nextInt(3) == 0 ? random(r, 6) : variant(r, v);
                if (s.indexOf('\u03C3') >= 0 || s.indexOf('\u03C2') >= 0 || s.indexOf('\u03A3') >= 0) {
                    continue;
                }
                stored.add(s);
                patterns.add(cmp.parameter(v));
                expected.add(normalize(chain, s).equals(normalize(chain, v)));
            }
            List<Boolean> actual = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s ~ p FROM unnest(?::text[], ?::text[]) "
                    + "WITH ORDINALITY AS t(s, p, n) ORDER BY n")) {
                Array a = c.createArrayOf("text", stored.toArray());
                Array b = c.createArrayOf("text", patterns.toArray());
                ps.setArray(1, a);
                ps.setArray(2, b);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        actual.add(rs.getBoolean(1));
                    }
                }
            }
            for (int i = 0; i < stored.size(); i++) {
                assertThat(actual.get(i)).as("%s: %s ~ %s", chain, escape(stored.get(i)), escape(patterns.get(i)))
                        .isEqualTo(expected.get(i));
            }
            assertThat(expected.stream().filter(x -> x).count()).as("%s: pairs that match", chain)
                    .isGreaterThan(300);
        }
    }

    @Test
    void chainsWithoutAnExactFormAndGreekSigmaAreRefused() {
        assertThat(LegacyComparison.of("t.c", List.of(StandardNormalizer.NFKC))).isNull();
        assertThat(LegacyComparison.unsupported(List.of(StandardNormalizer.TRIM, StandardNormalizer.NFKC)))
                .isEqualTo("nfkc");
        LegacyComparison cmp = LegacyComparison.of("t.c", List.of(StandardNormalizer.LOWERCASE));
        assertThat(catchThrowableOfType(SQLException.class, () -> cmp.parameter("ΣΟΦΙΑ")).getSQLState())
                .isEqualTo("VE010");
        assertThat(catchThrowableOfType(SQLException.class, () -> cmp.parameter("a\uD800b")).getSQLState())
                .isEqualTo("22018");
    }

    @Test
    void withoutNormalizersTheSearchedTextIsComparedAsIs() throws SQLException {
        LegacyComparison cmp = LegacyComparison.of("t.c", List.of());
        assertThat(cmp.kind()).isEqualTo(LegacyComparison.Kind.EQUALS);
        assertThat(cmp.parameter("Ada ")).isEqualTo("Ada ");
        assertThat(cmp.parameter(null)).isNull();
    }

    @Test
    void eachSearchedCharacterListsEveryCharacterJavaLowerCasesToIt() throws SQLException {
        LegacyComparison lower = LegacyComparison.of("t.c", List.of(StandardNormalizer.LOWERCASE));
        assertThat(lower.kind()).isEqualTo(LegacyComparison.Kind.PATTERN);
        assertThat(lower.parameter("Kate.")).isEqualTo("^(?:k|K|\u212A)(?:a|A)(?:t|T)(?:e|E)\\.$");
        assertThat(lower.parameter("\u0130")).isEqualTo("^(?:\u0130|(?:i|I)\u0307)$");
        LegacyComparison trim = LegacyComparison.of("t.c", List.of(StandardNormalizer.TRIM));
        assertThat(trim.parameter(" a b ")).startsWith("^[\t\n").endsWith("]*$").contains("]*a\\ b[");
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp > 0x7e ? String.format("\\u%04X", cp)
                : String.valueOf((char) cp)));
        return sb.toString();
    }
}
