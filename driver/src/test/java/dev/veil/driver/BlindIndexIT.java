package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.blindindex.LeakageReport;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.testing.ServerLog;
import dev.veil.testing.TestDatabase;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blind indexes end to end against PostgreSQL: a seeded generator of statements over every supported form runs
 * through Veil on encrypted tables and through plain pgjdbc on a plaintext twin, and every result (rows, update
 * counts, final table contents) must be identical — with exact, truncated (post-filtered), compound, slow-mode and
 * join-domain indexes over 10,000 rows with duplicates, NULLs, mixed case and Unicode. Then: the companion column's
 * btree index serves {@code WHERE email = ?}, a unique index raises 23505, no plaintext search value reaches the
 * server log, rows that predate an index are refused (VE013) until re-saved, a missing companion column is VE012.
 */
class BlindIndexIT {

    private static final String YAML = """
              people:
                email: { type: string, blind-index: { name: email_bidx, domain: person_email } }
                ssn: { type: string, blind-index: { name: ssn_bidx, bits: 10 } }
                code: { type: string, blind-index: { column: code_bidx, bits: 6, slow: argon2id, argon2id-cost: { memory-kib: 64, iterations: 1, parallelism: 1 } } }
                nick: { type: string, blind-index: { normalize: [trim, lowercase] } }
                last_name: { type: string }
                birth_date: { type: local-date }
                indexes:
                  name_dob_bidx: { columns: [last_name, birth_date] }
              staff:
                mail: { type: string, blind-index: { name: mail_bidx, domain: person_email } }
              accounts:
                login: { type: string, blind-index: login_bidx }
              legacy:
                secret: { type: string, blind-index: secret_bidx }
              orphans:
                secret: { type: string, blind-index: secret_bidx }
              big:
                email: { type: string, blind-index: email_bidx }
            """;

    static final int ROWS = 10_000;
    static final long SEED = 20_241_121L;

    static VeilFixture fx;
    static TestDatabase twinDb;
    static Connection veil;
    static Connection twin;
    static Connection raw;

