package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row binding ({@code row-binding} on a table) on the real PostgreSQL: every type round-trips in a bound table, with
 * the key bound before or after the value, in multi-row VALUES, batches and literals; ciphertexts swapped between
 * two rows or copied into a new row around Veil fail to decrypt with VE001 naming the column and the key columns
 * (never a value); each write whose row key Veil cannot know, and each read where it cannot select the key, is
 * refused before anything is sent; values written before binding was switched on are read in the adoption window and
 * refused after it.
 */
class RowBindingIT {

    static VeilFixture fx;
    static Connection veil;
    static Connection raw;

    @BeforeAll
    static void setUp() throws SQLException {
        StringBuilder yaml = new StringBuilder("  records:\n    row-binding: true\n");
        StringBuilder ddl = new StringBuilder("CREATE TABLE records (id uuid PRIMARY KEY");
        for (TamperIT.Kind k : TamperIT.KINDS) {
            yaml.append("    ").append(k.column()).append(": { type: ").append(k.type()).append(" }\n");
            ddl.append(", ").append(k.column()).append(' ').append(k.sqlType());
        }
        yaml.append("  patients:\n    row-binding: true\n    diagnosis: {}\n    ssn: {}\n")
                .append("  visits:\n    row-binding: [tenant, visit_no]\n    note: {}\n")
                .append("  generated:\n    row-binding: true\n    secret: {}\n")
                .append("  legacy:\n    secret: {}\n")
                .append("  numbered:\n    row-binding: true\n    secret: {}\n")
                .append("  members:\n    row-binding: true\n    email: { blind-index: { name: email_bidx, bits: 16 } }\n");
        fx = VeilFixture.create(RowBindingIT.class, yaml.toString());
        fx.plainExecute(ddl + ")",
                "CREATE TABLE patients (id bigint PRIMARY KEY, name text, diagnosis text, ssn bytea)",
                "CREATE TABLE visits (tenant text, visit_no int, note bytea, PRIMARY KEY (tenant, visit_no))",
                "CREATE TABLE generated (id bigserial PRIMARY KEY, secret bytea)",
                "CREATE TABLE legacy (id int PRIMARY KEY, secret bytea)",
                "CREATE TABLE numbered (id numeric PRIMARY KEY, secret bytea)",
                "CREATE TABLE members (id uuid PRIMARY KEY, email bytea, email_bidx bytea)");
        veil = fx.veil();
        raw = fx.plain();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        raw.close();
        fx.close();
    }

    static Stream<TamperIT.Kind> kinds() {
        return TamperIT.KINDS.stream();
    }

    // ------------------------------------------------------------------------------------------------------------
    // round trips

