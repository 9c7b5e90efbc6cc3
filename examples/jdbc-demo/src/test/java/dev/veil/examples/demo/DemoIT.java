package dev.veil.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo against the test PostgreSQL (127.0.0.1:5432 or {@code VEIL_TEST_JDBC_URL}), not the embedded one,
 * to keep the suite fast. Each test gets a fresh database.
 */
class DemoIT {

    TestDatabase db;

    @TempDir
    Path directory;

    @BeforeEach
    void createDatabase() {
        db = TestDatabase.create(DemoIT.class);
    }

    @AfterEach
    void dropDatabase() {
        db.drop();
    }

    @Test
    void runShowsDecryptedValuesToTheApplicationAndOnlyCiphertextInTheDatabase() throws Exception {
        Demo demo = new Demo(new DemoDatabase(db.url(), db.properties(), "test database"), directory);

        DemoReport report = demo.run();

        assertThat(report.written()).isEqualTo(Demo.PATIENTS.size());
        assertThat(report.application()).hasSize(Demo.PATIENTS.size());
        for (int i = 0; i < Demo.PATIENTS.size(); i++) {
            Demo.Patient p = Demo.PATIENTS.get(i);
            Map<String, String> app = report.application().get(i);
            Map<String, String> stored = report.stored().get(i);
            assertThat(app).containsEntry("name", p.name()).containsEntry("ssn", p.ssn())
                    .containsEntry("email", p.email()).containsEntry("heart_rate", String.valueOf(p.heartRate()))
                    .containsEntry("birth_date", p.birthDate().toString());
            assertThat(stored).containsEntry("name", p.name());
            assertThat(stored.get("ssn")).startsWith("veil1:").doesNotContain(p.ssn());
            for (String column : List.of("email", "heart_rate", "birth_date")) {
                assertThat(stored.get(column)).as(column).startsWith("\\x5601");
            }
            assertThat(String.join(" ", stored.values()))
                    .doesNotContain(p.ssn(), p.email(), p.birthDate().toString(), hex(p.email()));
        }
        assertThat(report.plaintextInDatabase()).isEmpty();
        assertThat(report.search().found()).containsExactly("Ada Lovelace");
        assertThat(report.stored().get(0).get("email_bidx")).startsWith("\\x");
        assertThat(report.application().get(0)).doesNotContainKey("email_bidx");
        assertThat(report.refusal().sqlState()).isEqualTo("VE010");
        assertThat(report.refusal().exceptionType()).isEqualTo("SQLFeatureNotSupportedException");
        assertThat(report.refusal().message()).contains("patients.ssn");

        String text = ConsoleReport.format(report);
        assertThat(text).contains("DEVELOPMENT ONLY", "jdbc:veil:postgresql://", "123-45-6789", "ada@example.com",
                "1815-12-10", "SQLState VE010", "OK: the database holds only ciphertext");
        assertThat(text).contains("    - text column ssn: the text envelope, \"veil1:\" + base64(ciphertext)\n",
                "    - bytea columns email, heart_rate, birth_date: the binary envelope, 'V' (0x56), format version 0x01",
                "hence \\x5601...", "    - email_bidx: a blind index");
        List<String> sideBySide = sideBySideLines(text);
        assertThat(sideBySide).hasSize(Demo.ENCRYPTED.size() * Demo.PATIENTS.size());
        for (String line : sideBySide) {
            String[] cells = line.strip().split(" {2,}"); // column, application side, database side
            assertThat(cells).as(line).hasSize(3);
            assertThat(cells[2]).as(line).matches("(veil1:|\\\\x5601).{1,30}\\.\\.\\.");
            if (cells[1].length() >= 5) { // "72" may well occur in random hex
                assertThat(cells[2]).as(line).doesNotContain(cells[1]);
            }
        }

        demo.dropTables();
        assertThat(exists(Demo.TABLE)).isFalse();
        assertThat(exists(Demo.KEY_TABLE)).isFalse();
    }

    @Test
    void runLeavesAnExistingPatientsTableAloneAndFailsWithAClearMessage() throws SQLException {
        try (Connection c = db.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE patients (id int, note text)");
            st.execute("INSERT INTO patients VALUES (1, 'keep me')");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = DemoApplication.run(urlWithUser(), false, print(out), print(err));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Veil demo failed", "already has patients", "another database");
        try (Connection c = db.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT note FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("keep me");
        }
    }

    @Test
    void runThroughTheApplicationExitsZeroAndDropsItsTables() throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = DemoApplication.run(urlWithUser(), false, print(out), print(err));

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Veil JDBC demo", "Grace Hopper", "555-01-2345",
                "Cleaned up: dropped tables patients, veil_demo_data_keys");
        assertThat(exists(Demo.TABLE)).isFalse();
    }

    @Test
    void runWithANonPostgresqlUrlExitsOneWithAClearMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = DemoApplication.run("jdbc:mysql://localhost/demo", false, print(new ByteArrayOutputStream()),
                print(err));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("jdbc:postgresql://host:port/db", "jdbc:mysql:");
    }

    /** Lines of section 2 naming an encrypted column: "ssn  123-45-6789  veil1:AW+M...". */
    private static List<String> sideBySideLines(String text) {
        String section = text.substring(text.indexOf("\n2. "), text.indexOf("\n3. "));
        return section.lines().filter(l -> l.strip().matches("(ssn|email|heart_rate|birth_date) .*")).toList();
    }

    private boolean exists(String table) throws SQLException {
        try (Connection c = db.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The demo takes credentials in the URL, as a user would pass them. */
    private String urlWithUser() {
        String user = db.properties().getProperty("user");
        String url = db.url();
        return user == null ? url : url + (url.contains("?") ? "&" : "?") + "user=" + user;
    }

    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