    static final List<String> EMAILS = new ArrayList<>();
    static final List<String> SSNS = new ArrayList<>();
    static final List<String> CODES = new ArrayList<>();
    static final List<String> NAMES = new ArrayList<>();
    static final List<LocalDate> DATES = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(BlindIndexIT.class, YAML);
        fx.plainExecute(
                "CREATE TABLE people (id int PRIMARY KEY, grp int, email bytea, email_bidx bytea, ssn bytea, "
                        + "ssn_bidx bytea, code bytea, code_bidx bytea, nick bytea, nick_bidx bytea, last_name bytea, "
                        + "birth_date bytea, name_dob_bidx bytea)",
                "CREATE INDEX ON people (email_bidx)", "CREATE INDEX ON people (ssn_bidx)",
                "CREATE TABLE staff (id int PRIMARY KEY, mail bytea, mail_bidx bytea)",
                "CREATE TABLE accounts (id int PRIMARY KEY, login bytea, login_bidx bytea)",
                "CREATE UNIQUE INDEX ON accounts (login_bidx)",
                "CREATE TABLE legacy (id int PRIMARY KEY, secret bytea, secret_bidx bytea)",
                "CREATE TABLE orphans (id int PRIMARY KEY, secret bytea)",
                "CREATE TABLE big (id int PRIMARY KEY, email bytea, email_bidx bytea)");
        twinDb = TestDatabase.create("BlindIndexITTwin");
        twin = twinDb.plainConnection();
        try (Statement st = twin.createStatement()) {
            st.execute("CREATE TABLE people (id int PRIMARY KEY, grp int, email text, ssn text, code text, nick text, "
                    + "last_name text, birth_date date)");
            st.execute("CREATE TABLE staff (id int PRIMARY KEY, mail text)");
            st.execute("CREATE TABLE accounts (id int PRIMARY KEY, login text)");
            st.execute("CREATE UNIQUE INDEX ON accounts (login)");
        }
        Random r = new Random(SEED);
        String[] domains = {"example.com", "Example.COM", "müller.de", "例え.jp", "x.org"};
        for (int i = 0; i < 400; i++) {
            String local = (i % 7 == 0 ? "Ädä" : i % 5 == 0 ? "BOB" : "user") + i + (i % 11 == 0 ? "ñ" : "");
            EMAILS.add(local + "@" + domains[i % domains.length]);
        }
        for (int i = 0; i < 600; i++) {
            SSNS.add(String.format("%03d-%02d-%04d", r.nextInt(900) + 100, r.nextInt(99), r.nextInt(10_000)));
        }
        for (int i = 0; i < 60; i++) {
            CODES.add("C" + i + (i % 3 == 0 ? "é" : ""));
        }
        for (int i = 0; i < 40; i++) {
            NAMES.add((i % 2 == 0 ? "Smith" : "O'Neil-") + i);
        }
        for (int i = 0; i < 25; i++) {
            DATES.add(LocalDate.of(1950 + i, 1 + i % 12, 1 + i));
        }
        veil = DriverManager.getConnection(fx.veilUrl() + "&reWriteBatchedInserts=true", fx.properties());
        raw = fx.plain();
        long t0 = System.nanoTime();
        String insert = "INSERT INTO people (id, grp, email, ssn, code, nick, last_name, birth_date) VALUES (?, ?, ?, ?, "
                + "?, ?, ?, ?)";
        veil.setAutoCommit(false);
        twin.setAutoCommit(false);
        try (PreparedStatement v = veil.prepareStatement(insert); PreparedStatement t = twin.prepareStatement(insert)) {
            for (int id = 1; id <= ROWS; id++) {
                Object[] row = {id, r.nextInt(20), pick(r, EMAILS, 0.1), pick(r, SSNS, 0.1), pick(r, CODES, 0.1),
                        pick(r, List.of("Ada", "ADA ", " ada", "Bob", "bob"), 0.2), pick(r, NAMES, 0.05),
                        pick(r, DATES, 0.05)};
                for (PreparedStatement ps : List.of(v, t)) {
                    for (int k = 0; k < row.length; k++) {
                        ps.setObject(k + 1, row[k]);
                    }
                    ps.addBatch();
                }
                if (id % 1000 == 0) {
                    v.executeBatch();
                    t.executeBatch();
                }
            }
        }
        try (PreparedStatement v = veil.prepareStatement("INSERT INTO staff (id, mail) VALUES (?, ?)");
                PreparedStatement t = twin.prepareStatement("INSERT INTO staff (id, mail) VALUES (?, ?)")) {
            for (int id = 1; id <= 300; id++) {
                Object mail = pick(r, EMAILS, 0.1);
                for (PreparedStatement ps : List.of(v, t)) {
                    ps.setInt(1, id);
                    ps.setObject(2, mail);
                    ps.addBatch();
                }
            }
            v.executeBatch();
            t.executeBatch();
        }
        veil.commit();
        twin.commit();
        veil.setAutoCommit(true);
        twin.setAutoCommit(true);
        System.out.printf("loaded %d rows in %d ms%n", ROWS, (System.nanoTime() - t0) / 1_000_000);
    }

    static Object pick(Random r, List<?> values, double nulls) {
        return r.nextDouble() < nulls ? null : values.get(r.nextInt(values.size()));
    }

    @AfterAll
    static void tearDown() throws SQLException {
        for (Connection c : new Connection[] {veil, twin, raw}) {
            if (c != null) {
                c.close();
            }
        }
        if (twinDb != null) {
            twinDb.drop();
        }
        if (fx != null) {
            fx.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // the differential test

    /** One generated statement: SQL for Veil, SQL for the twin (differs only for normalized equality), parameters. */
    record Generated(String form, String veilSql, String twinSql, List<Object> params, boolean query) {
    }

    @Test
    void generatedStatementsReturnWhatThePlaintextTwinReturns() throws SQLException {
        Random r = new Random(SEED + 1);
        List<Generated> statements = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            statements.add(generate(r, i));
        }
        Set<String> forms = new HashSet<>();
        assertThat(truncatedBucketsHoldingSeveralValues()).as("the truncated index has false positives to drop")
                .isPositive();
        long t0 = System.nanoTime();
        int nonEmpty = 0;
        for (Generated g : statements) {
            Object veilResult = run(veil, g.veilSql(), g.params(), g.query());
            Object twinResult = run(twin, g.twinSql(), g.params(), g.query());
            assertThat(veilResult).as("%s: %s %s", g.form(), g.veilSql(), g.params()).isEqualTo(twinResult);
            forms.add(g.form());
            if (veilResult instanceof List ? !((List<?>) veilResult).isEmpty() : !Integer.valueOf(0).equals(veilResult)) {
                nonEmpty++;
            }
        }
        assertThat(nonEmpty).as("statements that found or changed something").isGreaterThan(150);
        System.out.printf("%d generated statements over %d forms in %d ms%n", statements.size(), forms.size(),
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(statements).hasSizeGreaterThanOrEqualTo(200);
        assertThat(forms).hasSizeGreaterThanOrEqualTo(20);
        String all = "SELECT id, grp, email, ssn, code, nick, last_name, birth_date FROM people ORDER BY id";
        assertThat(run(veil, all, List.of(), true)).isEqualTo(run(twin, all, List.of(), true));
        assertThat(run(veil, "SELECT id, mail FROM staff ORDER BY id", List.of(), true))
                .isEqualTo(run(twin, "SELECT id, mail FROM staff ORDER BY id", List.of(), true));
    }

    /** How many ssn_bidx values stand for more than one distinct SSN (read through Veil and raw). */
    private static int truncatedBucketsHoldingSeveralValues() throws SQLException {
        Map<Integer, String> ssnById = new java.util.HashMap<>();
        try (ResultSet rs = veil.createStatement().executeQuery("SELECT id, ssn FROM people")) {
            while (rs.next()) {
                ssnById.put(rs.getInt(1), rs.getString(2));
            }
        }
        Map<String, Set<String>> buckets = new java.util.HashMap<>();
        try (ResultSet rs = raw.createStatement().executeQuery("SELECT id, ssn_bidx FROM people WHERE ssn_bidx IS NOT "
                + "NULL")) {
            while (rs.next()) {
                buckets.computeIfAbsent(java.util.HexFormat.of().formatHex(rs.getBytes(2)), k -> new HashSet<>())
                        .add(ssnById.get(rs.getInt(1)));
            }
        }
        return (int) buckets.values().stream().filter(v -> v.size() > 1).count();
    }

    private Generated generate(Random r, int i) {
        String e1 = value(r, EMAILS);
        String e2 = value(r, EMAILS);
        String s1 = value(r, SSNS);
        String c1 = value(r, CODES);
        int g = r.nextInt(20);
        String sel = "SELECT id, email, ssn FROM people ";
        switch (i % 24) {
            case 0:
                return q("email = ?", sel + "WHERE email = ? ORDER BY id", e1);
            case 1:
                return q("? = email", sel + "WHERE ? = email ORDER BY id", e1);
            case 2:
                return q("email IN", sel + "WHERE email IN (?, ?, ?) ORDER BY id", e1, e2, value(r, EMAILS));
            case 3:
                return q("email <>", "SELECT id FROM people WHERE email <> ? AND grp = ? ORDER BY id", e1, g);
            case 4:
                return q("email NOT IN", "SELECT id FROM people WHERE email NOT IN (?, ?) AND grp = ? ORDER BY id",
                        e1, e2, g);
            case 5:
                return q("IS NULL OR =", "SELECT id FROM people WHERE (email IS NULL OR email = ?) AND grp = ? "
                        + "ORDER BY id", e1, g);
            case 6:
                return q("AND/OR/NOT", sel + "WHERE (email = ? OR grp = ?) AND NOT (email = ?) ORDER BY id", e1, g, e2);
            case 7:
                return q("truncated =", sel + "WHERE ssn = ? ORDER BY id", s1);
            case 8:
                return q("truncated IN", "SELECT id, grp FROM people WHERE ssn IN (?, ?) AND grp < ? ORDER BY id", s1,
                        value(r, SSNS), g);
            case 9:
                return q("slow truncated =", "SELECT id, code FROM people WHERE code = ? ORDER BY id", c1);
            case 10:
                return q("compound", "SELECT id, grp FROM people WHERE last_name = ? AND birth_date = ? ORDER BY id",
                        value(r, NAMES), DATES.get(r.nextInt(DATES.size())));
            case 11:
                return q("join via domain", "SELECT p.id, s.id FROM people p JOIN staff s ON p.email = s.mail WHERE "
                        + "p.grp = ? ORDER BY p.id, s.id", g);
            case 12:
                return q("GROUP BY", "SELECT email, count(*) FROM people WHERE grp = ? GROUP BY email ORDER BY 2 DESC, "
                        + "count(*)", g);
            case 13:
                return q("COUNT DISTINCT", "SELECT count(DISTINCT email), count(*) FROM people WHERE grp = ?", g);
            case 14:
                return u("UPDATE by index", "UPDATE people SET grp = ? WHERE email = ?", r.nextInt(20), e1);
            case 15:
                return u("DELETE by index", "DELETE FROM people WHERE email = ? AND grp = ?", e1, g);
            case 16:
                return u("UPDATE SET encrypted", "UPDATE people SET email = ?, ssn = ? WHERE id = ?", e2, s1,
                        1 + r.nextInt(ROWS));
            case 17:
                return u("upsert by id", "INSERT INTO people (id, grp, email, ssn) VALUES (?, ?, ?, ?) ON CONFLICT (id) "
                        + "DO UPDATE SET email = EXCLUDED.email, ssn = EXCLUDED.ssn", 1 + r.nextInt(ROWS + 200), g,
                        e1, s1);
            case 18:
                String lit = e1 == null ? "NULL" : "'" + e1.replace("'", "''") + "'";
                return new Generated("literal =", sel + "WHERE email = " + lit + " ORDER BY id",
                        sel + "WHERE email = " + lit + " ORDER BY id", List.of(), true);
            case 19:
                String sl = s1 == null ? "NULL" : "'" + s1 + "'";
                return new Generated("literal truncated IN", sel + "WHERE ssn IN (" + sl + ", '000-00-0000') ORDER BY id",
                        sel + "WHERE ssn IN (" + sl + ", '000-00-0000') ORDER BY id", List.of(), true);
            case 20:
                return q("subquery", "SELECT id FROM staff WHERE id IN (SELECT grp FROM people WHERE email = ?) ORDER "
                        + "BY id", e1);
            case 21:
                String nick = List.of("ADA", "ada", "Bob ", "BOB", "zed").get(r.nextInt(5));
                return new Generated("normalized =", "SELECT id, nick FROM people WHERE nick = ? ORDER BY id",
                        "SELECT id, nick FROM people WHERE lower(trim(nick)) = lower(trim(?)) ORDER BY id",
                        List.of(nick), true);
            case 22:
                return q("compound + plain", "SELECT id FROM people WHERE grp = ? AND birth_date = ? AND last_name = ? "
                        + "ORDER BY id", g, DATES.get(r.nextInt(DATES.size())), value(r, NAMES));
            default:
                return u("UPDATE compound", "UPDATE people SET last_name = ?, birth_date = ? WHERE id = ?",
                        value(r, NAMES), DATES.get(r.nextInt(DATES.size())), 1 + r.nextInt(ROWS));
        }
    }

    private static String value(Random r, List<String> pool) {
        return r.nextInt(10) == 0 ? "absent-" + r.nextInt(1000) : pool.get(r.nextInt(pool.size()));
    }

    private static Generated q(String form, String sql, Object... params) {
        return new Generated(form, sql, sql, Arrays.asList(params), true);
    }

    private static Generated u(String form, String sql, Object... params) {
        return new Generated(form, sql, sql, Arrays.asList(params), false);
    }

    /** Rows as lists of strings; for updates the count. A statement's own failure is its SQLState. */
    static Object run(Connection c, String sql, List<Object> params, boolean query) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            if (!query) {
                return ps.executeUpdate();
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int k = 1; k <= n; k++) {
                        row.add(rs.getString(k));
                    }
                    rows.add(row);
                }
            }
            if (sql.contains("GROUP BY")) {
                rows.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
            }
            return rows;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // the index is used, uniqueness, the server never sees the search value

    @Test
    void explainShowsTheCompanionIndexFor100000Rows() throws SQLException {
        try (Connection v = DriverManager.getConnection(fx.veilUrl() + "&reWriteBatchedInserts=true", fx.properties());
                PreparedStatement ps = v.prepareStatement("INSERT INTO big (id, email) VALUES (?, ?)")) {
            v.setAutoCommit(false);
            for (int id = 1; id <= 100_000; id++) {
                ps.setInt(1, id);
                ps.setString(2, "person" + id + "@example.com");
                ps.addBatch();
                if (id % 5000 == 0) {
                    ps.executeBatch();
                }
            }
            v.commit();
        }
        fx.plainExecute("CREATE INDEX big_email_bidx ON big (email_bidx)", "ANALYZE big");
        String sql = "SELECT id FROM big WHERE email = ?";
        String sent = ((VeilConnection) veil).runtime().plan(sql, raw).sqlToSend(sql);
        // the value under each enabled key version (one version here: the same value twice, one index probe)
        assertThat(sent).isEqualTo("SELECT id FROM big WHERE email_bidx IN (?, ?)");
        byte[] probe;
        try (ResultSet rs = raw.createStatement().executeQuery("SELECT email_bidx FROM big WHERE id = 4242")) {
            rs.next();
            probe = rs.getBytes(1);
        }
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = raw.prepareStatement("EXPLAIN " + sent)) {
            ps.setBytes(1, probe);
            ps.setBytes(2, probe);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        assertThat(plan.toString()).contains("big_email_bidx").containsPattern("Index (Only )?Scan|Bitmap Index Scan");
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            ps.setString(1, "person4242@example.com");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(4242);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void uniqueIndexOnTheCompanionColumnRaisesPostgresUniqueViolation() throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO accounts (id, login) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, "ada@example.com");
            ps.executeUpdate();
            ps.setInt(1, 2);
            ps.setString(2, "ada@example.com");
            SQLException e = catchThrowableOfType(SQLException.class, ps::executeUpdate);
            assertThat(e.getSQLState()).isEqualTo("23505");
        }
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO accounts (id, login) VALUES (?, ?) ON CONFLICT "
                + "(login) DO UPDATE SET id = EXCLUDED.id RETURNING id, login")) {
            ps.setInt(1, 7);
            ps.setString(2, "ada@example.com");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
                assertThat(rs.getString(2)).isEqualTo("ada@example.com");
            }
        }
    }

    @Test
    void selectStarDoesNotShowCompanionColumns() throws SQLException {
        try (ResultSet rs = veil.createStatement().executeQuery("SELECT * FROM people p WHERE id = 1")) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> labels = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                labels.add(md.getColumnLabel(i));
            }
            assertThat(labels).containsExactly("id", "grp", "email", "ssn", "code", "nick", "last_name", "birth_date");
        }
        try (PreparedStatement ps = veil.prepareStatement("SELECT id FROM people WHERE ssn = ?")) {
            ps.setString(1, SSNS.get(0));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
                catchThrowableOfType(SQLException.class, () -> rs.findColumn("veil_filter_1"));
            }
        }
    }

    @Test
    void noPlaintextSearchValueReachesTheServer() throws Exception {
        Optional<ServerLog> found = ServerLog.find(raw);
        assumeTrue(found.isPresent(), "the PostgreSQL server log is not readable here");
        ServerLog log = found.get();
        String db = fx.database().name();
        try (Statement st = raw.createStatement()) {
            st.execute("ALTER DATABASE \"" + db + "\" SET log_statement = 'all'");
        } catch (SQLException e) {
            assumeTrue(false, "cannot enable statement logging: " + e.getMessage());
        }
        log.mark();
        String written;
        List<String> secrets = List.of("needle-one@secret.example", "needle-two@secret.example", "999-88-7777",
                "NeedleNick");
        try (Connection v = fx.veil()) {
            try (PreparedStatement ps = v.prepareStatement("INSERT INTO people (id, email, ssn, nick) VALUES (?, ?, ?, "
                    + "?)")) {
                ps.setInt(1, 900_001);
                ps.setString(2, secrets.get(0));
                ps.setString(3, secrets.get(2));
                ps.setString(4, secrets.get(3));
                ps.executeUpdate();
            }
            for (String sql : List.of("SELECT id FROM people WHERE email = ?", "SELECT id FROM people WHERE ssn = ?",
                    "SELECT id FROM people WHERE nick = ?", "DELETE FROM people WHERE email = ? AND id < 0")) {
                try (PreparedStatement ps = v.prepareStatement(sql)) {
                    ps.setString(1, sql.contains("ssn") ? secrets.get(2) : sql.contains("nick") ? secrets.get(3)
                            : secrets.get(1));
                    ps.execute();
                }
            }
            try (Statement st = v.createStatement()) {
                st.executeQuery("SELECT id FROM people WHERE email IN ('" + secrets.get(1) + "', '" + secrets.get(0)
                        + "')").close();
                st.executeQuery("SELECT id FROM people WHERE ssn = '" + secrets.get(2) + "'").close();
                st.executeUpdate("UPDATE people SET email = '" + secrets.get(1) + "' WHERE id = 900001");
            }
            // a marker logged after every statement above: once it is in the log, so is the workload
            try (Connection after = fx.plain()) {
                written = log.sinceMark(after);
            }
        } finally {
            try (Statement st = raw.createStatement()) {
                st.execute("ALTER DATABASE \"" + db + "\" RESET log_statement");
            }
        }
        assertThat(written).as("the workload was logged").contains("email_bidx");
        for (String s : secrets) {
            assertThat(written).doesNotContain(s);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // rows that predate an index, a missing companion column, leakage

    @Test
    void rowsWithoutIndexValueRefuseSearchesUntilReSaved() throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO legacy (id, secret) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, "kept");
            ps.executeUpdate();
        }
        fx.plainExecute("UPDATE legacy SET secret_bidx = NULL WHERE id = 1"); // as if written before the index
        String search = "SELECT id FROM legacy WHERE secret = ?";
        SQLException e = catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(search));
        assertThat(e.getSQLState()).isEqualTo("VE013");
        assertThat((Throwable) e).isInstanceOf(java.sql.SQLNonTransientException.class);
        assertThat(e.getMessage()).contains("legacy.secret_bidx", "Fill it through Veil",
                "WHERE secret IS NOT NULL AND secret_bidx IS NULL").doesNotContain("kept");
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO legacy (id, secret) VALUES (?, ?)")) {
            ps.setInt(1, 2);
            ps.setString(2, "new");
            assertThat(ps.executeUpdate()).isEqualTo(1); // writes keep working
        }
        try (PreparedStatement ps = veil.prepareStatement("UPDATE legacy SET secret = ? WHERE id = ?")) {
            ps.setString(1, "kept");
            ps.setInt(2, 1);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = veil.prepareStatement(search)) {
            ps.setString(1, "kept");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void missingCompanionColumnIsRefusedWithTheDdl() {
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> veil.prepareStatement("INSERT INTO orphans (id, secret) VALUES (?, ?)"));
        assertThat(e.getSQLState()).isEqualTo("VE012");
        assertThat(e.getMessage()).contains("ALTER TABLE orphans ADD COLUMN secret_bidx bytea; CREATE INDEX orphans_secret_bidx_idx ON "
                + "orphans (secret_bidx);");
    }

    @Test
    void leakageGuidanceComesFromPostgresStatistics() throws SQLException {
        fx.plainExecute("ANALYZE people");
        Map<String, Optional<LeakageReport>> reports = ((VeilConnection) veil).runtime().leakage(veil);
        assertThat(reports).containsKeys("people.email_bidx", "people.ssn_bidx", "people.name_dob_bidx");
        LeakageReport email = reports.get("people.email_bidx").orElseThrow();
        assertThat(email.statistics().rows()).isGreaterThan(5000);
        assertThat(email.toString()).contains("people.email_bidx");
    }
}
