package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.TwinDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The predicate forms of the corpus that go through blind indexes beyond {@code =}/{@code IN} (issue 10):
 * {@code = ANY(?)}/{@code <> ALL(?)} with array parameters and array constructors, row values,
 * {@code IS [NOT] DISTINCT FROM}, casts to the column's own type, {@code lower/upper(col) = ?} through a
 * lowercase index, {@code IN (SELECT …)} and {@code EXISTS} within a join domain. As {@link CorpusIT}: each case
 * returns exactly what the same statement returns on a plaintext twin and leaves the same contents, or is
 * refused with its SQLState and a message naming {@code table.column} and the construct, the database unchanged.
 */
class CorpusPredicatesIT {

    private static final String YAML = """
              people:
                email: { type: string, blind-index: { name: email_bidx, domain: person_email } }
                ssn: { type: string, blind-index: { name: ssn_bidx, bits: 4 } }
                nick: { type: string, blind-index: { normalize: [lowercase] } }
                name: { type: string }
                indexes:
                  name_grp_bidx: { columns: [name, grp] }
              staff:
                mail: { type: string, blind-index: { name: mail_bidx, domain: person_email } }
                other: { type: string, blind-index: other_bidx }
            """;

    private static final List<String> SECRETS = List.of("ada@x", "bob@x", "cy@x", "dee@x", "111-11", "222-22",
            "333-33");

    static TwinDatabases db;
    static Connection veil;
    static Connection twin;
    static Connection raw;

