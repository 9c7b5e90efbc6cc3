package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.VeilFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's quick-start code, compiled and run: {@link #quickStart} is the README's Java block, and a check
 * keeps the two texts identical.
 */
class ReadmeExampleIT {

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(ReadmeExampleIT.class, "  patients:\n    ssn: {}\n    email: {}\n"
                + "    heart_rate: { type: int }\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email bytea, "
                + "heart_rate bytea)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    // README: begin
    static void quickStart(String url, String password) throws SQLException {
try (Connection c = DriverManager.getConnection(url, "app", password);
     PreparedStatement ps = c.prepareStatement("INSERT INTO patients (name, ssn, heart_rate) VALUES (?, ?, ?)")) {
    ps.setString(1, "Ada");
    ps.setString(2, "123-45-6789");   // stored as veil1:AZ3… (or \\x5601… in bytea)
    ps.setInt(3, 72);
    ps.executeUpdate();
}
    }
    // README: end

    @Test
    void theQuickStartRunsAndStoresCiphertext() throws SQLException {
        // the README connects as "app"; on a server where the test user may create roles and "app" needs no password
        // (trust auth, as on the local CI server) that is what runs, otherwise the test is skipped
        try {
            fx.plainExecute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN "
                    + "CREATE ROLE app LOGIN; END IF; END $$", "GRANT ALL ON ALL TABLES IN SCHEMA public TO app",
                    "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO app", "GRANT CREATE ON SCHEMA public TO app");
            quickStart(fx.veilUrl(), "");
        } catch (SQLException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(e.getSQLState() == null
                    || !(e.getSQLState().startsWith("28") || e.getSQLState().equals("42501")),
                    "cannot connect as role app here: " + e.getSQLState());
            throw e;
        }
        try (Connection c = fx.veil(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, ssn, heart_rate FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("ssn")).isEqualTo("123-45-6789");
            assertThat(rs.getObject("heart_rate")).isEqualTo(72);
        }
        try (Connection c = fx.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("veil1:").doesNotContain("123-45");
        }
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String self = Files.readString(Path.of("src", "test", "java", "dev", "veil", "driver", "ReadmeExampleIT.java"),
                StandardCharsets.UTF_8);
        String opening = "throws SQLException {\n";
        String body = self.substring(self.indexOf(opening, self.indexOf("// README: begin")) + opening.length(),
                self.indexOf("    }\n    // README: end"));
        String shown = body.replace("\\\\x", "\\x");
        assertThat(readme).contains("```java\n" + shown + "```");
    }
}
