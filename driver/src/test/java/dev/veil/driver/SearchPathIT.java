package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two connections of one runtime whose {@code search_path}s resolve the same unqualified name to different tables —
 * {@code clinic.patients} encrypted, {@code public.patients} plain — run the same SQL texts: each gets the plan of
 * its own table, whichever runs first, and what the database stores is ciphertext in one and plaintext in the other.
 */
class SearchPathIT {

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(SearchPathIT.class, """
                  clinic.patients:
                    ssn: {}
                """);
        fx.plainExecute("CREATE SCHEMA clinic",
                "CREATE TABLE clinic.patients (id int PRIMARY KEY, ssn text)",
                "CREATE TABLE public.patients (id int PRIMARY KEY, ssn text)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @Test
    void theSameTextOnTwoSearchPathsUsesEachConnectionsOwnTable() throws SQLException {
        try (Connection encrypted = fx.veil(); Connection plain = fx.veil()) {
            execute(encrypted, "SET search_path TO clinic, public");
            execute(plain, "SET search_path TO public");
            // the plain connection plans first: its plan must not be reused by the encrypted one, and back
            insert(plain, 1, "plain-1");
            insert(encrypted, 1, "secret-1");
            insert(encrypted, 2, "secret-2");
            insert(plain, 2, "plain-2");
            assertThat(read(plain, 1)).isEqualTo("plain-1");
            assertThat(read(encrypted, 1)).isEqualTo("secret-1");
            assertThat(read(plain, 2)).isEqualTo("plain-2");
            assertThat(read(encrypted, 2)).isEqualTo("secret-2");
            try (Statement st = encrypted.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT ssn FROM patients ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("secret-1");
            }
            // a connection that switches its search_path switches plans with it
            execute(plain, "SET search_path TO clinic");
            assertThat(read(plain, 1)).isEqualTo("secret-1");
            execute(plain, "SELECT set_config('search_path', 'public', false)");
            assertThat(read(plain, 1)).isEqualTo("plain-1");
        }
        try (Connection db = fx.plain(); Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT ssn FROM clinic.patients ORDER BY id")) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).startsWith("veil1:");
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT string_agg(ssn, ',' ORDER BY id) FROM public.patients")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("plain-1,plain-2");
            }
        }
    }

    @Test
    void aStatementPreparedUnderOneSearchPathKeepsReadingTheTableItWasPreparedFor() throws SQLException {
        try (Connection c = fx.veil()) {
            execute(c, "SET search_path TO public");
            insert(c, 20, "plain-20");
            execute(c, "SET search_path TO clinic");
            insert(c, 20, "secret-20");
            execute(c, "SET search_path TO public");
            try (PreparedStatement plainRead = c.prepareStatement("SELECT ssn FROM patients WHERE id = ?")) {
                execute(c, "SET search_path TO clinic");
                try (PreparedStatement encryptedRead = c.prepareStatement("SELECT ssn FROM patients WHERE id = ?")) {
                    execute(c, "SET search_path TO public");
                    // the server would re-resolve the name; Veil sends it schema-qualified, so neither statement
                    // reads the other table (the plain one would hand out ciphertext)
                    assertThat(readWith(plainRead, 20)).isEqualTo("plain-20");
                    assertThat(readWith(encryptedRead, 20)).isEqualTo("secret-20");
                    execute(c, "SET search_path TO clinic");
                    assertThat(readWith(plainRead, 20)).isEqualTo("plain-20");
                    assertThat(readWith(encryptedRead, 20)).isEqualTo("secret-20");
                }
            }
        }
    }

    @Test
    void aTemporaryTableShadowingTheEncryptedOneIsPlannedAsTheTemporaryTable() throws SQLException {
        try (Connection a = fx.veil(); Connection b = fx.veil()) {
            execute(a, "SET search_path TO clinic");
            execute(b, "SET search_path TO clinic");
            insert(a, 10, "secret-10");
            execute(b, "CREATE TEMPORARY TABLE patients (id int PRIMARY KEY, ssn text)");
            insert(b, 10, "temp-10");
            assertThat(read(b, 10)).isEqualTo("temp-10");
            assertThat(read(a, 10)).isEqualTo("secret-10");
            Connection raw = (Connection) b.unwrap(org.postgresql.PGConnection.class); // the same session, no Veil
            try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT ssn FROM pg_temp.patients WHERE id = 10")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("temp-10"); // stored as it was written: a plain table
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void insert(Connection c, int id, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            ps.executeUpdate();
        }
    }

    private static String read(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ssn FROM patients WHERE id = ?")) {
            return readWith(ps, id);
        }
    }

    private static String readWith(PreparedStatement ps, int id) throws SQLException {
        ps.setInt(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
