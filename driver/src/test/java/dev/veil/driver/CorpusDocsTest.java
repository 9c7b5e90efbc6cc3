package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the SQL tables of the docs generated from the corpus: README's "Every form in the corpus" summary and the
 * full list in {@code docs/sql-corpus.md} must be what {@link #summary()} and {@link #list()} make of the cases of
 * {@link CorpusIT}, {@link CorpusPredicatesIT} and {@link CorpusProjectionsIT} — each one a statement run against
 * PostgreSQL and a plaintext twin (exact) or refused with its SQLState, column and construct. So a documented form is
 * a tested one, and a form that changes outcome changes the docs. On a mismatch the expected blocks are written to
 * {@code target/corpus-summary.md} and {@code target/sql-corpus.md} (copy them over).
 */
class CorpusDocsTest {

    static final String BEGIN = "<!-- corpus:begin (generated from the corpus by CorpusDocsTest) -->";
    static final String END = "<!-- corpus:end -->";

    /** The corpus classes, in the order the docs list them, with what each covers. */
    private static final Map<Class<?>, String> CORPORA = new LinkedHashMap<>();

    static {
        CORPORA.put(CorpusIT.class, "everyday statements: reads, writes, upserts, batches, joins, literals, refusals");
        CORPORA.put(CorpusPredicatesIT.class, "predicate forms through the blind index (arrays, row values, "
                + "IS [NOT] DISTINCT FROM, casts, lower/upper, subqueries)");
        CORPORA.put(CorpusProjectionsIT.class, "forms Veil computes itself (projections after decryption, computed "
                + "writes, single-row INSERT … SELECT)");
    }

    /** One corpus case, whatever its class's record looks like. */
    record Entry(String corpus, String name, String sql, String state, String column, String construct) {

        String kind() {
            String s = sql.stripLeading();
            int end = 0;
            while (end < s.length() && Character.isLetter(s.charAt(end))) {
                end++;
            }
            String word = s.substring(0, end).toUpperCase(Locale.ROOT);
            return switch (word) {
                case "SELECT", "WITH", "VALUES", "TABLE" -> "SELECT";
                case "INSERT", "UPDATE", "DELETE", "MERGE" -> word;
                default -> "other";
            };
        }
    }

    @Test
    void readmeSummaryIsTheCorpus() throws IOException {
        check("README.md", summary(), "target/corpus-summary.md", true);
    }

    @Test
    void sqlCorpusListIsTheCorpus() throws IOException {
        check("docs/sql-corpus.md", list(), "target/sql-corpus.md", false);
    }

    private static void check(String file, String expected, String out, boolean block) throws IOException {
        String text = Files.readString(Path.of("..", file), StandardCharsets.UTF_8);
        String actual;
        if (block) {
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            actual = begin < 0 || end < begin ? "" : text.substring(begin + BEGIN.length(), end);
        } else {
            actual = text;
        }
        if (!expected.equals(actual)) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of(out), block ? BEGIN + expected + END + "\n" : expected);
        }
        assertThat(actual).as(file + ": replace it (or its generated block) with " + out).isEqualTo(expected);
    }

    /** Per corpus and statement kind: how many statements round-trip exactly, how many are refused. */
    static String summary() {
        StringBuilder sb = new StringBuilder("\n| corpus | covers | statement | exact | refused |\n|---|---|---|---|---|\n");
        int exact = 0;
        int refused = 0;
        for (Map.Entry<Class<?>, String> c : CORPORA.entrySet()) {
            Map<String, int[]> byKind = new LinkedHashMap<>();
            for (String k : List.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "other")) {
                byKind.put(k, new int[2]);
            }
            for (Entry e : entries(c.getKey())) {
                byKind.get(e.kind())[e.state() == null ? 0 : 1]++;
            }
            boolean first = true;
            for (Map.Entry<String, int[]> k : byKind.entrySet()) {
                if (k.getValue()[0] + k.getValue()[1] == 0) {
                    continue;
                }
                sb.append("| ").append(first ? "`" + c.getKey().getSimpleName() + "`" : "").append(" | ")
                        .append(first ? c.getValue() : "").append(" | ").append(k.getKey()).append(" | ")
                        .append(k.getValue()[0]).append(" | ").append(k.getValue()[1]).append(" |\n");
                exact += k.getValue()[0];
                refused += k.getValue()[1];
                first = false;
            }
        }
        sb.append("| **all** | | | **").append(exact).append("** | **").append(refused).append("** |\n\n")
                .append("Every statement, with its outcome: [docs/sql-corpus.md](docs/sql-corpus.md).\n");
        return sb.toString();
    }

    /** Every case: its name, the statement, and exact or the refusal (SQLState, column, construct). */
    static String list() {
        StringBuilder sb = new StringBuilder("""
                # The SQL corpus, statement by statement

                Generated from the corpus tests by `CorpusDocsTest` (do not edit by hand: a change to a case changes
                this file, and the test fails until it is regenerated). Each statement ran through Veil against
                PostgreSQL and, with the same data, through plain pgjdbc against a plaintext twin database: **exact**
                means the same rows (and for projections the same labels and column types) and the same table
                contents afterwards, with ciphertext stored; **refused** means an SQLException with that SQLState,
                naming that column and construct, before anything was sent, and the database unchanged. The forms
                behind them, and why some are refused, are in the README's "Supported and refused SQL". Beyond the
                corpus, the differential fuzzer composes these forms ([differential-fuzzer.md](differential-fuzzer.md)).
                """);
        for (Map.Entry<Class<?>, String> c : CORPORA.entrySet()) {
            sb.append("\n## `").append(c.getKey().getSimpleName()).append("`: ").append(c.getValue()).append("\n\n")
                    .append("| case | statement | outcome |\n|---|---|---|\n");
            for (Entry e : entries(c.getKey())) {
                sb.append("| ").append(cell(e.name())).append(" | `").append(cell(e.sql().replace('\n', ' ')))
                        .append("` | ").append(e.state() == null ? "exact" : "refused " + e.state()
                                + (e.column() == null ? "" : ", `" + e.column() + "`")
                                + (e.construct() == null ? "" : ": " + cell(e.construct())))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("`", "'");
    }

    /** The cases of one corpus class ({@code static Stream<Case> corpus()}), read through their record components. */
    static List<Entry> entries(Class<?> corpus) {
        List<Entry> out = new ArrayList<>();
        try {
            Method m = corpus.getDeclaredMethod("corpus");
            m.setAccessible(true);
            try (Stream<?> cases = (Stream<?>) m.invoke(null)) {
                for (Object c : cases.toList()) {
                    out.add(new Entry(corpus.getSimpleName(), (String) component(c, "name"),
                            (String) component(c, "sql"), (String) component(c, "state"),
                            (String) component(c, "column"), (String) component(c, "construct")));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(corpus.getSimpleName() + " has no static corpus() of records with name, sql, "
                    + "state, column and construct", e);
        }
        return out;
    }

    private static Object component(Object record, String name) throws ReflectiveOperationException {
        for (RecordComponent rc : record.getClass().getRecordComponents()) {
            if (rc.getName().equals(name)) {
                Method accessor = rc.getAccessor();
                accessor.setAccessible(true);
                return accessor.invoke(record);
            }
        }
        throw new NoSuchMethodException(record.getClass().getSimpleName() + "." + name);
    }
}
