package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.veil.driver.VeilDataSource;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.e2e.model.Patient;
import dev.veil.testing.Await;
import dev.veil.testing.ServerLog;
import dev.veil.testing.VeilFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.PGStatement;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Leak canary: every value written to an encrypted column and every value searched for through a blind index is a
 * unique canary ({@code canary-<16 random digits>-<n>}), driven through Veil in every way an application can —
 * inserts, updates, deletes, batches, upserts, {@code RETURNING}, generated keys, searches with {@code =}, {@code IN},
 * {@code <>}, literals and parameters, truncated and normalizing indexes, statements Veil refuses, statements the
 * server rejects (a unique violation on a blind index, NOT NULL and CHECK violations whose "Failing row contains (…)"
 * prints the whole row, type errors, a deadlock, a lock timeout, an aborted transaction) and Hibernate. Then no canary
 * may be found anywhere the plaintext could escape to:
 *
 * <ul>
 *   <li>the server log written during the test, with the test database logging all it can (every statement, its
 *       parameters unabridged, on error too, debug messages, lock waits, verbose errors);</li>
 *   <li>{@code pg_stat_statements} (where preloaded), {@code pg_stat_activity}, each session's prepared
 *       statements;</li>
 *   <li>the WAL written during the test and, after a checkpoint, every file of the test database (tables, indexes,
 *       TOAST, free-space and visibility maps, catalogs);</li>
 *   <li>every exception the application got (message, cause chain, next exceptions, the server's error fields);</li>
 *   <li>everything Veil logged at every level, TRACE included, and pgjdbc's FINEST wire trace below it;</li>
 *   <li>{@code toString()} of every JDBC object Veil handed out, of the configuration and the runtime, and of the
 *       pgjdbc statements below Veil's (which print their bound values).</li>
 * </ul>
 *
 * Each haystack is checked against a <em>control</em>: a value written around Veil (plain pgjdbc, a plain table) must
 * be found in it, so "no canary" means the search works, not that it looked in the wrong place. Where the server log,
 * the data directory or {@code pg_stat_statements} cannot be read here, that check is skipped with the reason.
 *
 * <p>Methods run in order: the workloads first ({@code @Order} 1–10), then the checks (100 and up).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeakCanaryIT {

    static final LeakSearch CANARIES = new LeakSearch("canary");
    static final LeakSearch CONTROLS = new LeakSearch("control");
    static final AtomicInteger IDS = new AtomicInteger(1000);

    static VeilFixture fx;
    static CapturedLog captured;
    static Optional<ServerLog> log;
    static Instant started;
    static String walAtStart;
    static Connection veil;
    static Connection plain;

    /** Everything the application got thrown at it. */
    static final ConcurrentLinkedQueue<Throwable> THROWN = new ConcurrentLinkedQueue<>();
    /** toString() of objects Veil handed out, taken when they held the most (after binding, while open). */
    static final ConcurrentLinkedQueue<String> SHOWN = new ConcurrentLinkedQueue<>();
    /** toString() of pgjdbc's statements below Veil's, after binding: what Veil gave the driver. */
    static final ConcurrentLinkedQueue<String> BELOW = new ConcurrentLinkedQueue<>();
    /** Rows written and not deleted, by id. */
    static final Map<Integer, Person> ROWS = new LinkedHashMap<>();

    /** One row of {@code people}: every encrypted value a canary ({@code photo} its UTF-8 bytes). */
    record Person(int id, String ssn, String email, String alias, String phone, String note, byte[] photo) {
        static Person fresh() {
            // a note over 2 kB: its ciphertext goes to the TOAST table
            return new Person(IDS.incrementAndGet(), c(), c(), c(), c(), c() + " " + "n".repeat(4000),
                    c().getBytes(StandardCharsets.UTF_8));
        }

        Person withSsn(String s) {
            return new Person(id, s, email, alias, phone, note, photo);
        }
    }

    static String c() {
        return CANARIES.next();
    }

    @BeforeAll
    static void setUp() throws Exception {
        captured = CapturedLog.install("dev.veil", "org.postgresql");
        started = Instant.now();
        fx = VeilFixture.create(LeakCanaryIT.class, """
                  people:
                    ssn: {}
                    email: { type: string, blind-index: email_bidx }
                    alias: { type: string, blind-index: { name: alias_bidx, normalize: [trim, lowercase] } }
                    phone: { type: string, blind-index: { name: phone_bidx, bits: 16 } }
                    note: {}
                    photo: { type: bytes }
                    score: { type: int }
                """);
        fx.plainExecute(
                "CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, age int CHECK (age >= 0), ssn text, "
                        + "email bytea, email_bidx bytea, alias bytea, alias_bidx bytea, phone bytea, "
                        + "phone_bidx bytea, "
                        + "note bytea, photo bytea, score bytea)",
                "ALTER TABLE people ALTER COLUMN note SET STORAGE EXTERNAL",
                "CREATE UNIQUE INDEX people_email_bidx_key ON people (email_bidx)",
                "CREATE INDEX people_alias_bidx_idx ON people (alias_bidx)",
                "CREATE INDEX people_phone_bidx_idx ON people (phone_bidx)",
                "CREATE TABLE control (v text)");
        try (Connection c = fx.plain(); Statement st = c.createStatement()) {
            logAllThatCanBeLogged(st, fx.database().name());
            log = ServerLog.find(c);
            try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
                rs.next();
                walAtStart = rs.getString(1);
            }
        }
        // the control: written around Veil into a plain table, on a connection whose statements are logged
        plain = fx.plain();
        try (Statement st = plain.createStatement()) {
            st.executeUpdate("INSERT INTO control VALUES ('" + CONTROLS.next() + "')");
        }
        veil = shown(fx.veil());
        VeilRuntime runtime = veil.unwrap(VeilConnection.class).runtime();
        shown(runtime);
        shown(runtime.config());
        shown(veil.getMetaData());
        System.getLogger("dev.veil.canary.probe").log(System.Logger.Level.TRACE, "probe " + CONTROLS.next());
    }

    /**
     * Per database, so nothing else on the server changes: every statement with its parameters unabridged, on error
     * too; every message down to DEBUG5 with the statement that caused it; lock waits (after 100 ms, which also
     * makes deadlocks surface fast); errors with every field.
     */
    static void logAllThatCanBeLogged(Statement st, String db) throws SQLException {
        for (String setting : List.of("log_statement = 'all'", "log_parameter_max_length = -1",
                "log_parameter_max_length_on_error = -1", "log_min_error_statement = 'debug5'",
                "log_min_messages = 'debug5'", "log_error_verbosity = 'verbose'", "log_lock_waits = on",
                "deadlock_timeout = '100ms'", "log_min_duration_statement = 0")) {
            st.execute("ALTER DATABASE " + db + " SET " + setting);
        }
    }

    @AfterAll
    static void tearDown() throws SQLException {
        try {
            System.out.println("[LeakCanaryIT] " + CANARIES.issued() + " canaries; searched " + CANARIES.searched());
            if (veil != null) {
                veil.close();
            }
            if (plain != null) {
                plain.close();
            }
        } finally {
            captured.close();
            fx.close();
        }
    }

    // ========================================================================================== workloads (1–10)

    static final String INSERT = "INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Binds a person with one of three sets of setters, so every value-carrying setter carries a canary. */
    static void bind(PreparedStatement ps, Person p, int style) throws SQLException {
        ps.setInt(1, p.id());
        ps.setString(2, "person-" + p.id());
        ps.setInt(3, 30);
        switch (style % 3) {
            case 0 -> {
                ps.setString(4, p.ssn());
                ps.setString(5, p.email());
                ps.setObject(6, p.alias());
                ps.setNString(7, p.phone());
                ps.setString(8, p.note());
                ps.setBytes(9, p.photo());
            }
            case 1 -> {
                ps.setObject(4, p.ssn(), Types.VARCHAR);
                ps.setObject(5, p.email(), Types.VARCHAR);
                ps.setCharacterStream(6, new StringReader(p.alias()));
                ps.setString(7, p.phone());
                ps.setCharacterStream(8, new StringReader(p.note()), p.note().length());
                ps.setBinaryStream(9, new ByteArrayInputStream(p.photo()));
            }
            default -> {
                ps.setObject(4, p.ssn(), JDBCType.VARCHAR);
                ps.setNCharacterStream(5, new StringReader(p.email()));
                ps.setString(6, p.alias());
                ps.setObject(7, p.phone());
                ps.setObject(8, p.note(), Types.VARCHAR, 0);
                ps.setObject(9, p.photo());
            }
        }
        ps.setInt(10, p.id());
        shown(ps);
        below(ps);
    }

    static String literalRow(Person p) {
        return "(" + p.id() + ", 'person-" + p.id() + "', 30, '" + p.ssn() + "', '" + p.email() + "', '" + p.alias()
                + "', '" + p.phone() + "', '" + p.note() + "', NULL, " + p.id() + ")";
    }

    static Person literal(Person p) {
        return new Person(p.id(), p.ssn(), p.email(), p.alias(), p.phone(), p.note(), null);
    }

    static void written(Person... people) {
        for (Person p : people) {
            ROWS.put(p.id(), p);
        }
    }

    @Test
    @Order(1)
    void writesThroughEveryStatementFormCarryOnlyCanaries() throws Exception {
        Person one = Person.fresh();
        try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
            bind(ps, one, 0);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        List<Person> batch = List.of(Person.fresh(), Person.fresh(), Person.fresh(), Person.fresh(), Person.fresh());
        try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
            for (int i = 0; i < 3; i++) {
                bind(ps, batch.get(i), i);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            for (int i = 3; i < 5; i++) {
                bind(ps, batch.get(i), i);
                ps.addBatch();
            }
            assertThat(ps.executeLargeBatch()).containsExactly(1L, 1L);
        }
        Person lit = literal(Person.fresh());
        Person multiA = literal(Person.fresh());
        Person multiB = literal(Person.fresh());
        Person batchA = literal(Person.fresh());
        Person batchB = literal(Person.fresh());
        try (Statement st = shown(veil.createStatement())) {
            st.executeUpdate("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) VALUES "
                    + literalRow(lit));
            st.executeLargeUpdate("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) "
                    + "VALUES " + literalRow(multiA) + ", " + literalRow(multiB));
            st.addBatch("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) VALUES "
                    + literalRow(batchA));
            st.addBatch("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) VALUES "
                    + literalRow(batchB));
            assertThat(st.executeBatch()).containsExactly(1, 1);
            shown(st);
        }
        Person returning = Person.fresh();
        try (PreparedStatement ps = veil.prepareStatement(INSERT + " RETURNING id, ssn, email, photo")) {
            bind(ps, returning, 1);
            try (ResultSet rs = shown(ps.executeQuery())) {
                shown(rs.getMetaData());
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("ssn")).isEqualTo(returning.ssn());
                assertThat(rs.getString(3)).isEqualTo(returning.email());
                assertThat(rs.getBytes(4)).isEqualTo(returning.photo());
                shown(rs);
            }
        }
        Person keys = Person.fresh();
        try (PreparedStatement ps = veil.prepareStatement(INSERT, new String[] {"id", "ssn", "alias"})) {
            bind(ps, keys, 2);
            ps.executeUpdate();
            try (ResultSet rs = shown(ps.getGeneratedKeys())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("ssn")).isEqualTo(keys.ssn());
                assertThat(rs.getString("alias")).isEqualTo(keys.alias());
                shown(rs.getMetaData());
            }
        }
        written(one, lit, multiA, multiB, batchA, batchB, returning, keys);
        written(batch.toArray(Person[]::new));

        // an upsert hitting the unique blind index: the existing row gets the new ssn
        String upsertSsn = c();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO people (id, name, ssn, email) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET ssn = EXCLUDED.ssn")) {
            ps.setInt(1, IDS.incrementAndGet());
            ps.setString(2, "upsert");
            ps.setString(3, upsertSsn);
            ps.setString(4, one.email());
            shown(ps);
            below(ps);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        String doNothingSsn = c();
        try (Statement st = veil.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO people (id, name, ssn, email) VALUES (" + IDS.incrementAndGet()
                    + ", 'upsert', '" + doNothingSsn + "', '" + lit.email() + "') ON CONFLICT (email) DO NOTHING"))
                    .isZero();
        }
        written(one.withSsn(upsertSsn));

        for (Person p : ROWS.values()) {
            assertRow(p);
        }
    }

    @Test
    @Order(2)
    void updatesAndDeletesThroughBlindIndexesCarryOnlyCanaries() throws Exception {
        List<Person> rows = new ArrayList<>(ROWS.values());
        Person a = rows.get(0);
        Person b = rows.get(1);
        String ssnA = c();
        String aliasA = c();
        try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET ssn = ?, alias = ? WHERE email = ?")) {
            ps.setString(1, ssnA);
            ps.setString(2, aliasA);
            ps.setString(3, a.email());
            shown(ps);
            below(ps);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        a = new Person(a.id(), ssnA, a.email(), aliasA, a.phone(), a.note(), a.photo());
        String ssnB = c();
        try (Statement st = veil.createStatement()) {
            assertThat(st.executeUpdate("UPDATE people SET ssn = '" + ssnB + "' WHERE email = '" + b.email() + "'"))
                    .isEqualTo(1);
        }
        b = b.withSsn(ssnB);
        written(a, b);

        List<Person> renoted = new ArrayList<>();
        try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET note = ? WHERE id = ?")) {
            for (Person p : rows.subList(2, 5)) {
                Person q = new Person(p.id(), p.ssn(), p.email(), p.alias(), p.phone(), c() + " " + "m".repeat(3000),
                        p.photo());
                ps.setString(1, q.note());
                ps.setInt(2, q.id());
                ps.addBatch();
                renoted.add(q);
            }
            shown(ps);
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
        }
        written(renoted.toArray(Person[]::new));

        String returned = c();
        try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET ssn = ? WHERE email = ? RETURNING ssn")) {
            ps.setString(1, returned);
            ps.setString(2, a.email());
            try (ResultSet rs = shown(ps.executeQuery())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(returned);
            }
        }
        written(a.withSsn(returned));

        Person gone1 = Person.fresh();
        Person gone2 = Person.fresh();
        Person gone3 = Person.fresh();
        try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
            for (Person p : List.of(gone1, gone2, gone3)) {
                bind(ps, p, p.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = veil.prepareStatement("DELETE FROM people WHERE email IN (?, ?)")) {
            ps.setString(1, gone1.email());
            ps.setString(2, gone2.email());
            shown(ps);
            assertThat(ps.executeUpdate()).isEqualTo(2);
        }
        try (Statement st = veil.createStatement()) {
            // the alias index normalizes (trim, lowercase): a padded upper-case search finds the row
            assertThat(st.executeUpdate("DELETE FROM people WHERE alias = '  " + gone3.alias().toUpperCase() + " '"))
                    .isEqualTo(1);
        }
        for (Person p : ROWS.values()) {
            assertRow(p);
        }
        try (Connection p = fx.plain(); Statement st = p.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM people WHERE id IN (" + gone1.id() + ", "
                        + gone2.id() + ", " + gone3.id() + ")")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    @Order(3)
    void searchesThroughBlindIndexesCarryOnlyCanaries() throws Exception {
        List<Person> rows = new ArrayList<>(ROWS.values());
        Person a = rows.get(0);
        Person b = rows.get(1);
        Person d = rows.get(2);
        String absent = c();
        assertThat(ids("SELECT id FROM people WHERE email = ?", a.email())).containsExactly(a.id());
        assertThat(ids("SELECT id FROM people WHERE ? = email", b.email())).containsExactly(b.id());
        assertThat(ids("SELECT id FROM people WHERE email IN (?, ?, ?)", a.email(), b.email(), absent))
                .containsExactlyInAnyOrder(a.id(), b.id());
        // literals in an array constructor: searched through the index, the canaries themselves never sent
        assertThat(ids("SELECT id FROM people WHERE email = ANY (ARRAY['" + a.email() + "', '" + absent + "'])"))
                .containsExactly(a.id());
        assertThat(ids("SELECT id FROM people WHERE email = ANY (?)", (Object) new String[] {b.email(), absent}))
                .containsExactly(b.id());
        assertThat(ids("SELECT id FROM people WHERE email <> ? AND id IN (" + a.id() + ", " + b.id() + ")",
                a.email())).containsExactly(b.id());
        assertThat(ids("SELECT id FROM people WHERE email NOT IN (?, ?) AND id IN (" + a.id() + ", " + b.id() + ", "
                + d.id() + ")", a.email(), absent)).containsExactlyInAnyOrder(b.id(), d.id());
        assertThat(ids("SELECT id FROM people WHERE (email = ? OR alias = ?) AND NOT (email = ?)", a.email(),
                b.alias(), absent)).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(ids("SELECT id FROM people WHERE alias = ?", "  " + d.alias().toUpperCase() + "\t"))
                .containsExactly(d.id());
        // truncated index: candidates through phone_bidx, the false positives dropped after decryption
        assertThat(ids("SELECT id, phone FROM people WHERE phone = ?", b.phone())).containsExactly(b.id());
        assertThat(ids("SELECT id, phone FROM people WHERE phone IN (?, ?) AND age = 30", d.phone(), absent))
                .containsExactly(d.id());
        assertThat(ids("SELECT p.id FROM people p JOIN people q ON p.email = q.email WHERE q.email = ?", a.email()))
                .containsExactly(a.id());
        assertThat(ids("SELECT id FROM people WHERE id IN (SELECT id FROM people WHERE email = ?)", d.email()))
                .containsExactly(d.id());
        assertThat(ids("SELECT count(DISTINCT email) FROM people WHERE email IN (?, ?, ?)", a.email(), b.email(),
                absent)).containsExactly(2);
        try (PreparedStatement ps = veil.prepareStatement(
                "SELECT email, count(*) FROM people WHERE email IN (?, ?) GROUP BY email")) {
            ps.setString(1, a.email());
            ps.setString(2, b.email());
            shown(ps);
            Set<String> groups = new HashSet<>();
            try (ResultSet rs = shown(ps.executeQuery())) {
                while (rs.next()) {
                    groups.add(rs.getString(1));
                }
            }
            assertThat(groups).containsExactlyInAnyOrder(a.email(), b.email());
        }
        try (Statement st = shown(veil.createStatement())) {
            assertThat(ids(st, "SELECT id FROM people WHERE email = '" + a.email() + "'")).containsExactly(a.id());
            assertThat(ids(st, "SELECT id FROM people WHERE email IN ('" + b.email() + "', '" + absent + "')"))
                    .containsExactly(b.id());
            assertThat(ids(st, "SELECT id FROM people WHERE phone IN ('" + a.phone() + "', '" + absent + "')"))
                    .containsExactly(a.id());
            assertThat(ids(st, "SELECT id FROM people WHERE alias = '" + b.alias().toUpperCase() + "'"))
                    .containsExactly(b.id());
            assertThat(ids(st, "SELECT id FROM people WHERE email <> '" + absent + "' AND id = " + d.id()))
                    .containsExactly(d.id());
        }
        // prepared often enough for pgjdbc to use a named server-side statement (prepareThreshold 5)
        try (PreparedStatement ps = veil.prepareStatement("SELECT ssn FROM people WHERE email = ?")) {
            for (Person p : rows) {
                ps.setString(1, p.email());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(p.ssn());
                }
            }
            shown(ps);
            below(ps);
        }
        veil.setAutoCommit(false);
        try {
            shown(veil.setSavepoint("canary"));
            assertThat(ids("SELECT id FROM people WHERE email = ? FOR UPDATE", a.email())).containsExactly(a.id());
            veil.rollback();
        } finally {
            veil.setAutoCommit(true);
        }
        showWarnings(veil.getWarnings());
    }

    /** Statements Veil refuses, each carrying canaries as literals. */
    static List<String> refusedTexts() {
        return List.of(
                "SELECT id FROM people WHERE email = '" + c() + "' ORDER BY ssn",
                "SELECT id FROM people WHERE ssn LIKE '" + c() + "%'",
                "SELECT id FROM people WHERE email LIKE '" + c() + "'",
                "SELECT id FROM people WHERE upper(email) = '" + c() + "'",
                "SELECT id FROM people WHERE ssn = '" + c() + "'",
                "SELECT id FROM people WHERE ssn IN ('" + c() + "', '" + c() + "')",
                "SELECT id FROM people WHERE email < '" + c() + "'",
                "SELECT id FROM people WHERE email BETWEEN '" + c() + "' AND '" + c() + "'",
                "SELECT id FROM people WHERE email <> ANY (ARRAY['" + c() + "', '" + c() + "'])",
                "SELECT coalesce(ssn, name || '" + c() + "') FROM people",
                "SELECT x FROM (SELECT coalesce(ssn, '" + c() + "') AS x FROM people) s",
                "UPDATE people SET ssn = lower('" + c() + "') WHERE id = 1",
                "INSERT INTO people (id, name, ssn) VALUES (99999, 'x', '" + c() + "' || upper('y'))",
                "INSERT INTO people (id, name, ssn) SELECT 99999, 'x', '" + c() + "' FROM generate_series(1, 2)",
                "UPDATE people SET name = 'x' WHERE phone = '" + c() + "'",
                "DELETE FROM people WHERE phone <> '" + c() + "'",
                "INSERT INTO people (id, name, email) SELECT 99998, 'x', email FROM people WHERE email = '" + c() + "'",
                "SELECT 1; UPDATE people SET ssn = '" + c() + "' WHERE id = 1",
                "SELECT id FROM people WHERE email = '" + c() + "' AND",
                "CREATE VIEW leak AS SELECT ssn FROM people WHERE email = '" + c() + "'",
                "DO $$ BEGIN UPDATE people SET ssn = '" + c() + "'; END $$",
                "SELECT id FROM people WHERE email = '" + c() + "' UNION SELECT id FROM people WHERE ssn = '" + c()
                        + "'");
    }

    @Test
    @Order(4)
    void everyOtherValueCarryingSetterEncryptsOrRefusesAndUpdatableResultSetsRefuse() throws Exception {
        Person a = ROWS.values().iterator().next();
        String sql = "UPDATE people SET ssn = ? WHERE id = ?";
        Map<String, SqlBinder> accepted = new LinkedHashMap<>();
        String clob = c();
        accepted.put(clob, (ps, v) -> ps.setClob(1, new javax.sql.rowset.serial.SerialClob(v.toCharArray())));
        String clobReader = c();
        accepted.put(clobReader, (ps, v) -> ps.setClob(1, new StringReader(v)));
        String nclob = c();
        accepted.put(nclob, (ps, v) -> ps.setNClob(1, new StringReader(v), v.length()));
        String ascii = c();
        accepted.put(ascii, (ps, v) -> ps.setAsciiStream(1,
                new ByteArrayInputStream(v.getBytes(StandardCharsets.US_ASCII)), v.length()));
        String xml = "<v>" + c() + "</v>";
        accepted.put(xml, (ps, v) -> {
            java.sql.SQLXML x = veil.createSQLXML();
            x.setString(v);
            ps.setSQLXML(1, x);
        });
        String url = "http://" + c() + ".example/";
        accepted.put(url, (ps, v) -> ps.setURL(1, new java.net.URL(v)));
        String blob = c();
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            for (Map.Entry<String, SqlBinder> e : accepted.entrySet()) {
                e.getValue().bind(ps, e.getKey());
                ps.setInt(2, a.id());
                shown(ps);
                below(ps);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                a = a.withSsn(e.getKey());
                assertRow(a);
            }
            ps.setBlob(1, new javax.sql.rowset.serial.SerialBlob(blob.getBytes(StandardCharsets.UTF_8)));
            ps.setInt(2, a.id());
            below(ps);
            assertThat(ps.executeUpdate()).isEqualTo(1); // ssn has no declared type: stored as bytes
            String arrayCanary = c();
            assertRefused("setArray", () -> ps.setArray(1, veil.createArrayOf("text", new String[] {arrayCanary})));
            org.postgresql.util.PGobject object = new org.postgresql.util.PGobject();
            object.setType("text");
            object.setValue(c());
            assertRefusedOrConverted("PGobject", () -> {
                ps.setObject(1, object);
                ps.setInt(2, -1);
                below(ps);
                ps.executeUpdate();
            });
        }
        // ssn is back to a string for the rows' later checks
        updateSsn(veil, a.id(), a.ssn());
        written(a);

        Person b = new ArrayList<>(ROWS.values()).get(1);
        String search = "SELECT id, ssn FROM people WHERE email = '" + b.email() + "'";
        try (Statement st = veil.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)) {
            // refused when the rows are reached, before any updateXxx could carry a value
            assertRefused("an updatable result set over encrypted columns", () -> {
                try (ResultSet rs = shown(st.executeQuery(search))) {
                    rs.next();
                    rs.updateString("ssn", c());
                    rs.updateRow();
                }
            });
        }
        assertRow(b);
    }

    @Test
    @Order(5)
    void refusedStatementsCarryingCanariesSendNothing() throws Exception {
        int pid = pid(veil);
        String marker = "SELECT 'refusal-marker-" + CONTROLS.token() + "'";
        try (Statement st = veil.createStatement()) {
            st.execute(marker);
        }
        for (String sql : refusedTexts()) {
            try (Statement st = veil.createStatement()) {
                assertRefused(sql, () -> st.execute(sql));
                assertRefused(sql, () -> st.executeQuery(sql));
                assertRefused(sql, () -> st.addBatch(sql));
                assertThat(st.executeBatch()).isEmpty();
            }
            assertRefused(sql, () -> veil.prepareStatement(sql));
        }
        String call = "UPDATE people SET ssn = '" + c() + "' WHERE id = 1";
        assertRefused(call, () -> veil.prepareCall(call));
        // a value bound to a statement Veil accepts, refused at binding or execution: a type Veil cannot encrypt
        try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET ssn = ? WHERE id = ?")) {
            assertRefusedOrConverted("StringBuilder for ssn", () -> {
                ps.setObject(1, new StringBuilder(c()));
                ps.setInt(2, -1);
                below(ps);
                ps.executeUpdate();
            });
            assertRefusedOrConverted("char[] for ssn", () -> {
                ps.setObject(1, c().toCharArray());
                ps.setInt(2, -1);
                below(ps);
                ps.executeUpdate();
            });
        }
        try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET score = ? WHERE id = ?")) {
            SQLException e = assertRefused("a canary for an int column", () -> {
                ps.setString(1, c());
                ps.setInt(2, -1);
                ps.executeUpdate();
            });
            assertThat(e.getSQLState()).isEqualTo("22018");
        }
        String last = lastStatementSeenByServer(pid);
        assertThat(last).as("what the server last saw from the Veil connection").satisfiesAnyOf(
                l -> assertThat(l).isEqualTo(marker),
                l -> assertThat(l).startsWith("SELECT").contains("pg_catalog.").doesNotContain(CANARIES.token()));
    }

    @Test
    @Order(6)
    void aUniqueViolationOnABlindIndexShowsItsHmacNotTheCanary() throws Exception {
        Person a = ROWS.values().iterator().next();
        SQLException single = failing("23505", () -> {
            try (PreparedStatement ps = veil.prepareStatement("INSERT INTO people (id, name, ssn, email) "
                    + "VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, IDS.incrementAndGet());
                ps.setString(2, "dup");
                ps.setString(3, c());
                ps.setString(4, a.email());
                ps.executeUpdate();
            }
        });
        assertThat(single.getMessage()).as("the server's Detail is in the message, and so checked")
                .contains("Key (email_bidx)=(\\x");
        failing("23505", () -> {
            try (Statement st = veil.createStatement()) {
                st.executeUpdate("INSERT INTO people (id, name, ssn, email) VALUES (" + IDS.incrementAndGet()
                        + ", 'dup', '" + c() + "', '" + a.email() + "')");
            }
        });
        SQLException batch = failing("23505", () -> {
            try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
                Person fresh = Person.fresh();
                bind(ps, fresh, 0);
                ps.addBatch();
                Person dup = new Person(IDS.incrementAndGet(), c(), fresh.email(), c(), c(), c(),
                        c().getBytes(StandardCharsets.UTF_8));
                bind(ps, dup, 1);
                ps.addBatch();
                ps.executeBatch();
            }
        });
        assertThat((Object) batch).isInstanceOf(BatchUpdateException.class);
        failing("23505", () -> {
            try (Statement st = veil.createStatement()) {
                Person fresh = literal(Person.fresh());
                st.addBatch("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) VALUES "
                        + literalRow(fresh));
                st.addBatch("INSERT INTO people (id, name, ssn, email) VALUES (" + IDS.incrementAndGet() + ", 'dup', '"
                        + c() + "', '" + fresh.email() + "')");
                st.executeBatch();
            }
        });
        failing("23505", () -> {
            try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET email = ? WHERE id = ?")) {
                ps.setString(1, a.email());
                ps.setInt(2, new ArrayList<>(ROWS.keySet()).get(1));
                ps.executeUpdate();
            }
        });
    }

    @Test
    @Order(7)
    void notNullAndCheckViolationsPrintTheFailingRowWithCiphertextOnly() throws Exception {
        SQLException notNull = failing("23502", () -> {
            try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
                bind(ps, Person.fresh(), 0);
                ps.setNull(2, Types.VARCHAR);
                ps.executeUpdate();
            }
        });
        assertThat(notNull.getMessage()).as("the failing row is in the message, and so checked")
                .contains("Failing row contains (");
        failing("23514", () -> {
            try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
                bind(ps, Person.fresh(), 1);
                ps.setInt(3, -1);
                ps.executeUpdate();
            }
        });
        failing("23514", () -> {
            try (Statement st = veil.createStatement()) {
                Person p = literal(Person.fresh());
                st.executeUpdate("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) "
                        + "VALUES " + literalRow(p).replace(", 30, '", ", -5, '"));
            }
        });
        Person a = ROWS.values().iterator().next();
        failing("23502", () -> {
            try (PreparedStatement ps = veil.prepareStatement(
                    "UPDATE people SET name = NULL, ssn = ? WHERE email = ?")) {
                ps.setString(1, c());
                ps.setString(2, a.email());
                ps.executeUpdate();
            }
        });
        failing("23514", () -> {
            try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
                for (int i = 0; i < 3; i++) {
                    bind(ps, Person.fresh(), i);
                    if (i == 2) {
                        ps.setInt(3, -1);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Test
    @Order(8)
    void typeErrorsInStatementsCarryingCanariesShowNoCanary() throws Exception {
        failing("42804", () -> {
            try (PreparedStatement ps = veil.prepareStatement(INSERT)) {
                bind(ps, Person.fresh(), 2);
                ps.setString(3, "thirty"); // age is an integer column: varchar parameter
                ps.executeUpdate();
            }
        });
        failing("22P02", () -> {
            try (Statement st = veil.createStatement()) {
                Person p = literal(Person.fresh());
                st.executeUpdate("INSERT INTO people (id, name, age, ssn, email, alias, phone, note, photo, score) "
                        + "VALUES " + literalRow(p).replace(", 30, '", ", 'thirty', '"));
            }
        });
        failing("22P02", () -> {
            try (PreparedStatement ps = veil.prepareStatement(
                    "SELECT ssn FROM people WHERE email = ? AND age = ?::int")) {
                ps.setString(1, c());
                ps.setString(2, "thirty");
                ps.executeQuery().close();
            }
        });
    }

    @Test
    @Order(9)
    void aDeadlockALockTimeoutAndAnAbortedTransactionShowNoCanary() throws Exception {
        List<Integer> ids = new ArrayList<>(ROWS.keySet());
        int first = ids.get(0);
        int second = ids.get(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection a = shown(fx.veil()); Connection b = shown(fx.veil())) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            updateSsn(a, first, c());
            updateSsnLiteral(b, second, c());
            int pidA = pid(a);
            Future<Throwable> aWaits = pool.submit(() -> catchThrowable(() -> updateSsn(a, second, c())));
            awaitLockWait(pidA);
            Throwable fromB = catchThrowable(() -> updateSsnLiteral(b, first, c()));
            Throwable fromA = aWaits.get(30, TimeUnit.SECONDS);
            List<Throwable> failed = Stream.of(fromA, fromB).filter(t -> t != null).toList();
            assertThat(failed).as("one of the two transactions is the deadlock's victim").hasSize(1);
            SQLException victim = (SQLException) failed.get(0);
            THROWN.add(victim);
            assertThat(victim.getSQLState()).isEqualTo("40P01");
            a.rollback();
            b.rollback();

            // a lock timeout while another transaction holds the row
            updateSsn(a, first, c());
            try (Statement st = b.createStatement()) {
                st.execute("SET lock_timeout = '300ms'");
            }
            failing("55P03", () -> updateSsn(b, first, c()));
            b.rollback();
            a.rollback();

            // after an error, the rest of the transaction is refused by the server (25P02)
            failing("23505", () -> {
                try (PreparedStatement ps = b.prepareStatement("UPDATE people SET email = ? WHERE id = ?")) {
                    ps.setString(1, ROWS.get(second).email());
                    ps.setInt(2, first);
                    ps.executeUpdate();
                }
            });
            failing("25P02", () -> updateSsn(b, second, c()));
            b.rollback();
        } finally {
            pool.shutdownNow();
        }
        for (Person p : ROWS.values()) {
            assertRow(p);
        }
    }

    @Test
    @Order(10)
    void hibernateCarriesOnlyCanaries() throws Exception {
        VeilDataSource ds = new VeilDataSource();
        ds.setUrl(fx.veilUrl());
        fx.properties().forEach((k, v) -> ds.setProperty((String) k, (String) v));
        ds.setProperty("veil.entity-packages", "dev.veil.e2e.model");
        shown(ds);
        try (SessionFactory sf = HibernateIT.sessionFactory(Map.of("hibernate.connection.datasource", ds,
                "hibernate.hbm2ddl.auto", "create"))) {
            shown(ds.runtime());
            List<Patient> patients = new ArrayList<>();
            inTransaction(sf, s -> {
                for (int i = 0; i < 5; i++) {
                    Patient p = new Patient("hibernate-" + i, c(), c(), 60 + i, LocalDate.of(1990, 1, 1 + i),
                            new BigDecimal("12.34"));
                    s.persist(p);
                    patients.add(p);
                }
            });
            String ssn = c();
            inTransaction(sf, s -> s.find(Patient.class, patients.get(0).getId()).setSsn(ssn));
            try (Session s = sf.openSession()) {
                assertThat(s.find(Patient.class, patients.get(0).getId()).getSsn()).isEqualTo(ssn);
                assertThat(s.find(Patient.class, patients.get(1).getId()).getEmail())
                        .isEqualTo(patients.get(1).getEmail());
            }
            Throwable refused = catchThrowable(() -> inTransaction(sf, s -> s.createSelectionQuery(
                    "from Patient p where p.ssn = :ssn", Patient.class).setParameter("ssn", c()).getResultList()));
            assertThat(refused).isNotNull();
            THROWN.add(refused);
            Throwable notNull = catchThrowable(() -> inTransaction(sf, s -> s.createMutationQuery(
                    "update Patient p set p.email = :email, p.name = null where p.id = :id")
                    .setParameter("email", c()).setParameter("id", patients.get(2).getId()).executeUpdate()));
            // patients.name is nullable: the update goes through; either way nothing may show a canary
            if (notNull != null) {
                THROWN.add(notNull);
            }
            inTransaction(sf, s -> s.remove(s.find(Patient.class, patients.get(3).getId())));
        }
    }

    // ========================================================================================== checks (100–)

    @Test
    @Order(100)
    void theServerLogShowsNoCanary() throws Exception {
        assumeThat(log).as("the server log is readable here (see the message above)").isPresent();
        String written = log.get().sinceMark(veil);
        assertThat(written).as("the control written around Veil is in the log: the log is the one searched")
                .contains(CONTROLS.token());
        assertThat(written).as("Veil's statements were logged with their parameters")
                .contains("email_bidx").contains("parameters: $1 = ");
        assertThat(written).as("the failing rows were logged").contains("Failing row contains (");
        assertThat(written).as("the deadlock was logged").contains("deadlock detected");
        assertNoCanary(CANARIES.in("server log", written));
    }

    @Test
    @Order(101)
    void pgStatStatementsAndActivityShowNoCanary() throws Exception {
        StringBuilder seen = new StringBuilder();
        try (Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(string_agg(query, E'\\n'), '') FROM pg_stat_activity "
                        + "WHERE datname = current_database()")) {
            rs.next();
            seen.append(rs.getString(1));
        }
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(string_agg(statement, E'\\n'), '') "
                        + "FROM pg_prepared_statements")) {
            rs.next();
            seen.append(rs.getString(1));
        }
        assertNoCanary(CANARIES.in("pg_stat_activity and pg_prepared_statements", seen.toString()));

        String preload;
        try (Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('shared_preload_libraries')")) {
            rs.next();
            preload = rs.getString(1);
        }
        assumeThat(preload).as("pg_stat_statements must be in shared_preload_libraries for this check, which is "
                + "skipped where it is not").contains("pg_stat_statements");
        try (Statement st = plain.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            try (ResultSet rs = st.executeQuery("SELECT coalesce(string_agg(query, E'\\n'), '') "
                    + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                    + "WHERE datname = current_database())")) {
                rs.next();
                String statements = rs.getString(1);
                assertThat(statements).contains("email_bidx");
                assertNoCanary(CANARIES.in("pg_stat_statements", statements));
            }
        }
    }

    @Test
    @Order(102)
    void theWalWrittenDuringTheTestHoldsNoCanary() throws Exception {
        Path dataDir = readableDataDirectory();
        String walAtEnd;
        boolean checkpointed;
        try (Statement st = plain.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                walAtEnd = rs.getString(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT checkpoint_time FROM pg_control_checkpoint()")) {
                rs.next();
                checkpointed = rs.getTimestamp(1).toInstant().isAfter(started);
            }
        }
        Path wal = dataDir.resolve("pg_wal");
        FileTime since = FileTime.from(started.minusSeconds(2));
        List<LeakSearch.Hit> canaries = new ArrayList<>();
        List<LeakSearch.Hit> controls = new ArrayList<>();
        int segments = 0;
        try (Stream<Path> files = Files.list(wal)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                boolean inRange = name.compareTo(walAtStart) >= 0 && name.compareTo(walAtEnd) <= 0;
                if (name.matches("[0-9A-F]{24}") && (inRange || Files.getLastModifiedTime(f).compareTo(since) >= 0)) {
                    segments++;
                    canaries.addAll(CANARIES.inFile("WAL segment " + name, f));
                    controls.addAll(CONTROLS.inFile("WAL segment " + name, f));
                }
            }
        }
        System.out.println("[LeakCanaryIT] WAL: " + segments + " segments from " + walAtStart + " to " + walAtEnd);
        assertThat(segments).isPositive();
        if (checkpointed && controls.isEmpty()) {
            System.out.println("[LeakCanaryIT] a checkpoint during the test recycled WAL segments: the control is "
                    + "gone from the WAL, so the search there is incomplete");
        } else {
            assertThat(controls).as("the control is in the WAL: the WAL is the one searched").isNotEmpty();
        }
        assertNoCanary(canaries);
    }

    @Test
    @Order(103)
    void noFileOfTheTestDatabaseHoldsACanary() throws Exception {
        Path dataDir = readableDataDirectory();
        Map<String, String> relations = new LinkedHashMap<>();
        try (Statement st = plain.createStatement()) {
            st.execute("ANALYZE");
            st.execute("CHECKPOINT");
            try (ResultSet rs = st.executeQuery("SELECT c.relname, pg_relation_filepath(c.oid), "
                    + "pg_relation_size(c.oid) FROM pg_class c WHERE c.oid IN ("
                    + "SELECT 'people'::regclass::oid UNION SELECT 'patients'::regclass::oid "
                    + "UNION SELECT 'control'::regclass::oid "
                    + "UNION SELECT indexrelid FROM pg_index WHERE indrelid = 'people'::regclass "
                    + "UNION SELECT reltoastrelid FROM pg_class WHERE relname = 'people' "
                    + "UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.reltoastrelid = i.indrelid "
                    + "WHERE t.relname = 'people') ORDER BY 1")) {
                while (rs.next()) {
                    relations.put(rs.getString(2), rs.getString(1));
                    assertThat(rs.getLong(3)).as("%s has pages on disk", rs.getString(1)).isPositive();
                }
            }
        }
        assertThat(relations.values()).as("the table, its indexes and its TOAST table and index")
                .contains("people", "people_email_bidx_key", "people_alias_bidx_idx", "people_phone_bidx_idx",
                        "control", "patients").anyMatch(n -> n.startsWith("pg_toast_"));
        Path databaseDir = dataDir.resolve(relations.keySet().iterator().next()).getParent();
        List<LeakSearch.Hit> canaries = new ArrayList<>();
        List<LeakSearch.Hit> controls = new ArrayList<>();
        Set<String> scanned = new HashSet<>();
        try (Stream<Path> files = Files.list(databaseDir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = databaseDir.getFileName() + "/" + f.getFileName();
                String relation = relations.get(dataDir.relativize(f).toString().replaceAll("[._].*$", ""));
                String where = relation != null ? relation + " (" + name + ")" : name;
                canaries.addAll(CANARIES.inFile(where, f));
                controls.addAll(CONTROLS.inFile(where, f));
                scanned.add(dataDir.relativize(f).toString());
            }
        }
        assertThat(scanned).as("every file pg_relation_filepath names was searched").containsAll(relations.keySet());
        assertThat(controls).as("the control is in the control table's file: the files are the ones searched")
                .anyMatch(h -> h.where().startsWith("control"));
        assertNoCanary(canaries);
    }

    @Test
    @Order(104)
    void noExceptionTheApplicationGotMentionsACanary() {
        assertThat(THROWN).as("exceptions collected").hasSizeGreaterThan(40);
        List<LeakSearch.Hit> hits = new ArrayList<>();
        for (Throwable t : THROWN) {
            hits.addAll(CANARIES.in(t.getClass().getName(), render(t)));
        }
        assertNoCanary(hits);
    }

    @Test
    @Order(105)
    void veilLogsNoCanaryAtAnyLevelNorDoesPgjdbcBelowIt() {
        List<String> records = captured.records();
        assertThat(records).as("the capture works: a TRACE record through System.Logger arrived")
                .anyMatch(r -> r.contains("dev.veil.canary.probe") && r.contains(CONTROLS.token()));
        assertThat(captured.recordsOf("dev.veil.driver")).as("Veil's own records were captured").isNotEmpty();
        assertThat(captured.recordsOf("org.postgresql")).as("pgjdbc's wire trace (what Veil sent) was captured")
                .anyMatch(r -> r.contains("FE=> Bind"));
        List<LeakSearch.Hit> hits = new ArrayList<>();
        for (String r : records) {
            hits.addAll(CANARIES.in("log record " + r.substring(0, Math.min(60, r.length())), r));
        }
        System.out.println("[LeakCanaryIT] " + records.size() + " log records searched, "
                + captured.recordsOf("dev.veil").size() + " of them Veil's");
        assertNoCanary(hits);
    }

    @Test
    @Order(106)
    void toStringOfEveryObjectVeilHandedOutShowsNoCanary() throws Exception {
        try (PreparedStatement ps = plain.prepareStatement("SELECT ?::text")) {
            ps.setString(1, CONTROLS.next());
            assertThat(ps.toString()).as("control: pgjdbc's own statement prints its bound values")
                    .contains(CONTROLS.token());
        }
        assertThat(SHOWN).as("objects shown").hasSizeGreaterThan(50);
        List<LeakSearch.Hit> hits = new ArrayList<>();
        for (String s : SHOWN) {
            hits.addAll(CANARIES.in("toString() " + s, s));
        }
        for (String s : BELOW) {
            hits.addAll(CANARIES.in("pgjdbc statement below Veil", s));
        }
        assertNoCanary(hits);
    }

    // ========================================================================================== helpers

    interface SqlAction {
        void run() throws Exception;
    }

    interface SqlBinder {
        void bind(PreparedStatement ps, String value) throws Exception;
    }

    static <T> T shown(T o) {
        if (o != null) {
            SHOWN.add(o.getClass().getName() + ": " + o);
        }
        return o;
    }

    static void below(PreparedStatement ps) throws SQLException {
        BELOW.add(ps.unwrap(PGStatement.class).toString());
    }

    static void showWarnings(SQLWarning w) {
        for (; w != null; w = w.getNextWarning()) {
            THROWN.add(w);
        }
    }

    /** Runs a statement the server must reject with {@code state}; keeps the exception. */
    static SQLException failing(String state, SqlAction action) {
        Throwable t = catchThrowable(action::run);
        assertThat(t).as("expected SQLState %s", state).isInstanceOf(SQLException.class);
        THROWN.add(t);
        SQLException e = (SQLException) t;
        assertThat(e.getSQLState()).as(String.valueOf(e.getMessage())).isEqualTo(state);
        return e;
    }

    static SQLException assertRefused(String what, SqlAction action) {
        Throwable t = catchThrowable(action::run);
        assertThat(t).as("refused: %s", what).isInstanceOf(SQLException.class);
        THROWN.add(t);
        assertThat(((SQLException) t).getSQLState()).as("%s: %s", what, t.getMessage()).matches("VE01[0-3]|22018");
        return (SQLException) t;
    }

    /** A value Veil cannot encrypt is refused, or converted and encrypted; it is never sent as it is. */
    static void assertRefusedOrConverted(String what, SqlAction action) {
        Throwable t = catchThrowable(action::run);
        if (t != null) {
            THROWN.add(t);
            assertThat(t).as(what).isInstanceOf(SQLException.class);
        }
    }

    static void updateSsn(Connection c, int id, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE people SET ssn = ? WHERE id = ?")) {
            ps.setString(1, ssn);
            ps.setInt(2, id);
            ps.executeUpdate();
        }
    }

    static void updateSsnLiteral(Connection c, int id, String ssn) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE people SET ssn = '" + ssn + "' WHERE id = " + id);
        }
    }

    static void awaitLockWait(int pid) throws Exception {
        try (PreparedStatement ps = plain.prepareStatement(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            Await.until("backend " + pid + " waits for a lock", Duration.ofSeconds(30), () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && "Lock".equals(rs.getString(1));
                }
            });
        }
    }

    static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String lastStatementSeenByServer(int pid) throws SQLException {
        try (PreparedStatement ps = plain.prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** The ids (first column) a search through Veil returns; every value bound is shown and checked. */
    static List<Integer> ids(String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            shown(ps);
            below(ps);
            List<Integer> out = new ArrayList<>();
            try (ResultSet rs = shown(ps.executeQuery())) {
                shown(rs.getMetaData());
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            below(ps);
            return out;
        }
    }

    static List<Integer> ids(Statement st, String sql) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (ResultSet rs = shown(st.executeQuery(sql))) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    static void assertRow(Person p) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement(
                "SELECT ssn, email, alias, phone, note, photo, score FROM people WHERE id = ?")) {
            ps.setInt(1, p.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %d", p.id()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(p.ssn());
                assertThat(rs.getString(2)).isEqualTo(p.email());
                assertThat(rs.getString(3)).isEqualTo(p.alias());
                assertThat(rs.getString(4)).isEqualTo(p.phone());
                assertThat(rs.getString(5)).isEqualTo(p.note());
                assertThat(rs.getBytes(6)).isEqualTo(p.photo());
                shown(rs);
            }
        }
    }

    static void inTransaction(SessionFactory sf, Consumer<Session> work) {
        try (Session s = sf.openSession()) {
            Transaction tx = s.beginTransaction();
            try {
                work.accept(s);
                tx.commit();
            } catch (RuntimeException e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                throw e;
            }
        }
    }

    /** The data directory, when this process can read it (the server runs here and we may read its files). */
    static Path readableDataDirectory() throws SQLException {
        String dir;
        String control;
        try (Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('data_directory'), "
                        + "pg_relation_filepath('control')")) {
            rs.next();
            dir = rs.getString(1);
            control = rs.getString(2);
        }
        Path dataDir = Path.of(dir);
        // the control table's file must be there too: a directory of that name may belong to another server
        assumeThat(Files.isReadable(dataDir.resolve("pg_wal")) && Files.isReadable(dataDir.resolve(control)))
                .as("the server's data directory %s is readable here; skipped otherwise", dataDir).isTrue();
        return dataDir;
    }

    /** Everything an exception shows: its stack trace with causes and suppressed, next exceptions, server fields. */
    static String render(Throwable t) {
        StringWriter w = new StringWriter();
        PrintWriter out = new PrintWriter(w);
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            Throwable x = todo.remove(0);
            if (x == null || !seen.add(x)) {
                continue;
            }
            x.printStackTrace(out);
            out.println(x);
            if (x instanceof SQLException s) {
                todo.add(s.getNextException());
            }
            if (x instanceof PSQLException p && p.getServerErrorMessage() != null) {
                ServerErrorMessage m = p.getServerErrorMessage();
                out.println(m);
                for (String field : new String[] {m.getDetail(), m.getHint(), m.getWhere(), m.getInternalQuery(),
                        m.getMessage(), m.getConstraint(), m.getColumn(), m.getTable(), m.getDatatype()}) {
                    out.println(field);
                }
            }
            todo.add(x.getCause());
            todo.addAll(List.of(x.getSuppressed()));
        }
        out.flush();
        return w.toString();
    }

    static void assertNoCanary(List<LeakSearch.Hit> hits) {
        assertThat(hits).as("canaries found (%s searched so far)", CANARIES.searched()).isEmpty();
    }
}
