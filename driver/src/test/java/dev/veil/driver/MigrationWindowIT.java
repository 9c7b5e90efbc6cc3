package dev.veil.driver;

import static dev.veil.testing.Ids.preparedIds;
import static dev.veil.testing.Ids.statementIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.blindindex.StandardNormalizer;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.testing.ServerLog;
import dev.veil.testing.VeilFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One column's migration window (per-column legacy plaintext) against PostgreSQL. A table holds rows still in
 * plaintext (written with plain pgjdbc, as before Veil) and rows written through Veil (ciphertext and index value).
 * The columns in their window read both while the others stay strict (VE004); searches through their blind indexes
 * — {@code =}, {@code IN}, {@code <>}, {@code NOT IN}, literals, a normalizing index, a truncated index, a compound
 * index — find exactly the rows PostgreSQL finds on an all-plaintext copy; VE013 counts only encrypted rows without
 * an index value; and once the column leaves legacy mode nothing is sent in the clear.
 */
class MigrationWindowIT {

    private static final String TABLES = """
              members:
                email: { type: string, legacy-plaintext: true, blind-index: email_bidx }
                nick: { type: string, legacy-plaintext: true,
                        blind-index: { name: nick_bidx, normalize: [trim, lowercase] } }
                ssn: { type: string, legacy-plaintext: true,
                       blind-index: { name: ssn_bidx, bits: 8, normalize: [digits-only] } }
                phone: { type: string, blind-index: phone_bidx }
                bio: { type: string, legacy-plaintext: true, blind-index: { name: bio_bidx, normalize: [nfkc] } }
                photo: { legacy-plaintext: true, blind-index: photo_bidx }
                last_name: { type: string, legacy-plaintext: true }
                city: { type: string, legacy-plaintext: true }
                indexes:
                  name_city_bidx: { columns: [last_name, city, grp] }
              accounts:
                login: { type: string, legacy-plaintext: true, blind-index: login_bidx }
            """;

