package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.CorpusIT.Case;
import dev.veil.testing.TwinDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of {@link CorpusIT} for the forms Veil computes itself (issue 10, part 3b): projections evaluated after
 * decryption ({@code ssn::text}, {@code COALESCE(ssn, ?)}, {@code CASE WHEN ssn IS NULL …}), values computed from
 * parameters and literals ({@code ? || '@example.com'}, casts, PostgreSQL's literal forms), {@code INSERT … SELECT}
 * without FROM into a table with a blind index, and generated keys. Each case round-trips against a plaintext twin
 * — the same rows, the same labels and column types in the result metadata, the same table contents, ciphertext at
 * rest — or is refused before anything is sent, naming the column and the construct.
 */
class CorpusProjectionsIT {

    private static final String YAML = """
              patients:
                ssn: {}
                email: {}
                heart_rate: { type: int }
                birth_date: { type: local-date }
              owners:
                last_name: { type: string, blind-index: last_name_bidx }
                telephone: {}
            """;

    static TwinDatabases db;
    static Connection veil;
    static Connection twin;
    static Connection raw;

    @BeforeAll
    static void setUp() throws SQLException {
        List<String> stored = List.of(
                "CREATE TABLE clinics (id int PRIMARY KEY, name text)",
                "CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email bytea, heart_rate bytea, "
                        + "birth_date text, clinic_id int)",
                "CREATE TABLE owners (id int PRIMARY KEY, first_name text, last_name text, last_name_bidx bytea, "
                        + "telephone bytea)");
        List<String> plaintext = List.of(
                "CREATE TABLE clinics (id int PRIMARY KEY, name text)",
                "CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email text, heart_rate int, "
                + "birth_date date, clinic_id int)",
                "CREATE TABLE owners (id int PRIMARY KEY, first_name text, last_name text, telephone text)");
        db = TwinDatabases.create(CorpusProjectionsIT.class, YAML, stored, plaintext);
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

    static Stream<Case> roundTrips() {
        return Stream.of(
                // projections evaluated after decryption
                CorpusIT.ok("ssn::text", "SELECT id, ssn::text FROM patients"),
                CorpusIT.ok("CAST(ssn AS varchar)", "SELECT id, CAST(ssn AS varchar) FROM patients"),
                CorpusIT.ok("CAST(ssn AS text) with an alias", "SELECT id, CAST(ssn AS text) AS s FROM patients"),
                CorpusIT.ok("heart_rate::int (its own type)", "SELECT id, heart_rate::int FROM patients"),
                CorpusIT.ok("heart_rate::integer, ::text", "SELECT id, heart_rate::integer AS a, heart_rate::text AS b "
                        + "FROM patients"),
                CorpusIT.ok("birth_date::date (its own type)", "SELECT id, birth_date::date, CAST(birth_date AS "
                        + "pg_catalog.date) AS d FROM patients"),
                CorpusIT.ok("COALESCE(ssn, literal)", "SELECT id, COALESCE(ssn, 'none') FROM patients"),
                CorpusIT.ok("COALESCE(heart_rate, 0)", "SELECT id, COALESCE(heart_rate, 0) FROM patients"),
                CorpusIT.okP("COALESCE(ssn, ?) beside a sent parameter", "SELECT id, COALESCE(ssn, ?) AS s FROM "
                        + "patients WHERE clinic_id = ? OR clinic_id IS NULL", "n/a", 2),
                CorpusIT.okP("COALESCE(ssn, ?) with NULL", "SELECT id, COALESCE(ssn, ?) FROM patients", (Object) null),
                CorpusIT.ok("CASE WHEN ssn IS NULL THEN literal ELSE ssn END", "SELECT id, CASE WHEN ssn IS NULL THEN "
                        + "'none' ELSE ssn END FROM patients"),
                CorpusIT.ok("CASE WHEN ssn IS NOT NULL THEN ssn ELSE literal END", "SELECT id, CASE WHEN ssn IS NOT "
                        + "NULL THEN ssn ELSE 'none' END FROM patients"),
                CorpusIT.ok("CASE WHEN ssn IS NOT NULL THEN ssn END", "SELECT CASE WHEN ssn IS NOT NULL THEN ssn END "
                        + "FROM patients"),
                CorpusIT.okP("CASE WHEN ssn IS NULL THEN ? ELSE ssn END", "SELECT CASE WHEN ssn IS NULL THEN ? ELSE "
                        + "ssn END AS s FROM patients", "unknown"),
                CorpusIT.ok("IS NULL / IS NOT NULL as values", "SELECT id, ssn IS NULL, email IS NOT NULL AS has_mail "
                        + "FROM patients"),
                CorpusIT.ok("projections over a join", "SELECT p.id, COALESCE(p.ssn, 'none'), c.name FROM patients p "
                        + "JOIN clinics c ON c.id = p.clinic_id"),
                CorpusIT.ok("projection from a CTE", "WITH x AS (SELECT id, ssn FROM patients) SELECT id, "
                        + "COALESCE(ssn, '-') FROM x"),
                // written values computed from parameters and literals
                CorpusIT.okP("VALUES (? || literal)", "INSERT INTO patients (name, email) VALUES (?, ? || "
                        + "'@example.com')", "Gil", "gil"),
                CorpusIT.okP("SET col = ?::text", "UPDATE patients SET email = ?::text WHERE id = ?", "x@y", 2),
                CorpusIT.okP("SET col = ?::text with an integer", "UPDATE patients SET ssn = ?::text WHERE id = ?", 42,
                        1),
                CorpusIT.ok("SET col = 'x'::varchar", "UPDATE patients SET ssn = 'x'::varchar WHERE id = 1"),
                CorpusIT.okP("VALUES (CAST(? AS text))", "INSERT INTO patients (name, ssn) VALUES (?, CAST(? AS text))",
                        "Hal", "555-01-0001"),
                CorpusIT.okP("SET int col = ?::int from a string", "UPDATE patients SET heart_rate = ?::int WHERE id = ?",
                        " 77 ", 3),
                CorpusIT.okP("SET col = ? || '-' || literal", "UPDATE patients SET ssn = ? || '-' || 'x' WHERE id = 1",
                        "abc"),
                CorpusIT.okP("? || literal with NULL", "UPDATE patients SET ssn = ? || '-x' WHERE id = 1",
                        (Object) null),
                CorpusIT.ok("literal || literal", "INSERT INTO patients (name, ssn) VALUES ('Cc', 'a' || 'b' || 'c')"),
                CorpusIT.ok("typed literals", "INSERT INTO patients (name, ssn, heart_rate) VALUES ('Ty', varchar "
                        + "'typed', int4 '42')"),
                CorpusIT.ok("text 'x' typed literal", "INSERT INTO patients (name, ssn) VALUES ('Tx', text 'typed')"),
                CorpusIT.ok("E'…\\n…' string", "INSERT INTO patients (name, ssn) VALUES ('Ed', E'line1\\nline2')"),
                CorpusIT.ok("U&'…' string", "INSERT INTO patients (name, ssn) VALUES ('Un', U&'d\\0061t\\+000061')"),
                CorpusIT.ok("dollar-quoted string with a quote", "UPDATE patients SET ssn = $q$it's$q$ WHERE id = 2"),
                // INSERT … SELECT of parameters and literals into a table with a blind index
                CorpusIT.ok("spring-petclinic data.sql (inserts)", "INSERT INTO owners (id, first_name, last_name, "
                        + "telephone) SELECT 11, 'George', 'Franklin', '6085551023' WHERE NOT EXISTS (SELECT * FROM "
                        + "owners WHERE id = 11)"),
                CorpusIT.ok("spring-petclinic data.sql (row exists)", "INSERT INTO owners (id, first_name, last_name, "
                        + "telephone) SELECT 1, 'George', 'Franklin', '6085551023' WHERE NOT EXISTS (SELECT * FROM "
                        + "owners WHERE id = 1)"),
                CorpusIT.okP("INSERT … SELECT ?, ?", "INSERT INTO owners (id, first_name, last_name, telephone) "
                        + "SELECT ?, ?, ?, ?", 12, "Betty", "Davis", "6085551749"),
                CorpusIT.okP("INSERT … SELECT computed value", "INSERT INTO owners (id, last_name) SELECT ?, ? || "
                        + "'son'", 13, "Jack"),
                CorpusIT.okP("INSERT … SELECT without FROM into a table without index", "INSERT INTO patients (name, "
                        + "ssn) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM clinics WHERE id = 1)", "Sel", "555-02-0002"),
                CorpusIT.ok("INSERT … SELECT copying ciphertext (FROM allowed)", "INSERT INTO patients (name, ssn) "
                        + "SELECT name || ' copy', ssn FROM patients"),
                CorpusIT.ok("search finds the INSERT … SELECT row", "SELECT id, last_name FROM owners WHERE last_name "
                        + "= 'Franklin'"),
                CorpusIT.ok("typed literal in a search", "SELECT id FROM owners WHERE last_name = varchar 'Franklin'"));
    }

    static Stream<Case> refusals() {
        String ve10 = "VE010";
        return Stream.of(
                CorpusIT.refused("date::text (DateStyle)", "SELECT birth_date::text FROM patients", ve10,
                        "patients.birth_date", "DateStyle"),
                CorpusIT.refused("cast with a length", "SELECT ssn::varchar(3) FROM patients", ve10, "patients.ssn",
                        "a cast to"),
                CorpusIT.refused("cast to another type", "SELECT heart_rate::numeric FROM patients", ve10,
                        "patients.heart_rate", "a cast to"),
                CorpusIT.refused("COALESCE with a column", "SELECT COALESCE(ssn, name) FROM patients", ve10,
                        "patients.ssn", "COALESCE"),
                CorpusIT.refused("projection in a subquery", "SELECT x FROM (SELECT COALESCE(ssn, 'x') AS x FROM "
                        + "patients) s", ve10, "patients.ssn", "COALESCE"),
                CorpusIT.refused("projection in RETURNING of a writable CTE", "WITH u AS (UPDATE patients SET name = "
                        + "'x' WHERE id = 1 RETURNING COALESCE(ssn, 'x') AS s) SELECT s FROM u WHERE s IS NULL", ve10,
                        "patients.ssn", "COALESCE"),
                CorpusIT.refused("projection in a scalar subquery", "SELECT (SELECT ssn::text FROM patients LIMIT 1)",
                        ve10, "patients.ssn", "cast"),
                CorpusIT.refused("projection in RETURNING", "INSERT INTO patients (ssn) VALUES ('x') RETURNING "
                        + "COALESCE(ssn, 'y')", ve10, "patients.ssn", "COALESCE"),
                CorpusIT.refused("projection in a UNION ALL", "SELECT ssn::text FROM patients UNION ALL SELECT "
                        + "ssn::text FROM patients", ve10, "patients.ssn", "cast"),
                CorpusIT.refused("ORDER BY a projection", "SELECT COALESCE(ssn, 'x') AS s FROM patients ORDER BY s",
                        ve10, "patients.ssn", "ORDER BY"),
                CorpusIT.refused("lower(ssn) stays refused", "SELECT lower(ssn) FROM patients", ve10, "patients.ssn",
                        "lower()"),
                CorpusIT.refused("CASE over another condition", "SELECT CASE WHEN id > 1 THEN ssn END FROM patients",
                        ve10, "patients.ssn", "CASE"),
                CorpusIT.refusedP("value from two parameters", "INSERT INTO patients (ssn) VALUES (? || ?)", ve10,
                        "patients.ssn", "several parameters", "a", "b"),
                CorpusIT.refused("value from a column", "UPDATE patients SET ssn = ssn || 'x'", ve10, "patients.ssn",
                        "computed value"),
                CorpusIT.refused("text into an int column", "INSERT INTO patients (heart_rate) VALUES ('5' || '')",
                        ve10, "patients.heart_rate", "another type"),
                CorpusIT.refusedP("cast with a length in a write", "UPDATE patients SET ssn = ?::varchar(3) WHERE id "
                        + "= 1", ve10, "patients.ssn", "a cast to", "abcdef"),
                CorpusIT.refusedP("cast to numeric in a write", "INSERT INTO patients (ssn) VALUES (?::numeric)", ve10,
                        "patients.ssn", "a cast to", 5),
                CorpusIT.refused("INSERT … SELECT literal FROM generate_series", "INSERT INTO patients (name, ssn) "
                        + "SELECT 'x', '555-03-0003' FROM generate_series(1, 10)", ve10, "patients.ssn", "FROM"),
                CorpusIT.refused("INSERT … SELECT literal FROM generate_series, indexed", "INSERT INTO owners (id, "
                        + "last_name) SELECT g, 'x' FROM generate_series(100, 110) g", ve10, "owners.last_name",
                        "INSERT … SELECT"),
                CorpusIT.refusedP("INSERT … SELECT ? FROM a table", "INSERT INTO patients (name, ssn) SELECT name, ? "
                        + "FROM patients", ve10, "patients.ssn", "FROM", "555-03-0004"),
                CorpusIT.refused("INSERT … SELECT with a set-returning function", "INSERT INTO patients (name, ssn) "
                        + "SELECT generate_series(1, 3)::text, 'x'", ve10, "patients.ssn", "generate_series"),
                CorpusIT.refused("INSERT … SELECT UNION ALL", "INSERT INTO patients (ssn) SELECT 'x' UNION ALL SELECT "
                        + "'y'", ve10, "patients.ssn", "INSERT … SELECT"),
                CorpusIT.refused("INSERT … SELECT copy into an indexed column", "INSERT INTO owners (id, last_name) "
                        + "SELECT id + 100, last_name FROM owners", ve10, "owners.last_name", "blind index"));
    }

    static Stream<Case> corpus() {
        return Stream.concat(roundTrips(), refusals());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void statement(Case k) throws SQLException {
        reset();
        if (k.state() == null) {
            CorpusIT.assertRoundTrips(k.name(), k.sql(), veil, twin, c -> run(c, k), CorpusProjectionsIT::dump);
            assertStoredCiphertext();
            return;
        }
        assertThat(k.column()).as("%s names the refused column", k.name()).isNotNull();
        assertThat(k.construct()).as("%s names the refused construct", k.name()).isNotNull();
        CorpusIT.assertRefused(k.name(), k.sql(), k.state(), k.column(), k.construct(), List.of(), veil,
                c -> run(c, k), CorpusProjectionsIT::dump);
    }

    @Test
    void coalesceWithANonStringParameterIsRefusedWhereThePlaintextTwinFails() throws SQLException {
        reset();
        String sql = "SELECT COALESCE(ssn, ?) FROM patients";
        try (PreparedStatement ps = twin.prepareStatement(sql)) {
            ps.setInt(1, 5);
            assertThat((Object) catchThrowableOfType(SQLException.class, ps::executeQuery)).isNotNull();
        }
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            ps.setInt(1, 5);
            SQLException e = catchThrowableOfType(SQLException.class, () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
            });
            assertThat((Object) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("22018");
            assertThat(e.getMessage()).contains("patients.ssn", "setString");
        }
    }

    @Test
    void aPreparedStatementsMetadataReportsTheProjectedTypes() throws SQLException {
        String sql = "SELECT id, heart_rate::text, COALESCE(ssn, ?), heart_rate::int AS hr FROM patients WHERE id = ?";
        List<String> expected = null;
        for (Connection c : new Connection[] {twin, veil}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ResultSetMetaData md = ps.getMetaData();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    types.add(md.getColumnLabel(i) + ":" + md.getColumnTypeName(i) + "/" + md.getColumnType(i));
                }
                if (expected == null) {
                    expected = types;
                } else {
                    assertThat(types).isEqualTo(expected);
                }
            }
        }
        assertThat(expected).containsExactly("id:serial/4", "heart_rate:text/12", "coalesce:text/12", "hr:int4/4");
    }

    @Test
    void wasNullFollowsTheProjectedValue() throws SQLException {
        reset();
        String sql = "SELECT COALESCE(heart_rate, 0), heart_rate::text, CASE WHEN ssn IS NULL THEN ? ELSE ssn END "
                + "FROM patients WHERE name = 'Dee'";
        for (Connection c : new Connection[] {twin, veil}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, "none");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.wasNull()).as("COALESCE over NULL").isFalse();
                    assertThat(rs.getString(2)).isNull();
                    assertThat(rs.wasNull()).as("NULL::text").isTrue();
                    assertThat(rs.getString(3)).isEqualTo("none");
                    assertThat(rs.wasNull()).isFalse();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.wasNull()).as("read again").isFalse();
                }
            }
        }
    }

    @Test
    void aKeptProjectionParameterLeftUnsetFailsLikeThePlainDriver() throws SQLException {
        String sql = "SELECT COALESCE(ssn, ?) FROM patients WHERE id = ?";
        String[] states = new String[2];
        Connection[] connections = {twin, veil};
        for (int i = 0; i < 2; i++) {
            try (PreparedStatement ps = connections[i].prepareStatement(sql)) {
                ps.setInt(2, 1);
                SQLException e = catchThrowableOfType(SQLException.class, ps::executeQuery);
                assertThat((Object) e).isNotNull();
                states[i] = e.getSQLState();
            }
        }
        assertThat(states[1]).isEqualTo(states[0]);
    }

    @Test
    void aComputedValueKeepsItsBlindIndexSearchable() throws SQLException {
        reset();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO owners (id, last_name) VALUES (?, ? || "
                + "'son')")) {
            ps.setInt(1, 30);
            ps.setString(2, "Ander");
            ps.executeUpdate();
        }
        try (PreparedStatement ps = veil.prepareStatement("UPDATE owners SET last_name = CAST(? AS text) WHERE id = "
                + "?")) {
            ps.setString(1, "Bees");
            ps.setInt(2, 2);
            ps.executeUpdate();
        }
        assertThat(ids("SELECT id FROM owners WHERE last_name = ?", "Anderson")).containsExactly(30);
        assertThat(ids("SELECT id FROM owners WHERE last_name = ?", "Bees")).containsExactly(2);
    }

    // ------------------------------------------------------------------------------------------------------------
    // generated keys: never a companion column, encrypted columns decrypted

    @Test
    void generatedKeysOfPreparedInsertAndUpdate() throws SQLException {
        for (String sql : List.of("INSERT INTO owners (id, first_name, last_name, telephone) VALUES (?, 'Gk', ?, ?)",
                "UPDATE owners SET last_name = ?, telephone = ? WHERE id = ?")) {
            reset();
            boolean insert = sql.startsWith("INSERT");
            List<List<Object>> expected = null;
            for (Connection c : new Connection[] {twin, veil}) {
                try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                    Object[] params = insert ? new Object[] {40, "Keys", "555-0100"} : new Object[] {"Keys", "555",
                        1};
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    List<List<Object>> got = keys(ps);
                    if (expected == null) {
                        expected = got;
                    } else {
                        assertThat(got).as(sql).isEqualTo(expected);
                    }
                }
            }
            assertThat(expected.toString()).doesNotContain("last_name_bidx").contains("Keys");
        }
    }

    @Test
    void generatedKeysOfPlainStatementsAndByColumnName() throws SQLException {
        for (String sql : List.of("INSERT INTO owners (id, first_name, last_name, telephone) VALUES (41, 'Gk', 'Plain', "
                + "'555-0101')", "UPDATE owners SET last_name = 'Plain2' WHERE id = 2",
                "INSERT INTO patients (name, ssn, heart_rate) VALUES ('Gk', '555-04-0004', 61)")) {
            reset();
            List<List<Object>> byFlag = null;
            List<List<Object>> byName = null;
            for (Connection c : new Connection[] {twin, veil}) {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate(sql, Statement.RETURN_GENERATED_KEYS);
                    List<List<Object>> got = keys(st);
                    assertThat(got.toString()).doesNotContain("_bidx");
                    if (byFlag == null) {
                        byFlag = got;
                    } else {
                        assertThat(got).as(sql).isEqualTo(byFlag);
                    }
                }
            }
            reset();
            String[] names = sql.contains("patients") ? new String[] {"id", "ssn", "heart_rate"}
                    : new String[] {"id", "last_name"};
            for (Connection c : new Connection[] {twin, veil}) {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate(sql, names);
                    List<List<Object>> got = keys(st);
                    if (byName == null) {
                        byName = got;
                    } else {
                        assertThat(got).as(sql).isEqualTo(byName);
                    }
                }
            }
        }
    }

    @Test
    void generatedKeysThroughExecuteAndExecuteLargeUpdate() throws SQLException {
        String sql = "INSERT INTO owners (id, last_name, telephone) VALUES (42, 'Exec', '555-0102')";
        for (boolean large : new boolean[] {false, true}) {
            reset();
            List<List<Object>> expected = null;
            for (Connection c : new Connection[] {twin, veil}) {
                try (Statement st = c.createStatement()) {
                    if (large) {
                        assertThat(st.executeLargeUpdate(sql, Statement.RETURN_GENERATED_KEYS)).isEqualTo(1L);
                    } else {
                        assertThat(st.execute(sql, Statement.RETURN_GENERATED_KEYS)).isFalse();
                    }
                    List<List<Object>> got = keys(st);
                    if (expected == null) {
                        expected = got;
                    } else {
                        assertThat(got).isEqualTo(expected);
                    }
                }
            }
            assertThat(expected.toString()).contains("Exec", "555-0102").doesNotContain("_bidx");
        }
    }

    @Test
    void generatedKeysOfABatch() throws SQLException {
        reset();
        List<List<Object>> expected = null;
        for (Connection c : new Connection[] {twin, veil}) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO owners (id, last_name, telephone) VALUES (?, ?, "
                    + "?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, 50 + i);
                    ps.setString(2, "Batch" + i);
                    ps.setString(3, "555-02" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
                List<List<Object>> got = keys(ps);
                if (expected == null) {
                    expected = got;
                } else {
                    assertThat(got).isEqualTo(expected);
                }
            }
        }
        assertThat(expected.toString()).contains("Batch2").doesNotContain("_bidx");
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO owners (id, last_name) VALUES (?, ?)",
                new String[] {"id", "last_name"})) {
            ps.setInt(1, 60);
            ps.setString(2, "Named");
            ps.addBatch();
            ps.executeBatch();
            assertThat(keys(ps).toString()).contains("Named").doesNotContain("_bidx");
        }
    }

    @Test
    void generatedKeysByColumnIndexBehaveAsThePlainDriver() throws SQLException {
        reset();
        String sql = "INSERT INTO owners (id, last_name) VALUES (70, 'Idx')";
        SQLException plain = catchThrowableOfType(SQLException.class, () -> twin.prepareStatement(sql, new int[] {1}));
        SQLException viaVeil = catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(sql,
                new int[] {1}));
        assertThat(viaVeil == null).isEqualTo(plain == null);
        if (plain != null) {
            assertThat(viaVeil.getSQLState()).isEqualTo(plain.getSQLState());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // machinery

    private static List<Integer> ids(String sql, Object param) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }

    private static List<List<Object>> keys(Statement st) throws SQLException {
        try (ResultSet rs = st.getGeneratedKeys()) {
            return new ArrayList<>(CorpusIT.rows(rs, true));
        }
    }

    private static void reset() throws SQLException {
        for (Connection c : new Connection[] {raw, twin}) {
            try (Statement st = c.createStatement()) {
                st.execute("TRUNCATE patients, clinics, owners RESTART IDENTITY");
            }
        }
        Object[][] clinics = {{1, "North"}, {2, "South"}};
        Object[][] patients = {
            {"Ada", "111-11-1111", "ada@example.com", 72, LocalDate.of(1980, 5, 6), 1},
            {"Bob", "222-22-2222", null, -80, null, 1},
            {"Cy", null, "cy@example.com", null, LocalDate.of(2001, 9, 9), 2},
            {"Dee", null, null, null, null, null},
        };
        Object[][] owners = {{1, "George", "Franklin", "6085551023"}, {2, "Betty", "Davis", null}};
        for (Connection c : new Connection[] {veil, twin}) {
            CorpusIT.insertAll(c, "INSERT INTO clinics (id, name) VALUES (?, ?)", clinics);
            CorpusIT.insertAll(c, "INSERT INTO patients (name, ssn, email, heart_rate, birth_date, clinic_id) VALUES "
                    + "(?, ?, ?, ?, ?, ?)", patients);
            CorpusIT.insertAll(c, "INSERT INTO owners (id, first_name, last_name, telephone) VALUES (?, ?, ?, ?)", owners);
        }
    }

    private static List<Object> run(Connection c, Case k) throws SQLException {
        return CorpusIT.run(c, k, CorpusProjectionsIT::rows);
    }

    /** Labels with their types (name, JDBC type, class), then the rows sorted (as {@link CorpusIT#rows}). */
    private static List<List<Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<Object> types = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            types.add(md.getColumnLabel(i) + ":" + md.getColumnTypeName(i) + "/" + md.getColumnType(i) + "/"
                    + md.getColumnClassName(i));
        }
        List<List<Object>> rows = CorpusIT.rows(rs, true);
        rows.add(0, types);
        return rows;
    }

    private static List<Object> dump(Connection c) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String sql : List.of("SELECT * FROM patients ORDER BY id", "SELECT * FROM owners ORDER BY id")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    out.add(CorpusIT.rows(rs, false));
                }
            }
        }
        return out;
    }

    private static void assertStoredCiphertext() throws SQLException {
        try (Statement st = raw.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn, birth_date, NULL FROM patients UNION ALL SELECT "
                        + "last_name, NULL, encode(last_name_bidx, 'hex') FROM owners")) {
            while (rs.next()) {
                for (int i = 1; i <= 2; i++) {
                    String s = rs.getString(i);
                    if (s != null) {
                        assertThat(s).startsWith("veil1:");
                    }
                }
            }
        }
        try (Statement st = raw.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM owners WHERE last_name IS NOT NULL AND "
                        + "last_name_bidx IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("owners rows without a blind index value").isZero();
        }
    }
}