    @ParameterizedTest(name = "{0}: round trip, key bound after the value")
    @MethodSource("kinds")
    void everyTypeRoundTripsInABoundTable(TamperIT.Kind k) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO records (" + k.column() + ", id) VALUES (?, ?)")) {
            k.binder().bind(ps, 1, k.value());
            ps.setObject(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (PreparedStatement ps = veil.prepareStatement("SELECT " + k.column() + " FROM records WHERE id = ?",
                ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1); // the key column Veil added is hidden
                assertThat(rs.next()).isTrue();
                assertSame(rs.getObject(1), k.value());
                assertThat(rs.first()).isTrue(); // no row filter: the result stays scrollable
            }
        }
        if (k.literal() != null) {
            UUID lit = UUID.randomUUID();
            try (Statement st = veil.createStatement()) {
                st.executeUpdate("INSERT INTO records (id, " + k.column() + ") VALUES ('" + lit + "', " + k.literal()
                        + ")");
                try (ResultSet rs = st.executeQuery("SELECT id, " + k.column() + " FROM records WHERE id = '" + lit
                        + "'")) {
                    assertThat(rs.next()).isTrue();
                    Object v = rs.getObject(2);
                    if (k.value() instanceof OffsetDateTime) {
                        assertThat(((OffsetDateTime) v).isEqual((OffsetDateTime) k.value())).isTrue();
                    } else {
                        assertSame(v, k.value());
                    }
                }
            }
        }
    }

    @Test
    void multiRowValuesBatchesUpdatesUpsertsAndJoinsBindEachRow() throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement(
                "INSERT INTO patients (diagnosis, id, name, ssn) VALUES (?, ?, ?, ?), (?, ?, ?, ?)")) {
            ps.setString(1, "flu");
            ps.setLong(2, 101);
            ps.setString(3, "a");
            ps.setString(4, "111");
            ps.setString(5, "cold");
            ps.setLong(6, 102);
            ps.setString(7, "b");
            ps.setString(8, "222");
            assertThat(ps.executeUpdate()).isEqualTo(2);
        }
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, diagnosis) VALUES (?, ?)")) {
            ps.setString(2, "same text, three rows"); // set once, re-encrypted for each row's key
            for (long id = 103; id <= 105; id++) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
        }
        assertThat(diagnoses(101, 105)).containsExactly("flu", "cold", "same text, three rows",
                "same text, three rows", "same text, three rows");
        try (PreparedStatement ps = veil.prepareStatement("UPDATE patients SET diagnosis = ? WHERE name = 'a' AND id = ?")) {
            ps.setString(1, "flu, recovered");
            ps.setLong(2, 101);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, diagnosis) VALUES (?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET diagnosis = EXCLUDED.diagnosis")) {
            ps.setLong(1, 102);
            ps.setString(2, "cold, upserted");
            ps.executeUpdate();
        }
        // the key changes together with every encrypted column: the new values are bound to the new key
        try (PreparedStatement ps = veil.prepareStatement(
                "UPDATE patients SET id = ?, diagnosis = ?, ssn = ? WHERE id = ?")) {
            ps.setLong(1, 205);
            ps.setString(2, "moved");
            ps.setString(3, "555");
            ps.setLong(4, 105);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(diagnoses(101, 102)).containsExactly("flu, recovered", "cold, upserted");
        assertThat(diagnoses(205, 205)).containsExactly("moved");
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT a.diagnosis, b.ssn, a.name FROM patients a "
                        + "JOIN patients b ON b.id = a.id + 1 WHERE a.id = 101")) {
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(3);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("flu, recovered");
            assertThat(rs.getString(2)).isEqualTo("222");
            assertThat(rs.getString("name")).isEqualTo("a");
        }
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, diagnosis) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, 106);
            ps.setString(2, "returned");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getString("diagnosis")).isEqualTo("returned");
            }
        }
        try (PreparedStatement ps = veil.prepareStatement(
                "UPDATE patients SET diagnosis = ? WHERE id = ? RETURNING diagnosis")) {
            ps.setString(1, "returned twice");
            ps.setLong(2, 106);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("returned twice");
            }
        }
    }

    @Test
    void compositeKeysBindEveryPart() throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO visits (note, tenant, visit_no) VALUES (?, ?, ?)")) {
            for (int no = 1; no <= 2; no++) {
                ps.setString(1, "visit " + no);
                ps.setString(2, "acme");
                ps.setInt(3, no);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = veil.prepareStatement("UPDATE visits SET note = ? WHERE visit_no = ? AND tenant = ?")) {
            ps.setString(1, "visit 2, edited");
            ps.setInt(2, 2);
            ps.setString(3, "acme");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT note FROM visits WHERE tenant = 'acme' ORDER BY visit_no")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("visit 1");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("visit 2, edited");
        }
        swap("visits", "note", "tenant = 'acme' AND visit_no = 1", "tenant = 'acme' AND visit_no = 2");
        SQLException e = catchThrowableOfType(() -> readAll("SELECT note FROM visits WHERE tenant = 'acme'"),
                SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("VE001");
        assertThat(e.getMessage()).contains("visits.note").contains("row binding on tenant, visit_no")
                .doesNotContain("acme").doesNotContain("visit 1").doesNotContain("visit 2");
    }

    @Test
    void blindIndexSearchesAndTheirPostFilterReadBoundValuesWithTheirRowKeys() throws SQLException {
        UUID ada = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO members (email, id) VALUES (?, ?)")) {
            ps.setString(1, "ada@example.com");
            ps.setObject(2, ada);
            ps.addBatch();
            ps.setString(1, "bob@example.com");
            ps.setObject(2, bob);
            ps.addBatch();
            ps.executeBatch();
        }
        // a 16-bit index: candidates are post-filtered after decryption, which needs each candidate's row key too
        try (PreparedStatement ps = veil.prepareStatement("SELECT email FROM members WHERE email = ?")) {
            ps.setString(1, "bob@example.com");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("bob@example.com");
                assertThat(rs.next()).isFalse();
            }
        }
        try (PreparedStatement ps = veil.prepareStatement("UPDATE members SET email = ? WHERE id = ?")) {
            ps.setString(1, "ada@example.org");
            ps.setObject(2, ada);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(readAll("SELECT email FROM members WHERE id = '" + ada + "'")).containsExactly("ada@example.org");
    }

    @Test
    void computedValuesAndProjectionsAreBoundToTheirRow() throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, diagnosis) VALUES (?, ? || "
                + "' (confirmed)')")) {
            ps.setString(2, "gout"); // the value before its row's key: encrypted at execution
            ps.setLong(1, 501);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = veil.prepareStatement("UPDATE patients SET diagnosis = CAST(? AS text) WHERE id = "
                + "?")) {
            ps.setInt(1, 7);
            ps.setLong(2, 501);
            ps.executeUpdate();
        }
        insertPatient(502, "gout (confirmed)");
        assertThat(diagnoses(501, 502)).containsExactly("7", "gout (confirmed)");
        try (PreparedStatement ps = veil.prepareStatement("SELECT id, COALESCE(diagnosis, ?), diagnosis::text FROM "
                + "patients WHERE id BETWEEN ? AND ? ORDER BY id")) {
            ps.setString(1, "none");
            ps.setLong(2, 501);
            ps.setLong(3, 502);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(3); // the hidden key column stays hidden
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("7");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(3)).isEqualTo("gout (confirmed)");
            }
        }
        swap("patients", "diagnosis", "id = 501", "id = 502");
        SQLException e = catchThrowableOfType(() -> diagnoses(501, 501), SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("VE001");
    }

    // ------------------------------------------------------------------------------------------------------------
    // swaps and copies around Veil

    @Test
    void ciphertextsSwappedBetweenTwoRowsFailToDecryptInBoth() throws SQLException {
        insertPatient(301, "diabetes");
        insertPatient(302, "hypertension");
        swap("patients", "diagnosis", "id = 301", "id = 302");
        for (long id : new long[] {301, 302}) {
            SQLException e = catchThrowableOfType(() -> diagnoses(id, id), SQLException.class);
            assertThat(e.getSQLState()).isEqualTo("VE001");
            assertThat(e.getMessage()).contains("patients.diagnosis").contains("row binding on id")
                    .doesNotContain("diabetes").doesNotContain("hypertension").doesNotContain("301")
                    .doesNotContain("302");
        }
    }

    @Test
    void aCiphertextCopiedIntoANewRowFailsToDecrypt() throws SQLException {
        insertPatient(401, "asthma");
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("INSERT INTO patients (id, diagnosis) SELECT 402, diagnosis FROM patients WHERE id = 401");
        }
        assertThat(diagnoses(401, 401)).containsExactly("asthma");
        SQLException e = catchThrowableOfType(() -> diagnoses(402, 402), SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("VE001");
        assertThat(e.getMessage()).contains("patients.diagnosis").doesNotContain("asthma");
    }

    // ------------------------------------------------------------------------------------------------------------
    // refusals, before anything is sent

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("INSERT INTO generated (secret) VALUES (?)", "generated.secret", "Assign the key"),
                Arguments.of("INSERT INTO generated (id, secret) VALUES (DEFAULT, ?)", "generated.secret",
                    "Assign the key"),
                Arguments.of("INSERT INTO patients (id, diagnosis) VALUES (nextval('s'), ?)", "patients.diagnosis",
                    "computes key column id"),
                Arguments.of("UPDATE patients SET diagnosis = ? WHERE name = ?", "patients.diagnosis",
                    "does not pin the row"),
                Arguments.of("UPDATE patients SET diagnosis = ? WHERE id = ? OR id = ?", "patients.diagnosis",
                    "does not pin the row"),
                Arguments.of("UPDATE patients SET id = ? WHERE id = ?", "patients.diagnosis",
                    "changes key column id"),
                Arguments.of("UPDATE patients SET id = ?, diagnosis = ? WHERE id = ?", "patients.diagnosis",
                    "without rewriting ssn"),
                Arguments.of("INSERT INTO patients (id, diagnosis) SELECT id + 1000, diagnosis FROM patients",
                    "patients.diagnosis", "copies a stored ciphertext"),
                Arguments.of("INSERT INTO patients (id, diagnosis) SELECT ?, ?", "patients.diagnosis",
                    "cannot tell which row"),
                Arguments.of("UPDATE patients SET diagnosis = p2.diagnosis FROM patients p2 WHERE patients.id = ? "
                    + "AND p2.id = ?", "patients.diagnosis", "copies a stored ciphertext"),
                Arguments.of("INSERT INTO patients (id, diagnosis) VALUES (?, 'flu')", "patients.diagnosis",
                    "as a literal"),
                Arguments.of("INSERT INTO patients (id, diagnosis) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
                    + "SET diagnosis = ?", "patients.diagnosis", "not over the key"),
                Arguments.of("SELECT diagnosis FROM (SELECT diagnosis FROM patients) x", "patients.diagnosis",
                    "Select the column directly"),
                Arguments.of("SELECT diagnosis FROM patients UNION ALL SELECT diagnosis FROM patients",
                    "patients.diagnosis", "Select the column directly"),
                Arguments.of("WITH c AS (SELECT diagnosis FROM patients) SELECT diagnosis FROM c",
                    "patients.diagnosis", "Select the column directly"),
                Arguments.of("SELECT (SELECT diagnosis FROM patients p2 WHERE p2.id = p.id) FROM patients p",
                    "patients.diagnosis", "Select the column directly"),
                Arguments.of("INSERT INTO numbered (id, secret) VALUES (?, ?)", "numbered.secret",
                    "cannot be a row key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void writesAndReadsWhoseRowKeyCannotBeKnownAreRefusedBeforeAnythingIsSent(String sql, String column,
            String reason) throws SQLException {
        List<String> before = snapshot();
        SQLException e = catchThrowableOfType(() -> {
            try (PreparedStatement ps = veil.prepareStatement(sql)) {
                long n = sql.chars().filter(ch -> ch == '?').count();
                for (int i = 1; i <= n; i++) {
                    ps.setString(i, "500" + i);
                }
                ps.execute();
            }
        }, SQLException.class);
        assertThat((Throwable) e).as(sql).isNotNull();
        assertThat(e.getSQLState()).as(e.getMessage()).startsWith("VE01");
        assertThat(e.getMessage()).contains(column).contains(reason);
        assertThat(snapshot()).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------------------------
    // adoption: values written before binding was switched on

    @Test
    void unboundValuesAreReadInTheAdoptionWindowAndRefusedAfterIt() throws Exception {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO legacy (id, secret) VALUES (?, ?)")) {
            for (int id = 1; id <= 2; id++) {
                ps.setInt(1, id);
                ps.setString(2, "old " + id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Connection window = connect("row-binding: true\n    accept-unbound-values: true");
                Connection strict = connect("row-binding: true")) {
            assertThat(readAll(window, "SELECT secret FROM legacy ORDER BY id")).containsExactly("old 1", "old 2");
            SQLException e = catchThrowableOfType(() -> readAll(strict, "SELECT secret FROM legacy WHERE id = 1"),
                    SQLException.class);
            assertThat(e.getSQLState()).isEqualTo("VE001");
            assertThat(e.getMessage()).contains("legacy.secret").contains("accept-unbound-values");
            // moving a value into binding: read it in the window, write it back by its key
            try (PreparedStatement ps = window.prepareStatement("UPDATE legacy SET secret = ? WHERE id = ?")) {
                ps.setString(1, readAll(window, "SELECT secret FROM legacy WHERE id = 1").get(0));
                ps.setInt(2, 1);
                ps.executeUpdate();
            }
            assertThat(readAll(strict, "SELECT secret FROM legacy WHERE id = 1")).containsExactly("old 1");
            // the unbound value is still readable in the window, and still refused by the strict runtime
            SQLException stillUnbound = catchThrowableOfType(
                    () -> readAll(strict, "SELECT secret FROM legacy WHERE id = 2"), SQLException.class);
            assertThat(stillUnbound.getSQLState()).isEqualTo("VE001");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    private static Connection connect(String binding) throws Exception {
        String yaml = Files.readString(fx.configFile(), StandardCharsets.UTF_8)
                .replace("  legacy:\n    secret: {}\n", "  legacy:\n    " + binding + "\n    secret: {}\n");
        Path other = Files.createTempFile(fx.configFile().getParent(), "veil", ".yml");
        Files.writeString(other, yaml, StandardCharsets.UTF_8);
        String url = fx.database().veilUrl();
        return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "veil.config=" + other,
                fx.properties());
    }

    private static void insertPatient(long id, String diagnosis) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, diagnosis) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, diagnosis);
            ps.executeUpdate();
        }
    }

    /** Swaps one column's stored values between two rows, as a database administrator could. */
    private static void swap(String table, String column, String a, String b) throws SQLException {
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("UPDATE " + table + " t SET " + column + " = CASE WHEN " + a + " THEN (SELECT " + column
                    + " FROM " + table + " WHERE " + b + ") ELSE (SELECT " + column + " FROM " + table + " WHERE " + a
                    + ") END WHERE (" + a + ") OR (" + b + ")");
        }
    }

    private static List<String> diagnoses(long from, long to) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = veil.prepareStatement(
                "SELECT diagnosis FROM patients WHERE id BETWEEN ? AND ? ORDER BY id")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static List<String> readAll(String sql) throws SQLException {
        return readAll(veil, sql);
    }

    private static List<String> readAll(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Everything the bound tables store, as the database sees it. */
    private static List<String> snapshot() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = raw.createStatement()) {
            for (String table : new String[] {"patients", "generated", "numbered", "members"}) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(table);
                        for (int i = 1; i <= n; i++) {
                            row.append('|').append(rs.getString(i));
                        }
                        out.add(row.toString());
                    }
                }
            }
        }
        return out;
    }

    private static void assertSame(Object actual, Object expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        if (expected instanceof byte[]) {
            assertThat((byte[]) actual).containsExactly((byte[]) expected);
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }
}