    @BeforeAll
    static void setUp() throws SQLException {
        List<String> stored = List.of(
                "CREATE TABLE people (id int PRIMARY KEY, grp int, email bytea, email_bidx bytea, ssn bytea, "
                        + "ssn_bidx bytea, nick bytea, nick_bidx bytea, name bytea, name_grp_bidx bytea)",
                "CREATE TABLE staff (id int PRIMARY KEY, mail bytea, mail_bidx bytea, other bytea, other_bidx bytea)");
        List<String> plaintext = List.of(
                "CREATE TABLE people (id int PRIMARY KEY, grp int, email text, ssn text, nick text, name text)",
                "CREATE TABLE staff (id int PRIMARY KEY, mail text, other text)");
        db = TwinDatabases.create(CorpusPredicatesIT.class, YAML, stored, plaintext);
        veil = db.veil();
        twin = db.twin();
        raw = db.raw();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // the cases

    /** An array parameter: bound with {@code setArray(createArrayOf("text", …))}, or {@code setObject(String[])}. */
    record Arr(boolean asObject, String... values) {
        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    static Arr arr(String... values) {
        return new Arr(false, values);
    }

    static Arr obj(String... values) {
        return new Arr(true, values);
    }

    /** A NULL array parameter ({@code setNull(i, Types.ARRAY)}). */
    static final Object NULL_ARRAY = new Object() {
        @Override
        public String toString() {
            return "NULL array";
        }
    };

    record Case(String name, String sql, List<Object> params, String state, String column, String construct) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, String sql, Object... params) {
        return new Case(name, sql, Arrays.asList(params), null, null, null);
    }

    static Case refused(String name, String sql, String state, String column, String construct, Object... params) {
        return new Case(name, sql, Arrays.asList(params), state, column, construct);
    }

    private static final String Q = "SELECT id, email, ssn, nick FROM people p WHERE ";

    static Stream<Case> roundTrips() {
        return Stream.of(
                // = ANY(?) / <> ALL(?) with array parameters
                ok("= ANY(?) setArray", Q + "email = ANY(?)", arr("ada@x", "cy@x", "nobody@x")),
                ok("= ANY(?) setObject(String[])", Q + "email = ANY(?)", obj("bob@x", "dee@x")),
                ok("= ANY(?) with a NULL element", Q + "email = ANY(?)", arr("ada@x", null)),
                ok("= ANY(?) empty array", Q + "email = ANY(?)", arr()),
                ok("= ANY(?) NULL array", Q + "email = ANY(?::text[])", NULL_ARRAY),
                ok("= SOME(?)", Q + "email = SOME(?)", arr("bob@x")),
                ok("= ANY(?::text[])", Q + "email = ANY(?::text[])", arr("ada@x", "bob@x")),
                ok("= ANY(CAST(? AS varchar[]))", Q + "email = ANY(CAST(? AS varchar[]))", arr("cy@x")),
                ok("<> ALL(?)", Q + "email <> ALL(?)", arr("ada@x", "bob@x")),
                ok("<> ALL(?) with a NULL element", Q + "email <> ALL(?)", arr("ada@x", null)),
                ok("<> ALL(?) empty array (NULL rows too)", Q + "email <> ALL(?)", arr()),
                ok("!= ALL(?)", Q + "email != ALL(?)", obj("cy@x")),
                ok("NOT (= ANY(?)) with a NULL element", Q + "NOT (email = ANY(?))", arr("ada@x", null)),
                ok("= ANY(?) under OR", Q + "email = ANY(?) OR grp = ?", arr("ada@x"), 3),
                ok("= ANY(?) with other parameters around it", Q + "grp > ? AND email = ANY(?) AND id < ?", 0,
                        arr("ada@x", "bob@x", "dee@x"), 100),
                ok("= ANY(?) through a truncated index (post-filtered)", Q + "ssn = ANY(?)", arr("111-11", "333-33")),
                ok("= ANY(?) in UPDATE", "UPDATE people SET nick = ? WHERE email = ANY(?)", "Zed", arr("ada@x", "bob@x")),
                ok("= ANY(?) in UPDATE writing a literal", "UPDATE people SET name = 'Lit', grp = 7, nick = 'lit' WHERE "
                        + "email = ANY(?) AND grp = ?", arr("bob@x", "cy@x"), 1),
                ok("<> ALL(?) in DELETE", "DELETE FROM people WHERE email <> ALL(?)", arr("ada@x", "bob@x")),
                // array constructors: IN lists
                ok("= ANY(ARRAY[?, ?])", Q + "email = ANY(ARRAY[?, ?])", "ada@x", "dee@x"),
                ok("= ANY(ARRAY['…', '…'])", Q + "email = ANY(ARRAY['bob@x', 'cy@x'])"),
                ok("<> ALL(ARRAY[?, NULL])", Q + "email <> ALL(ARRAY[?, NULL])", "ada@x"),
                ok("= ANY(ARRAY[?]) through a truncated index", Q + "ssn = ANY(ARRAY[?])", "222-22"),
                // row values
                ok("(col, x) = (?, ?)", Q + "(email, grp) = (?, ?)", "ada@x", 1),
                ok("(x, col) = (?, ?) no match", Q + "(grp, email) = (?, ?)", 2, "ada@x"),
                ok("(col, x) <> (?, ?)", Q + "(email, grp) <> (?, ?)", "ada@x", 1),
                ok("(col, x) IN ((?, ?), (?, ?))", Q + "(email, grp) IN ((?, ?), (?, ?))", "ada@x", 1, "cy@x", 2),
                ok("(col, x) NOT IN ((?, ?), (?, NULL))", Q + "(email, grp) NOT IN ((?, ?), (?, NULL))", "ada@x", 1,
                        "bob@x"),
                ok("(col, col) = (?, ?) with a truncated part", Q + "(email, ssn) = (?, ?)", "bob@x", "222-22"),
                ok("(a, b) = (?, ?) over a compound index", Q + "(name, grp) = (?, ?)", "Bob M", 1),
                ok("(a, b) IN (…) over a compound index", Q + "(grp, name) IN ((?, ?), (?, ?))", 1, "Ada L", 3,
                        "Fay P"),
                ok("compound index with a cast part", Q + "name = ?::text AND grp = ?", "Ada L", 1),
                ok("row value in an AND group", Q + "grp >= ? AND (email, nick) = (?, ?)", 0, "ada@x", "Ada"),
                // IS [NOT] DISTINCT FROM
                ok("IS NOT DISTINCT FROM ? value", Q + "email IS NOT DISTINCT FROM ?", "bob@x"),
                ok("IS NOT DISTINCT FROM ? NULL", Q + "email IS NOT DISTINCT FROM ?", (Object) null),
                ok("IS DISTINCT FROM ? value", Q + "email IS DISTINCT FROM ?", "bob@x"),
                ok("IS DISTINCT FROM ? NULL", Q + "email IS DISTINCT FROM ?", (Object) null),
                ok("NOT (IS DISTINCT FROM ?)", Q + "NOT (email IS DISTINCT FROM ?)", "cy@x"),
                ok("? IS NOT DISTINCT FROM col", Q + "? IS NOT DISTINCT FROM email", "ada@x"),
                ok("IS NOT DISTINCT FROM literal", Q + "email IS NOT DISTINCT FROM 'dee@x'"),
                ok("IS DISTINCT FROM NULL", Q + "email IS DISTINCT FROM NULL"),
                // casts to the column's own type
                ok("= ?::varchar", Q + "email = ?::varchar", "ada@x"),
                ok("= CAST(? AS text)", Q + "email = CAST(? AS text)", "bob@x"),
                ok("= ?::character varying", Q + "email = ?::character varying", "cy@x"),
                ok("= 'x'::text", Q + "email = 'dee@x'::text"),
                ok("IN (?::text, CAST(? AS varchar))", Q + "email IN (?::text, CAST(? AS varchar))", "ada@x", "cy@x"),
                ok("<> ?::text", Q + "email <> ?::text", "ada@x"),
                ok("IS NOT DISTINCT FROM ?::varchar", Q + "email IS NOT DISTINCT FROM ?::varchar", "bob@x"),
                // lower/upper through a lowercase index
                ok("lower(col) = ?", Q + "lower(nick) = ?", "ada"),
                ok("lower(col) = ? not lower-case: nothing", Q + "lower(nick) = ?", "Ada"),
                ok("upper(col) = ?", Q + "upper(nick) = ?", "ADA"),
                ok("upper(col) = ? not upper-case: nothing", Q + "upper(nick) = ?", "Ada"),
                ok("? = lower(col)", Q + "? = lower(nick)", "bob"),
                ok("lower(col) <> ?", Q + "lower(nick) <> ?", "ada"),
                ok("NOT lower(col) = ? not lower-case: every non-NULL row", Q + "NOT (lower(nick) = ?)", "Ada"),
                ok("lower(col) = 'literal'", Q + "lower(nick) = 'bob'"),
                ok("lower(col) = ?::text", Q + "lower(nick) = ?::text", "ada"),
                // subqueries within a join domain
                ok("col IN (SELECT col2 FROM …)", Q + "email IN (SELECT mail FROM staff)"),
                ok("col IN (SELECT col2 … WHERE …)", Q + "email IN (SELECT mail FROM staff s WHERE s.id < ?)", 3),
                ok("col NOT IN (SELECT col2 …) with a NULL col2", Q + "email NOT IN (SELECT mail FROM staff)"),
                ok("col NOT IN (SELECT col2 … WHERE col2 IS NOT NULL)", Q + "email NOT IN (SELECT mail FROM staff "
                        + "WHERE mail IS NOT NULL)"),
                ok("col IN (SELECT col2 … WHERE col2 = ?)", Q + "email IN (SELECT mail FROM staff WHERE mail = ?)",
                        "bob@x"),
                ok("EXISTS (… a.col = b.col)", Q + "EXISTS (SELECT 1 FROM staff s WHERE s.mail = p.email)"),
                ok("NOT EXISTS (… a.col = b.col)", Q + "NOT EXISTS (SELECT 1 FROM staff s WHERE s.mail = p.email)"),
                ok("DELETE … WHERE col IN (SELECT col2 …)", "DELETE FROM people WHERE email IN (SELECT mail FROM "
                        + "staff)"));
    }

    static Stream<Case> refusals() {
        return Stream.of(
                // a companion column is Veil's to write, also when its indexed column is not written
                refused("UPDATE writing only a companion column", "UPDATE people SET email_bidx = ? WHERE id = 1",
                        "VE010", "email_bidx", "itself", "ada@x"),
                refused("INSERT writing a companion column", "INSERT INTO people (id, email_bidx) VALUES (900, ?)",
                        "VE010", "email_bidx", "itself", "ada@x"),
                refused("upsert setting a companion column", "INSERT INTO people (id) VALUES (1) ON CONFLICT "
                        + "(id) DO UPDATE SET ssn_bidx = '\\x01'::bytea", "VE010", "ssn_bidx", "itself"),
                refused("<> ANY(?)", Q + "email <> ANY(?)", "VE010", "people.email", "<> ANY", arr("ada@x")),
                refused("= ALL(?)", Q + "email = ALL(?)", "VE010", "people.email", "= ALL", arr("ada@x")),
                refused("<> ALL(?) through a truncated index", Q + "ssn <> ALL(?)", "VE010", "people.ssn", "<> ALL",
                        arr("111-11")),
                refused("= ANY(?) through a truncated index under OR", Q + "ssn = ANY(?) OR grp = 1", "VE010",
                        "people.ssn", "under OR", arr("111-11")),
                refused("= ANY(?) on a column without an index", Q + "name = ANY(?)", "VE010", "people.name",
                        "= ANY", arr("x")),
                refused("= ANY(?) bound with a scalar", Q + "email = ANY(?)", "22018", null, "array", "ada@x"),
                refused("= ANY(?) bound with a 2-D array", Q + "email = ANY(?)", "22018", null, "multi-dimensional",
                        (Object) new String[][] {{"ada@x"}}),
                refused("= ANY(?::int[])", Q + "email = ANY(?::int[])", "VE010", "people.email", null, arr("1")),
                refused("IS NOT DISTINCT FROM through a truncated index", Q + "ssn IS NOT DISTINCT FROM ?", "VE010",
                        "people.ssn", "IS NOT DISTINCT FROM", "111-11"),
                refused("= ?::varchar(3) (the cast cuts the value)", Q + "email = ?::varchar(3)", "VE010",
                        "people.email", null, "ada@x"),
                refused("= ?::int", Q + "email = ?::int", "VE010", "people.email", null, 1),
                refused("lower(col) = ? without a lowercase normalizer", Q + "lower(email) = ?", "VE010",
                        "people.email", "normalize: [lowercase]", "ada@x"),
                refused("upper(col) = ? without an index", Q + "upper(name) = ?", "VE010", "people.name",
                        "normalize: [lowercase]", "X"),
                refused("lower(col) = ? with a value outside ASCII", Q + "lower(nick) = ?", "VE010", "people.nick",
                        "outside ASCII", "äda"),
                refused("col IN (SELECT col2) with a different key", Q + "email IN (SELECT other FROM staff)",
                        "VE010", "people.email", "different keys"),
                refused("col IN (SELECT plain column)", Q + "email IN (SELECT id::text FROM staff)", "VE010",
                        "people.email", null),
                refused("col IN (SELECT col2 through a truncated index)", Q + "ssn IN (SELECT mail FROM staff)",
                        "VE010", "people.ssn", null),
                refused("EXISTS with a different key", Q + "EXISTS (SELECT 1 FROM staff s WHERE s.other = p.email)",
                        "VE010", "people.email", "different keys"),
                refused("= ANY('{…}') (an array literal)", Q + "email = ANY('{ada@x,bob@x}')", "VE010",
                        "people.email", null),
                refused("(col, x) = (SELECT …)", Q + "(email, grp) = (SELECT mail, id FROM staff LIMIT 1)", "VE010",
                        "people.email", null));
    }

    static Stream<Case> corpus() {
        return Stream.concat(roundTrips(), refusals());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void statement(Case k) throws SQLException {
        reset();
        if (k.state() == null) {
            CorpusIT.assertRoundTrips(k.name(), k.sql(), veil, twin, c -> run(c, k), CorpusPredicatesIT::dump);
        } else {
            CorpusIT.assertRefused(k.name(), k.sql(), k.state(), k.column(), k.construct(), SECRETS, veil,
                    c -> run(c, k), CorpusPredicatesIT::dump);
        }
    }

    @Test
    void aPreparedArraySearchIsReboundPerExecution() throws SQLException {
        reset();
        try (PreparedStatement ps = veil.prepareStatement("SELECT id FROM people WHERE email = ANY(?) ORDER BY id")) {
            ps.setObject(1, new String[] {"ada@x"});
            assertThat(ids(ps)).containsExactly(1);
            ps.setArray(1, veil.createArrayOf("text", new String[] {"bob@x", "cy@x"}));
            assertThat(ids(ps)).containsExactly(2, 3);
            ps.setNull(1, Types.ARRAY);
            assertThat(ids(ps)).isEmpty();
        }
    }

    @Test
    void aBatchOfArraySearchesBindsEachRowsArray() throws SQLException {
        reset();
        for (Connection c : new Connection[] {veil, twin}) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE people SET nick = ? WHERE email = ANY(?)")) {
                ps.setString(1, "one");
                ps.setArray(2, c.createArrayOf("text", new String[] {"ada@x", "bob@x"}));
                ps.addBatch();
                ps.setString(1, "two");
                ps.setObject(2, new String[] {"cy@x", null});
                ps.addBatch();
                ps.setString(1, "none");
                ps.setObject(2, new String[0]);
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(2, 1, 0);
            }
        }
        assertThat(dump(veil)).isEqualTo(dump(twin));
    }

