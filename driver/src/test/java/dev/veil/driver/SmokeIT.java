package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeIT {

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(SmokeIT.class, "  patients:\n    ssn: {}\n    email: {}\n    heart_rate: { type: int }\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email bytea, heart_rate bytea)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @Test
    void insertsAndSelectsThroughVeil() throws SQLException {
        try (Connection c = fx.veil()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO patients (name, ssn, email, heart_rate) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, "Ada");
                ps.setString(2, "123-45-6789");
                ps.setString(3, "ada@example.com");
                ps.setInt(4, 72);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT name, ssn, email, heart_rate FROM patients")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("name")).isEqualTo("Ada");
                assertThat(rs.getString("ssn")).isEqualTo("123-45-6789");
                assertThat(rs.getString(3)).isEqualTo("ada@example.com");
                assertThat(rs.getObject("heart_rate")).isEqualTo(72);
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO patients (name, ssn, heart_rate) VALUES ('Bob', '987-65-4321', 80)");
                try (ResultSet rs = st.executeQuery("SELECT * FROM patients WHERE name = 'Bob'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("ssn")).isEqualTo("987-65-4321");
                    assertThat(rs.getObject("heart_rate")).isEqualTo(80);
                    assertThat(rs.getObject("email")).isNull();
                }
                assertThatThrownBy(() -> st.executeQuery("SELECT * FROM patients WHERE ssn = '987-65-4321'"))
                        .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
                        .hasMessageContaining("patients.ssn").satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("VE010"));
            }
        }
        try (Connection p = fx.plain(); Statement st = p.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn, email FROM patients ORDER BY id")) {
            while (rs.next()) {
                assertThat(rs.getString(1)).startsWith("veil1:").doesNotContain("123-45");
            }
        }
    }
}
