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

    /**
     * The README connects as {@code app}. Roles are server-wide, so the test must not create (or drop) a role
     * called {@code app}: the server may be a developer's own, with a real {@code app}, and other runs of this
     * test may use it at the same time. It creates a role of its own with exactly the privileges the README asks
     * for, drops it afterwards, and points the quick start's connection at it with the URL's {@code user}
     * parameter, which pgjdbc prefers to the user name passed to {@code getConnection}.
     */
    static final String APP_ROLE = "veil_app_" + java.util.UUID.randomUUID().toString().substring(0, 8);

    static VeilFixture fx;
    static boolean roleCreated;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(ReadmeExampleIT.class, "  patients:\n    ssn: {}\n    email: {}\n"
                + "    heart_rate: { type: int }\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email bytea, "
                + "heart_rate bytea)");
    }

    @AfterAll
    static void tearDown() throws SQLException {
        try {
            if (roleCreated) { // the key table it created and its grants live in the test database: drop them first
                fx.plainExecute("DROP OWNED BY " + APP_ROLE, "DROP ROLE " + APP_ROLE);
            }
        } finally {
            fx.close();
        }
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
        // the README connects as "app" (here: APP_ROLE, same privileges); on a server where the test user may create
        // roles and the role needs no password (trust auth, as on the local CI server) that is what runs, otherwise
        // the test is skipped
        try {
            fx.plainExecute("CREATE ROLE " + APP_ROLE + " LOGIN");
            roleCreated = true;
            fx.plainExecute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + APP_ROLE,
                    "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + APP_ROLE,
                    "GRANT CREATE ON SCHEMA public TO " + APP_ROLE);
            quickStart(fx.veilUrl() + "&user=" + APP_ROLE, "");
        } catch (SQLException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(e.getSQLState() == null
                    || !(e.getSQLState().startsWith("28") || e.getSQLState().equals("42501")),
                    "cannot connect as role app here: " + e.getSQLState());
            throw e;
        }
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT tableowner FROM pg_tables WHERE tablename = 'veil_data_keys'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the quick start ran as the app role: it created the key table")
                    .isEqualTo(APP_ROLE);
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
