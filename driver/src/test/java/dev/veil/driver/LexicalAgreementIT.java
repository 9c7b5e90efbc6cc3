package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.testing.ServerLog;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Veil reads every statement as PostgreSQL will (issue: the fail-open holes of an adversarial review): escape
 * strings hiding a quote, {@code standard_conforming_strings} turned off, Unicode-escaped names, alias column lists,
 * child tables and partitions, server-side code, {@code DEFAULT VALUES} and companion columns. Each case is handled
 * exactly or refused before anything is sent — checked in the raw row, in the server's log (every statement with
 * its bind parameters) and in what the application received. Every value written is a unique canary.
 */
class LexicalAgreementIT {

    static VeilFixture fx;
    static Connection veil;
    static Connection plain;
    static Optional<ServerLog> log;
    static final AtomicInteger CANARIES = new AtomicInteger();

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(LexicalAgreementIT.class, """
                  users:
                    ssn: {}
                    note: {}
                    email: { type: string, blind-index: email_bidx }
                  events:
                    secret: {}
                  base:
                    secret: {}
                """);
        fx.plainExecute(
                "CREATE TABLE users (id int PRIMARY KEY, name text, ssn text, note bytea, email bytea, "
                        + "email_bidx bytea)",
                "CREATE TABLE events (id int, kind int, secret text) PARTITION BY LIST (kind)",
                "CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1)",
                "CREATE TABLE base (id int, secret text)",
                "CREATE TABLE derived (extra int) INHERITS (base)");
        try (Connection c = fx.plain()) {
            ServerLog.logEverything(c, fx.database().name());
            log = ServerLog.find(c);
        }
        veil = fx.veil();
        plain = fx.plain();
        try (Statement st = plain.createStatement()) {
            st.execute("SET log_statement = 'none'"); // the test's own checks carry the canaries
            st.execute("SET log_parameter_max_length_on_error = 0");
        }
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        plain.close();
        fx.close();
    }

    @BeforeEach
    void mark() {
        log.ifPresent(ServerLog::mark);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. escape strings

    @Test
    void anEscapeStringHidingAQuoteIsReadAsPostgresReadsIt() throws Exception {
        String c = canary();
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO users (id, name, ssn) VALUES (101, E'\\', NULL) --', '" + c + "')");
        }
        assertRow(101, "', NULL) --", c);
        assertNotLogged(c);
    }

    @Test
    void aPlaceholderAfterAnEscapeStringIsBoundToTheColumnPostgresSees() throws Exception {
        String c = canary();
        try (PreparedStatement ps = veil.prepareStatement(
                "INSERT INTO users (id, name, ssn) VALUES (102, E'\\', ?) --', ?)")) {
            ps.setString(1, c);
            ps.executeUpdate();
        }
        assertRow(102, "', ?) --", c);
        String d = canary();
        try (PreparedStatement ps = veil.prepareStatement(
                "UPDATE users SET name = E'\\', ssn = ? --', ssn = ? WHERE id = 102")) {
            ps.setString(1, d);
            ps.executeUpdate();
        }
        assertRow(102, "', ssn = ? --", d);
        String b = canary();
        try (PreparedStatement ps = veil.prepareStatement(
                "INSERT INTO users (id, name, note) VALUES (107, E'\\', ?) --', ?)")) {
            ps.setBytes(1, b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ps.executeUpdate();
        }
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, note FROM users WHERE id = 107")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("', ?) --");
            assertThat(new String(rs.getBytes(2), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(b);
        }
        assertNotStored(b);
        assertNotLogged(c, d, b);
    }

    @Test
    void anEscapeStringInTheSelectListDoesNotShiftDecryption() throws Exception {
        String c = canary();
        insert(103, c);
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT E'\\', ssn --', ssn FROM users WHERE id = 103")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("', ssn --");
            assertThat(rs.getString(2)).isEqualTo(c);
        }
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT $q$it's$q$, ssn FROM users WHERE id = 103")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("it's");
            assertThat(rs.getString(2)).isEqualTo(c);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. standard_conforming_strings

    @Test
    void withStandardConformingStringsOffStatementsOnEncryptedTablesAreRefused() throws Exception {
        String c = canary();
        String sql = "INSERT INTO users (id, name, ssn) VALUES (104, '\\', NULL) --', '" + c + "')";
        try (Statement st = veil.createStatement()) {
            st.execute("SET standard_conforming_strings = off");
            assertRefused(() -> st.executeUpdate(sql), c);
            assertRefused(() -> veil.prepareStatement("INSERT INTO users (id, ssn) VALUES (104, ?)"), c);
            try (ResultSet rs = st.executeQuery("SELECT 'a\\\\b'")) { // no encrypted table: passes
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("a\\b");
            }
            st.execute("RESET standard_conforming_strings");
            st.executeUpdate("INSERT INTO users (id, name, ssn) VALUES (104, '\\', NULL) --', 'x')");
        }
        assertRow(104, "\\", null);
        assertNotStored(c);
        assertNotLogged(c);
    }

    @Test
    void setLocalAndSetConfigAreTrackedToo() throws Exception {
        String c = canary();
        veil.setAutoCommit(false);
        try (Statement st = veil.createStatement()) {
            st.execute("SET LOCAL standard_conforming_strings = off");
            assertRefused(() -> st.executeUpdate("INSERT INTO users (id, ssn) VALUES (105, '" + c + "')"), c);
            veil.rollback();
            try (ResultSet rs = st.executeQuery("SELECT set_config('standard_conforming_strings', 'off', false)")) {
                rs.next();
            }
            veil.commit();
            assertRefused(() -> st.executeUpdate("INSERT INTO users (id, ssn) VALUES (105, '" + c + "')"), c);
            veil.rollback();
            st.execute("SET standard_conforming_strings = on");
            veil.commit();
        } finally {
            veil.setAutoCommit(true);
        }
        assertNotStored(c);
        assertNotLogged(c);
    }

    @Test
    void aSettingChangeInsideAMultiStatementTextIsRefused() throws Exception {
        String c = canary();
        try (Statement st = veil.createStatement()) {
            assertRefused(() -> st.execute("SET standard_conforming_strings = off; INSERT INTO users (id, name, ssn) "
                    + "VALUES (106, '\\', NULL) --', '" + c + "')"), c);
            try (ResultSet rs = st.executeQuery("SHOW standard_conforming_strings")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("on"); // nothing was sent
            }
        }
        assertNotStored(c);
        assertNotLogged(c);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Unicode-escaped identifiers

    @Test
    void unicodeEscapedNamesAreTheNamesTheySpell() throws Exception {
        String a = canary();
        String b = canary();
        String d = canary();
        String e = canary();
        String f = canary();
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO U&\"\\0075sers\" (id, ssn) VALUES (110, '" + a + "')");
        }
        prepared("INSERT INTO U&\"\\0075sers\" (id, ssn) VALUES (111, ?)", b);
        prepared("INSERT INTO U&\"!0075sers\" UESCAPE '!' (id, ssn) VALUES (112, ?)", d);
        prepared("INSERT INTO users (id, U&\"\\0073sn\") VALUES (113, ?)", e);
        prepared("INSERT INTO U&\"\\0070ublic\".users (id, ssn) VALUES (114, ?)", f);
        assertRow(110, null, a);
        assertRow(111, null, b);
        assertRow(112, null, d);
        assertRow(113, null, e);
        assertRow(114, null, f);
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT U&\"\\0073sn\", note FROM U&\"\\0075sers\" WHERE id = 110")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(a);
        }
        assertNotLogged(a, b, d, e, f);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. alias column lists

    @Test
    void aliasColumnListsOnEncryptedTablesAreRefused() throws Exception {
        String c = canary();
        insert(120, c);
        try (Statement st = veil.createStatement()) {
            assertRefused(() -> st.executeQuery("SELECT u.d FROM users AS u(a, b, c, d, e, f)"), c);
            assertRefused(() -> st.executeQuery("SELECT * FROM users AS u(a, b)"), c);
            assertRefused(() -> st.executeQuery(
                    "SELECT x.c FROM users JOIN users AS x(a, b, c) ON x.a = users.id"), c);
        }
        assertRefused(() -> veil.prepareStatement("SELECT u.a FROM users AS u(a, b, c, d) WHERE u.c = ?"), c);
        assertNotLogged(c);
    }

    @Test
    void aliasColumnListsOnSubqueriesAndCtesRenameByPosition() throws Exception {
        String c = canary();
        insert(121, c);
        try (Statement st = veil.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT x.b FROM (SELECT id, ssn FROM users WHERE id = 121) AS x(a, b)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(c);
            }
            try (ResultSet rs = st.executeQuery(
                    "WITH w AS (SELECT id, ssn FROM users WHERE id = 121) SELECT y.b FROM w AS y(a, b)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(c);
            }
            try (ResultSet rs = st.executeQuery( // a * of a known table has a known width
                    "SELECT x.c, x.f FROM (SELECT *, ssn FROM users WHERE id = 121) AS x(a, b, c, d, e, f)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(c);
                assertThat(rs.getString(2)).isEqualTo(c);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. child tables and partitions

    @Test
    void partitionsAreEncryptedLikeTheirParent() throws Exception {
        String a = canary();
        String b = canary();
        String d = canary();
        String e = canary();
        prepared("INSERT INTO events_1 (id, kind, secret) VALUES (1, 1, ?)", a);
        try (Statement st = veil.createStatement()) {
            st.execute("CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2)");
        }
        prepared("INSERT INTO events_2 (id, kind, secret) VALUES (2, 2, ?)", b);
        fx.plainExecute("CREATE TABLE events_3 (id int, kind int, secret text)");
        try (Statement st = veil.createStatement()) {
            st.execute("ALTER TABLE events ATTACH PARTITION events_3 FOR VALUES IN (3)");
        }
        prepared("INSERT INTO events_3 (id, kind, secret) VALUES (3, 3, ?)", d);
        prepared("INSERT INTO events (id, kind, secret) VALUES (4, 1, ?)", e);
        assertThat(read("SELECT secret FROM events WHERE id = 1")).isEqualTo(a);
        assertThat(read("SELECT secret FROM events WHERE id = 2")).isEqualTo(b);
        assertThat(read("SELECT secret FROM events WHERE id = 3")).isEqualTo(d);
        assertThat(read("SELECT secret FROM events_1 WHERE id = 4")).isEqualTo(e);
        assertThat(read("SELECT e.secret FROM events_3 e WHERE e.id = 3")).isEqualTo(d);
        assertNotStored(a, b, d, e);
        assertNotLogged(a, b, d, e);
    }

    @Test
    void transactionControlWorksInAnAbortedTransactionAfterDdlOnAnEncryptedTable() throws Exception {
        veil.setAutoCommit(false);
        try (Statement st = veil.createStatement()) {
            st.execute("ALTER TABLE base ADD COLUMN IF NOT EXISTS note text"); // through Veil: caches reset
            assertThat(catchThrowableOfType(SQLException.class, () -> st.execute("SELECT 1 / 0")).getSQLState())
                    .isEqualTo("22012");
            VeilDataSourceAccess.runtime(veil).invalidateSchema(); // the catalog is due, the transaction aborted
            assertThat(catchThrowableOfType(SQLException.class, () -> st.executeQuery("SELECT secret FROM base"))
                    .getSQLState()).isEqualTo("25P02");
            st.execute("ROLLBACK"); // never waits for the catalog
            assertThat(read("SELECT count(*) FROM base WHERE id < 0")).isEqualTo("0");
            veil.commit();
        } finally {
            veil.setAutoCommit(true);
        }
    }

    @Test
    void inheritedChildTablesAreEncryptedLikeTheirParent() throws Exception {
        String a = canary();
        String b = canary();
        prepared("INSERT INTO derived (id, secret, extra) VALUES (1, ?, 7)", a);
        prepared("INSERT INTO base (id, secret) VALUES (2, ?)", b);
        assertThat(read("SELECT secret FROM base WHERE id = 1")).isEqualTo(a);
        assertThat(read("SELECT secret FROM ONLY base WHERE id = 2")).isEqualTo(b);
        assertThat(read("SELECT secret FROM derived WHERE id = 1")).isEqualTo(a);
        assertNotStored(a, b);
        assertNotLogged(a, b);
    }

    @Test
    void aPartitionCreatedAroundVeilIsCoveredByTheBackstopUntilVeilSeesIt() throws Exception {
        String c = canary();
        fx.plainExecute("ALTER TABLE events ADD CONSTRAINT events_secret_veil "
                + "CHECK (secret IS NULL OR secret LIKE 'veil1:%')");
        fx.plainExecute("CREATE TABLE events_5 PARTITION OF events FOR VALUES IN (5)"); // not through Veil
        VeilDataSourceAccess.runtime(veil).invalidateSchema(); // as DDL through Veil, or within a minute
        prepared("INSERT INTO events_5 (id, kind, secret) VALUES (5, 5, ?)", c);
        assertThat(read("SELECT secret FROM events WHERE id = 5")).isEqualTo(c);
        try (Statement st = plain.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> st.executeUpdate("INSERT INTO events_5 (id, kind, secret) VALUES (6, 5, 'plain')"));
            assertThat(e.getSQLState()).isEqualTo("23514"); // the backstop, for writes around Veil
        }
        assertNotStored(c);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. server-side code, DEFAULT VALUES, companion columns

    @Test
    void serverSideCodeNamingAnEncryptedTableIsRefused() throws Exception {
        String c = canary();
        try (Statement st = veil.createStatement()) {
            assertRefused(() -> st.execute("DO $$ BEGIN INSERT INTO users (id, ssn) VALUES (130, '" + c + "'); END $$"),
                    c);
            assertRefused(() -> st.execute("CREATE FUNCTION leak(s text) RETURNS void LANGUAGE sql AS "
                    + "$$ INSERT INTO users (id, ssn) VALUES (131, s) $$"), c);
            assertRefused(() -> st.execute("CREATE PROCEDURE leak2() LANGUAGE sql AS "
                    + "'INSERT INTO users (id, ssn) VALUES (132, ''" + c + "'')'"), c);
            st.execute("DO $$ BEGIN PERFORM 1; END $$"); // code naming no encrypted table passes
        }
        assertNotStored(c);
        assertNotLogged(c);
    }

    @Test
    void defaultValuesAndCompanionColumnsAreRefused() throws Exception {
        String c = canary();
        try (Statement st = veil.createStatement()) {
            assertRefused(() -> st.executeUpdate("INSERT INTO users DEFAULT VALUES"), c);
            assertRefused(() -> st.executeQuery("SELECT email_bidx FROM users"), c);
            assertRefused(() -> st.executeQuery("SELECT encode(u.email_bidx, 'hex') FROM users u"), c);
            assertRefused(() -> st.executeQuery("SELECT id FROM users WHERE email_bidx = email_bidx"), c);
            // presence hands out no index value: how rows waiting for a backfill are found
            st.executeQuery("SELECT id FROM users WHERE email IS NOT NULL AND email_bidx IS NULL").close();
        }
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO users (id, email) VALUES (140, ?)")) {
            ps.setString(1, c);
            ps.executeUpdate();
        }
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM users WHERE id = 140")) {
            assertThat(rs.next()).isTrue();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertThat(rs.getMetaData().getColumnLabel(i)).isNotEqualTo("email_bidx");
            }
            assertThat(rs.getString("email")).isEqualTo(c);
        }
        assertNotLogged(c);
    }

    @Test
    void generatedKeysNeverCarryCompanionColumns() throws Exception {
        String c = canary();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO users (id, email) VALUES (141, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, c);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                for (int i = 1; i <= keys.getMetaData().getColumnCount(); i++) {
                    assertThat(keys.getMetaData().getColumnLabel(i)).isNotEqualTo("email_bidx");
                }
                assertThat(keys.getString("email")).isEqualTo(c);
                assertThat((Object) catchThrowableOfType(SQLException.class, () -> keys.getString("email_bidx"))).isNotNull();
            }
        }
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO users (id, name) VALUES (142, 'k')", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = st.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat((Object) catchThrowableOfType(SQLException.class, () -> keys.getString("email_bidx"))).isNotNull();
            }
            assertRefused(() -> st.executeUpdate("INSERT INTO users (id, name) VALUES (143, 'k')",
                    new String[] {"id", "email_bidx"}), c);
        }
        assertRefused(() -> veil.prepareStatement("INSERT INTO users (id, email) VALUES (144, ?)",
                new String[] {"email_bidx"}), c);
        assertNotLogged(c);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String canary() {
        return "CANARY" + CANARIES.incrementAndGet() + "Q" + System.nanoTime() % 100000;
    }

    private static void insert(int id, String ssn) throws SQLException {
        prepared("INSERT INTO users (id, ssn) VALUES (" + id + ", ?)", ssn);
    }

    private static void prepared(String sql, String value) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            ps.setString(1, value);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static String read(String sql) throws SQLException {
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    /** Through Veil the row reads back as written; in the database its ssn is ciphertext. */
    private static void assertRow(int id, String name, String ssn) throws SQLException {
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, ssn FROM users WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(name);
            assertThat(rs.getString(2)).isEqualTo(ssn);
        }
        try (Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn FROM users WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            if (ssn != null) {
                assertThat(rs.getString(1)).startsWith("veil1:");
            }
        }
        if (ssn != null) {
            assertNotStored(ssn);
        }
    }

    /** No table holds the canary, as text or as bytes. */
    private static void assertNotStored(String... canaries) throws SQLException {
        for (String c : canaries) {
            for (String table : new String[] {"users", "events", "base"}) {
                try (PreparedStatement ps = plain.prepareStatement("SELECT count(*) FROM " + table + " t WHERE "
                        + "t::text LIKE '%' || ? || '%' OR t::text LIKE '%' || encode(convert_to(?, 'UTF8'), 'hex') "
                        + "|| '%'")) {
                    ps.setString(1, c);
                    ps.setString(2, c);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("rows of %s holding a canary in plaintext", table).isZero();
                    }
                }
            }
        }
    }

    private static void assertNotLogged(String... canaries) throws SQLException {
        if (log.isEmpty()) {
            return;
        }
        String logged = log.get().sinceMark(veil);
        assertThat(logged).as("the server logs this database's statements").containsPattern("LOG:  (statement|execute)");
        for (String c : canaries) {
            assertThat(logged).as("the server log").doesNotContain(c);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Refused by Veil (a VE state), without echoing the value, leaving the connection usable. */
    private static void assertRefused(Call call, String canary) throws SQLException {
        SQLException e = catchThrowableOfType(SQLException.class, call::run);
        assertThat((Object) e).as("refused").isNotNull();
        assertThat(e.getSQLState()).as(e.getMessage()).startsWith("VE");
        assertThat(e.getMessage()).doesNotContain(canary);
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