    static VeilFixture fx;
    /** The same tables with no column in its window: after the migration. */
    static String afterUrl;
    /** What the rows hold, by id: the plaintext copy the expectations are computed from. */
    static final Map<Integer, String[]> ROWS = new LinkedHashMap<>();
    static final int VEIL_ROWS_FROM = 100;

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(MigrationWindowIT.class, TABLES);
        Path after = fx.configFile().resolveSibling("after.yml");
        Files.writeString(after, "master-key: local-keyset:" + fx.masterKeyFile() + "\ntables:\n"
                + TABLES.replaceAll("legacy-plaintext: true,\\s*", "").replace(", legacy-plaintext: true", ""),
                StandardCharsets.UTF_8);
        afterUrl = fx.database().veilUrl() + "?veil.config=" + after;
        fx.plainExecute("CREATE TABLE members (id int PRIMARY KEY, grp int, email text, email_bidx bytea, nick text, "
                        + "nick_bidx bytea, ssn text, ssn_bidx bytea, phone text, phone_bidx bytea, bio text, "
                        + "bio_bidx bytea, photo bytea, photo_bidx bytea, last_name text, city text, "
                        + "name_city_bidx bytea)",
                "CREATE TABLE accounts (id int PRIMARY KEY, login text, login_bidx bytea)",
                "CREATE TABLE twin (id int PRIMARY KEY, grp int, email text, nick text, ssn text, last_name text, "
                        + "city text)");
        // nicks that lower() under the database's collation and Java's toLowerCase(Locale.ROOT) treat differently
        String[] nicks = {"Ada", " ada ", "ADA", "\u212Aate", "kate", "KATE", "\u0130stanbul", "i\u0307stanbul",
            "\u00c5sa", "\u212Bsa", "\u00e5sa", "Bob\u3000", "bob", null};
        String[] emails = {"ada@example.com", "Ada@example.com", "bob@example.com", "b'ob@example.com", null,
            "100%@example.com", "c_d@example.com", "veil@example.com"};
        String[] ssns = {"123-45-6789", "123 45 6789", "１２３４５６７８９", "987-65-4321", "\u0661\u0662\u0663-45-6789", null};
        String[] names = {"Smith", "Jones", null};
        String[] cities = {"Paris", "Oslo"};
        Random r = new Random(7);
        try (Connection plain = fx.plain(); Connection veil = fx.veil();
                PreparedStatement p = plain.prepareStatement("INSERT INTO members (id, grp, email, nick, ssn, phone, "
                        + "last_name, city) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement v = veil.prepareStatement("INSERT INTO members (id, grp, email, nick, ssn, phone, "
                        + "last_name, city) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement t = plain.prepareStatement("INSERT INTO twin (id, grp, email, nick, ssn, last_name, "
                        + "city) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int n = 0; n < 120; n++) {
                int id = n < 60 ? n + 1 : VEIL_ROWS_FROM + n; // ids 1–60 stay plaintext, 160–219 through Veil
                String[] row = {pick(r, emails), pick(r, nicks), pick(r, ssns), pick(r, names), pick(r, cities)};
                int grp = r.nextInt(3);
                ROWS.put(id, row);
                PreparedStatement target = id < VEIL_ROWS_FROM ? p : v;
                target.setInt(1, id);
                target.setInt(2, grp);
                target.setString(3, row[0]);
                target.setString(4, row[1]);
                target.setString(5, row[2]);
                target.setString(6, id < VEIL_ROWS_FROM ? null : "555-" + id);
                target.setString(7, row[3]);
                target.setString(8, row[4]);
                target.executeUpdate();
                t.setInt(1, id);
                t.setInt(2, grp);
                for (int k = 0; k < row.length; k++) {
                    t.setString(3 + k, row[k]);
                }
                t.executeUpdate();
            }
            try (PreparedStatement a = veil.prepareStatement("INSERT INTO accounts (id, login) VALUES (?, ?)")) {
                a.setInt(1, 1);
                a.setString(2, "converted@example.com");
                a.executeUpdate();
            }
        }
    }

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    @AfterAll
    static void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    /** The ids whose column {@code k} normalizes like {@code searched} does: what the index will find. */
    private static List<Integer> expected(int k, java.util.function.UnaryOperator<String> normalize, String searched) {
        List<Integer> out = new ArrayList<>();
        ROWS.forEach((id, row) -> {
            if (row[k] != null && normalize.apply(row[k]).equals(normalize.apply(searched))) {
                out.add(id);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------
    // reads

    @Test
    void theColumnInItsWindowReadsPlaintextAndCiphertextRows() throws SQLException {
        try (Connection veil = fx.veil(); Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, email FROM members ORDER BY id")) {
            while (rs.next()) {
                assertThat(rs.getString(2)).isEqualTo(ROWS.get(rs.getInt(1))[0]);
            }
        }
        try (Connection plain = fx.plain(); Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM members WHERE id >= " + VEIL_ROWS_FROM
                        + " AND email IS NOT NULL AND (email NOT LIKE 'veil1:%' OR email_bidx IS NULL)")) {
            rs.next();
            assertThat(rs.getInt(1)).as("writes always encrypt and index").isZero();
        }
    }

    @Test
    void anotherColumnOfTheSameTableStaysStrict() throws SQLException {
        fx.plainExecute("INSERT INTO members (id, phone) VALUES (1000, '555-0102')");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT phone FROM members WHERE id = 1000")) {
            rs.next();
            SQLException e = catchThrowableOfType(SQLException.class, () -> rs.getString(1));
            assertThat(e.getSQLState()).isEqualTo("VE004");
            assertThat(e.getMessage()).contains("members.phone", "veil.legacy-plaintext-columns=members.phone")
                    .doesNotContain("555-0102");
        } finally {
            fx.plainExecute("DELETE FROM members WHERE id = 1000");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // searches in the window

    @Test
    void exactSearchesFindWhatThePlaintextCopyFinds() throws SQLException {
        List<String> queries = List.of("SELECT id FROM %s WHERE email = ? ORDER BY id",
                "SELECT id FROM %s WHERE ? = email ORDER BY id",
                "SELECT id FROM %s WHERE email IN (?, ?) ORDER BY id",
                "SELECT id FROM %s WHERE email <> ? ORDER BY id",
                "SELECT id FROM %s WHERE email NOT IN (?, ?) ORDER BY id",
                "SELECT id FROM %s WHERE NOT (email = ?) OR grp = ? ORDER BY id",
                "SELECT id FROM %s WHERE email = ? AND grp = ? ORDER BY id",
                "SELECT id FROM %s WHERE email IS NULL OR email = ? ORDER BY id",
                "SELECT id FROM %s WHERE email IN (?, NULL) ORDER BY id",
                "SELECT id FROM %s WHERE NOT (email NOT IN (?, NULL)) ORDER BY id");
        List<String> values = Arrays.asList("ada@example.com", "Ada@example.com", "b'ob@example.com", "nobody",
                "100%@example.com", "c_d@example.com", "cxd@example.com", "veil1:looks-like-ciphertext", null);
        int found = 0;
        try (Connection veil = fx.veil(); Connection plain = fx.plain()) {
            for (String q : queries) {
                for (String a : values) {
                    for (String b : List.of("bob@example.com", "zed")) {
                        int n = q.length() - q.replace("?", "").length();
                        Object[] params = n == 1 ? new Object[] {a} : new Object[] {a, q.contains("grp") ? 1 : b};
                        List<Integer> twin = preparedIds(plain, String.format(q, "twin"), params);
                        assertThat(preparedIds(veil, String.format(q, "members"), params))
                                .as("%s %s", q, Arrays.toString(params))
                                .isEqualTo(twin);
                        found += twin.size();
                    }
                }
            }
            for (String v : List.of("ada@example.com", "b''ob@example.com")) {
                String q = "SELECT id FROM %s WHERE email = '" + v + "' OR email IN ('bob@example.com') ORDER BY id";
                assertThat(statementIds(veil, String.format(q, "members"))).as(q)
                        .isEqualTo(statementIds(plain, String.format(q, "twin")));
                assertThat(preparedIds(veil, String.format(q, "members"))).as("prepared " + q)
                        .isEqualTo(statementIds(plain, String.format(q, "twin")));
            }
            // a stored ciphertext, searched for as a value, is no plaintext match
            String ciphertext;
            try (Statement st = plain.createStatement(); ResultSet rs = st.executeQuery("SELECT email FROM members "
                    + "WHERE email LIKE 'veil1:%' LIMIT 1")) {
                rs.next();
                ciphertext = rs.getString(1);
            }
            assertThat(preparedIds(veil, "SELECT id FROM members WHERE email = ?", ciphertext)).isEmpty();
        }
        assertThat(found).as("searches that found rows").isGreaterThan(100);
        assertThat(expected(0, s -> s, "ada@example.com")).as("both kinds of rows hold the value")
                .anyMatch(id -> id < VEIL_ROWS_FROM).anyMatch(id -> id >= VEIL_ROWS_FROM);
    }

    @Test
    void updatesAndDeletesThroughTheIndexReachPlaintextRowsToo() throws SQLException {
        try (Connection veil = fx.veil()) {
            veil.setAutoCommit(false);
            try (PreparedStatement ps = veil.prepareStatement("UPDATE members SET bio = NULL WHERE email = ?")) {
                ps.setString(1, "bob@example.com");
                assertThat(ps.executeUpdate()).isEqualTo(expected(0, s -> s, "bob@example.com").size());
            }
            try (PreparedStatement ps = veil.prepareStatement("DELETE FROM members WHERE email IN (?, ?)")) {
                ps.setString(1, "ada@example.com");
                ps.setString(2, "Ada@example.com");
                assertThat(ps.executeUpdate()).isEqualTo(expected(0, s -> s, "ada@example.com").size()
                        + expected(0, s -> s, "Ada@example.com").size());
            }
            veil.rollback();
        }
    }

    @Test
    void aNormalizingIndexMatchesPlaintextAsJavasNormalizersDoNotAsSqlLowerDoes() throws SQLException {
        java.util.function.UnaryOperator<String> norm = s -> StandardNormalizer.LOWERCASE.normalize(
                StandardNormalizer.TRIM.normalize(s));
        List<String> searched = List.of("ada", "ADA ", "kate", "\u212Aate", "i\u0307stanbul", "\u0130STANBUL",
                "\u00e5sa", "\u212Bsa", "bob", "BOB\u2003", "nobody");
        int found = 0;
        try (Connection veil = fx.veil()) {
            for (String s : searched) {
                List<Integer> want = expected(1, norm, s);
                assertThat(preparedIds(veil, "SELECT id FROM members WHERE nick = ? ORDER BY id", s)).as(s).isEqualTo(want);
                found += want.size();
            }
            assertThat(preparedIds(veil, "SELECT id FROM members WHERE nick IN (?, ?) ORDER BY id", "kate", "ÅSA"))
                    .isEqualTo(union(expected(1, norm, "kate"), expected(1, norm, "åsa")));
            assertThat(statementIds(veil, "SELECT id FROM members WHERE nick = ' Kate' ORDER BY id"))
                    .isEqualTo(expected(1, norm, "kate"));
            assertThat(preparedIds(veil, "SELECT id FROM members WHERE nick <> ? ORDER BY id", "kate")).isEqualTo(
                    ROWS.entrySet().stream().filter(e -> e.getValue()[1] != null
                            && !norm.apply(e.getValue()[1]).equals("kate")).map(Map.Entry::getKey).toList());
            // a Greek sigma: Java picks σ or ς by word boundaries; refused rather than guessed
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> preparedIds(veil, "SELECT id FROM members WHERE nick = ?", "ΟΔΥΣΣΕΥΣ"));
            assertThat(e.getSQLState()).isEqualTo("VE010");
            assertThat(e.getMessage()).contains("members.nick", "sigma").doesNotContain("ΟΔΥΣΣΕΥΣ");
        }
        assertThat(found).isGreaterThan(20);
        assertThat(expected(1, norm, "kate")).as("the Kelvin sign row is found, as the index will find it")
                .anyMatch(id -> "\u212Aate".equals(ROWS.get(id)[1]));
    }

    @Test
    void aTruncatedDigitsOnlyIndexPostFiltersPlaintextRowsAsWell() throws SQLException {
        java.util.function.UnaryOperator<String> digits = StandardNormalizer.DIGITS_ONLY::normalize;
        try (Connection veil = fx.veil()) {
            for (String s : List.of("123-45-6789", "123456789", "987 65 4321", "000")) {
                assertThat(preparedIds(veil, "SELECT id FROM members WHERE ssn = ? ORDER BY id", s)).as(s)
                        .isEqualTo(expected(2, digits, s));
            }
            assertThat(expected(2, digits, "123456789")).hasSizeGreaterThan(3);
            assertThat(preparedIds(veil, "SELECT id FROM members WHERE ssn IN (?, ?) ORDER BY id", "123456789", "987654321"))
                    .isEqualTo(union(expected(2, digits, "123456789"), expected(2, digits, "987654321")));
        }
    }

    @Test
    void aCompoundIndexOverWindowColumnsFindsPlaintextRows() throws SQLException {
        try (Connection veil = fx.veil(); Connection plain = fx.plain()) {
            String q = "SELECT id FROM %s WHERE last_name = ? AND city = ? AND grp = ? ORDER BY id";
            for (Object[] p : List.of(new Object[] {"Smith", "Paris", 1}, new Object[] {"Jones", "Oslo", 0},
                    new Object[] {"Smith", "Oslo", 2})) {
                assertThat(preparedIds(veil, String.format(q, "members"), p))
                        .isEqualTo(preparedIds(plain, String.format(q, "twin"), p));
            }
            SQLException e = catchThrowableOfType(SQLException.class, () -> preparedIds(veil, "SELECT id FROM members "
                    + "WHERE NOT (last_name = ? AND city = ? AND grp = ?)", "Smith", "Paris", 1));
            assertThat(e.getSQLState()).isEqualTo("VE010");
            assertThat(e.getMessage()).contains("compound index members.name_city_bidx under NOT");
        }
    }

    private static List<Integer> union(List<Integer> a, List<Integer> b) {
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return new ArrayList<>(s);
    }

    @Test
    void whatCannotBeMadeExactInTheWindowIsRefusedNamingColumnConstructAndFix() throws SQLException {
        try (Connection veil = fx.veil()) {
            for (String[] c : new String[][] {
                {"SELECT id FROM members WHERE bio = ?", "normalizes with nfkc"},
                {"SELECT id FROM members WHERE photo = ?", "SQL type is bytea"},
                {"SELECT email, count(*) FROM members GROUP BY email", "GROUP BY members.email"},
                {"SELECT count(DISTINCT email) FROM members", "count(DISTINCT members.email)"},
                {"INSERT INTO accounts (id, login) VALUES (?, ?) ON CONFLICT (login) DO NOTHING",
                    "ON CONFLICT (login)"}}) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(c[0]));
                assertThat((Object) e).as(c[0]).isNotNull();
                assertThat(e.getSQLState()).as(c[0]).isEqualTo("VE010");
                assertThat(e.getMessage()).as(c[0]).contains("migration window", c[1]);
            }
        }
    }

    @Test
    void arrayConstructorsRowValuesAndCastsFindPlaintextRowsTooOtherNewFormsAreRefused() throws SQLException {
        List<String> queries = List.of("SELECT id FROM %s WHERE email = ANY(ARRAY[?, ?]) ORDER BY id",
                "SELECT id FROM %s WHERE email <> ALL(ARRAY[?, ?]) ORDER BY id",
                "SELECT id FROM %s WHERE (email, grp) = (?, ?) ORDER BY id",
                "SELECT id FROM %s WHERE email = ?::varchar ORDER BY id");
        int found = 0;
        try (Connection veil = fx.veil(); Connection plain = fx.plain()) {
            for (String q : queries) {
                for (String a : Arrays.asList("ada@example.com", "b'ob@example.com", "nobody", null)) {
                    int n = q.length() - q.replace("?", "").length();
                    Object[] params = n == 1 ? new Object[] {a}
                            : new Object[] {a, q.contains("grp") ? (Object) 1 : "bob@example.com"};
                    List<Integer> twin = preparedIds(plain, String.format(q, "twin"), params);
                    assertThat(preparedIds(veil, String.format(q, "members"), params))
                            .as("%s %s", q, Arrays.toString(params)).isEqualTo(twin);
                    found += twin.size();
                }
            }
            assertThat(found).isGreaterThan(20);
            for (String[] c : new String[][] {
                {"SELECT id FROM members WHERE email = ANY(?)", "= ANY(…)"},
                {"SELECT id FROM members WHERE email IS NOT DISTINCT FROM ?", "IS NOT DISTINCT FROM"},
                {"SELECT id FROM members WHERE lower(nick) = ?", "lower(nick)"},
                {"SELECT id FROM accounts a WHERE login IN (SELECT login FROM accounts)", "IN (SELECT …)"}}) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(c[0]));
                assertThat((Object) e).as(c[0]).isNotNull();
                assertThat(e.getSQLState()).as(c[0]).isEqualTo("VE010");
                assertThat(e.getMessage()).as(c[0]).contains("migration window", c[1]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // VE013 and leaving the window

    @Test
    void backfillCheckIgnoresPlaintextRowsButNotEncryptedRowsWithoutIndexValue() throws SQLException {
        try (Connection veil = fx.veil()) {
            assertThat(preparedIds(veil, "SELECT id FROM members WHERE email = ?", "bob@example.com")).isNotEmpty();
        }
        try (Connection after = DriverManager.getConnection(afterUrl, fx.properties())) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> after.prepareStatement("SELECT id FROM members WHERE email = ?"));
            assertThat(e.getSQLState()).as("out of the window, plaintext rows are rows to index").isEqualTo("VE013");
        }
        // an encrypted row without an index value (as if written before the index): refused in the window too
        try (Connection veil = DriverManager.getConnection(fx.veilUrl() + "&ApplicationName=ve013", fx.properties())) {
            try (PreparedStatement ps = veil.prepareStatement("INSERT INTO accounts (id, login) VALUES (2, ?)")) {
                ps.setString(1, "pending@example.com");
                ps.executeUpdate();
            }
            fx.plainExecute("UPDATE accounts SET login_bidx = NULL WHERE id = 2");
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> veil.prepareStatement("SELECT id FROM accounts WHERE login = ?"));
            assertThat(e.getSQLState()).isEqualTo("VE013");
            assertThat(e.getMessage()).contains("accounts.login_bidx");
        } finally {
            fx.plainExecute("DELETE FROM accounts WHERE id = 2");
        }
    }

    @Test
    void theSearchedValueReachesTheServerOnlyWhileTheColumnIsInItsWindow() throws Exception {
        String sql = "SELECT id FROM accounts WHERE login = ?";
        try (Connection after = DriverManager.getConnection(afterUrl, fx.properties());
                Connection veil = fx.veil()) {
            String strict = ((VeilConnection) after).runtime().plan(sql, fx.plain()).sqlToSend(sql);
            assertThat(strict).isEqualTo("SELECT id FROM accounts WHERE login_bidx IN (?, ?)");
            String window = ((VeilConnection) veil).runtime().plan(sql, fx.plain()).sqlToSend(sql);
            assertThat(window).isEqualTo("SELECT id FROM accounts WHERE ((login_bidx IN (?, ?) AND login_bidx IS NOT "
                    + "NULL) OR (login_bidx IS NULL AND login NOT LIKE 'veil1:%' AND login = ?))");
        }
        Connection raw = fx.plain();
        Optional<ServerLog> found = ServerLog.find(raw);
        assumeTrue(found.isPresent(), "the PostgreSQL server log is not readable here");
        ServerLog log = found.get();
        String db = fx.database().name();
        try (Statement st = raw.createStatement()) {
            st.execute("ALTER DATABASE \"" + db + "\" SET log_statement = 'all'");
        } catch (SQLException e) {
            assumeTrue(false, "cannot enable statement logging: " + e.getMessage());
        }
        String written;
        try {
            log.mark();
            try (Connection after = DriverManager.getConnection(afterUrl + "&ApplicationName=after", fx.properties());
                    Connection veil = DriverManager.getConnection(fx.veilUrl() + "&ApplicationName=window",
                            fx.properties())) {
                assertThat(preparedIds(after, sql, "strict-needle@example.com")).isEmpty();
                assertThat(statementIds(after, "SELECT id FROM accounts WHERE login = 'strict-literal@example.com'"))
                        .isEmpty();
                assertThat(preparedIds(veil, sql, "window-needle@example.com")).isEmpty();
                assertThat(preparedIds(veil, sql, "converted@example.com")).containsExactly(1);
                try (Connection marker = fx.plain()) {
                    written = log.sinceMark(marker);
                }
            }
        } finally {
            try (Statement st = raw.createStatement()) {
                st.execute("ALTER DATABASE \"" + db + "\" RESET log_statement");
            }
            raw.close();
        }
        assertThat(written).as("the workload was logged").contains("login_bidx");
        assertThat(written).doesNotContain("strict-needle").doesNotContain("strict-literal");
        assertThat(written).as("the documented exposure of the window").contains("window-needle@example.com");
    }
}
