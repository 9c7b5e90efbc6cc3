package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One column's migration window (per-column legacy plaintext) against PostgreSQL: a table holds rows still in
 * plaintext (written with plain pgjdbc, as before Veil) and rows written through Veil; the column in its window reads
 * both, the other columns stay strict (VE004).
 */
class MigrationWindowIT {

    private static final String YAML = """
              members:
                email: { type: string, legacy-plaintext: true }
                phone: { type: string }
            """;

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(MigrationWindowIT.class, YAML);
        fx.plainExecute("CREATE TABLE members (id int PRIMARY KEY, email text, phone text)",
                "INSERT INTO members VALUES (1, 'ada@example.com', NULL), (2, 'bob@example.com', '555-0102')");
        try (Connection veil = fx.veil();
                PreparedStatement ps = veil.prepareStatement("INSERT INTO members (id, email, phone) VALUES (?, ?, ?)")) {
            ps.setInt(1, 3);
            ps.setString(2, "cyd@example.com");
            ps.setString(3, "555-0103");
            ps.executeUpdate();
        }
    }

    @AfterAll
    static void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void theColumnInItsWindowReadsPlaintextAndCiphertextRows() throws SQLException {
        List<String> emails = new ArrayList<>();
        try (Connection veil = fx.veil(); Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT email FROM members ORDER BY id")) {
            while (rs.next()) {
                emails.add(rs.getString(1));
            }
        }
        assertThat(emails).containsExactly("ada@example.com", "bob@example.com", "cyd@example.com");
        try (Connection plain = fx.plain(); Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT email FROM members WHERE id = 3")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("veil1:"); // writes always encrypt
        }
    }

    @Test
    void anotherColumnOfTheSameTableStaysStrict() throws SQLException {
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT phone FROM members WHERE id = 3")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("555-0103");
            }
            try (ResultSet rs = st.executeQuery("SELECT phone FROM members WHERE id = 2")) {
                rs.next();
                SQLException e = catchThrowableOfType(SQLException.class, () -> rs.getString(1));
                assertThat(e.getSQLState()).isEqualTo("VE004");
                assertThat(e.getMessage()).contains("members.phone", "veil.legacy-plaintext-columns=members.phone")
                        .doesNotContain("555-0102");
            }
        }
    }

    @Test
    void thePropertyOpensTheWindowOfANamedColumnWithoutTheYamlOption() throws SQLException {
        try (Connection veil = DriverManager.getConnection(fx.veilUrl() + "&veil.legacy-plaintext-columns=members.phone",
                fx.properties()); Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT email, phone FROM members WHERE id = 2")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("bob@example.com");
            assertThat(rs.getString(2)).isEqualTo("555-0102");
        }
    }
}