    private static List<Integer> ids(PreparedStatement ps) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (var rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------
    // harness

    private static void reset() throws SQLException {
        try (Statement st = raw.createStatement()) {
            st.execute("TRUNCATE people, staff");
        }
        try (Statement st = twin.createStatement()) {
            st.execute("TRUNCATE people, staff");
        }
        Object[][] people = {
            {1, 1, "ada@x", "111-11", "Ada", "Ada L"},
            {2, 1, "bob@x", "222-22", "bob", "Bob M"},
            {3, 2, "cy@x", "333-33", "ADA", null},
            {4, 2, null, "111-11", "ada", "Dee N"},
            {5, 3, "dee@x", null, null, "Eve O"},
            {6, 3, "eve@x", "444-44", "Bob", "Fay P"},
        };
        Object[][] staff = {{1, "ada@x", "ada@x"}, {2, "bob@x", "x"}, {3, null, null}, {4, "zed@x", "cy@x"}};
        for (Connection c : new Connection[] {veil, twin}) {
            insertAll(c, "INSERT INTO people (id, grp, email, ssn, nick, name) VALUES (?, ?, ?, ?, ?, ?)", people);
            insertAll(c, "INSERT INTO staff (id, mail, other) VALUES (?, ?, ?)", staff);
        }
    }

    private static void insertAll(Connection c, String sql, Object[][] rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static List<Object> run(Connection c, Case k) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(k.sql())) {
            for (int i = 0; i < k.params().size(); i++) {
                Object p = k.params().get(i);
                if (p instanceof Arr) {
                    Arr a = (Arr) p;
                    if (a.asObject()) {
                        ps.setObject(i + 1, a.values());
                    } else {
                        ps.setArray(i + 1, c.createArrayOf("text", a.values()));
                    }
                } else if (p == NULL_ARRAY) {
                    ps.setNull(i + 1, Types.ARRAY);
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            if (ps.execute()) {
                try (var rs = ps.getResultSet()) {
                    out.add(CorpusIT.rows(rs, true));
                }
            } else {
                out.add("updated " + ps.getUpdateCount());
            }
        }
        return out;
    }

    /** Both tables as plaintext, read through {@code c}. */
    static List<Object> dump(Connection c) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String sql : List.of("SELECT * FROM people ORDER BY id", "SELECT * FROM staff ORDER BY id")) {
                try (var rs = st.executeQuery(sql)) {
                    out.add(CorpusIT.rows(rs, false));
                }
            }
        }
        return out;
    }
}
