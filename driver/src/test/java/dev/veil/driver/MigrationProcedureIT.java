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
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The procedures the VE004, VE012 and VE013 messages and docs/configuration.md point to ("Encrypting existing
 * values", "Filling a new blind index") work through Veil as written, and the shortcut that looks right does not.
 */
class MigrationProcedureIT {

    VeilFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aNewBlindIndexIsFilledByReadingRowsThroughVeilAndWritingThemBackWithParameters() throws SQLException {
        fx = VeilFixture.create(MigrationProcedureIT.class,
                "  members:\n    email: { type: string, blind-index: email_bidx }\n");
        fx.plainExecute("CREATE TABLE members (id int PRIMARY KEY, email bytea, email_bidx bytea)");
        try (Connection veil = fx.veil()) {
            for (int id = 1; id <= 3; id++) {
                try (PreparedStatement ps = veil.prepareStatement("INSERT INTO members (id, email) VALUES (?, ?)")) {
                    ps.setInt(1, id);
                    ps.setString(2, "m" + id + "@example.org");
                    ps.executeUpdate();
                }
            }
        }
        fx.plainExecute("UPDATE members SET email_bidx = NULL"); // as if written before the index was declared
        String search = "SELECT id FROM members WHERE email = ?";
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            assertThat(catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(search)).getSQLState())
                    .isEqualTo("VE013");
            // the shortcut runs, but Veil cannot compute an index value from a column reference: nothing is filled
            assertThat(st.executeUpdate("UPDATE members SET email = email")).isEqualTo(3);
            assertThat(count("SELECT count(*) FROM members WHERE email_bidx IS NULL")).isEqualTo(3);
            // the rows waiting for a value can be found through Veil
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM members WHERE email IS NOT NULL "
                    + "AND email_bidx IS NULL")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            // the procedure: read through Veil, write back with parameters
            Map<Integer, String> rows = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT id, email FROM members WHERE email IS NOT NULL "
                    + "AND email_bidx IS NULL")) {
                while (rs.next()) {
                    rows.put(rs.getInt(1), rs.getString(2));
                }
            }
            try (PreparedStatement ps = veil.prepareStatement("UPDATE members SET email = ? WHERE id = ?")) {
                for (Map.Entry<Integer, String> r : rows.entrySet()) {
                    ps.setString(1, r.getValue());
                    ps.setInt(2, r.getKey());
                    ps.executeUpdate();
                }
            }
        }
        assertThat(count("SELECT count(*) FROM members WHERE email_bidx IS NULL")).isZero();
        try (Connection veil = fx.veil(); PreparedStatement ps = veil.prepareStatement(search)) {
            ps.setString(1, "m2@example.org");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void plaintextValuesAreEncryptedInPlaceWithAllowLegacyPlaintextThenReadNormally() throws SQLException {
        fx = VeilFixture.create(MigrationProcedureIT.class, "  patients:\n    ssn: {}\n    pulse: { type: int }\n");
        fx.plainExecute("CREATE TABLE patients (id int PRIMARY KEY, ssn text, pulse integer)",
                "INSERT INTO patients VALUES (1, '123-45-6789', 72), (2, '987-65-4321', 80)");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            assertThat(catchThrowableOfType(SQLException.class, () -> st.executeQuery("SELECT pulse FROM patients"))
                    .getSQLState()).isEqualTo("VE012");
        }
        // step 1 (VE012): a type that can hold ciphertext, keeping the plaintext values; through Veil, so that it
        // reads the table again (DDL run elsewhere is seen after a restart)
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            st.execute("ALTER TABLE patients ALTER COLUMN pulse TYPE text USING pulse::text");
            try (ResultSet rs = st.executeQuery("SELECT ssn FROM patients")) {
                assertThat(rs.next()).isTrue();
                assertThat(catchThrowableOfType(SQLException.class, () -> rs.getString(1)).getSQLState())
                        .isEqualTo("VE004");
            }
        }
        // step 2 (VE004): read through Veil with veil.allow-legacy-plaintext=true and write back with parameters
        try (Connection migrating = DriverManager.getConnection(fx.veilUrl() + "&veil.allow-legacy-plaintext=true",
                fx.properties()); Statement st = migrating.createStatement()) {
            Map<Integer, Object[]> rows = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT id, ssn, pulse FROM patients")) {
                while (rs.next()) {
                    rows.put(rs.getInt(1), new Object[] {rs.getString(2), rs.getObject(3)});
                }
            }
            try (PreparedStatement ps = migrating.prepareStatement(
                    "UPDATE patients SET ssn = ?, pulse = ? WHERE id = ?")) {
                for (Map.Entry<Integer, Object[]> r : rows.entrySet()) {
                    ps.setString(1, (String) r.getValue()[0]);
                    ps.setObject(2, r.getValue()[1]);
                    ps.setInt(3, r.getKey());
                    ps.executeUpdate();
                }
            }
        }
        assertThat(count("SELECT count(*) FROM patients WHERE ssn LIKE 'veil1:%' AND pulse LIKE 'veil1:%'"))
                .isEqualTo(2);
        // step 3: without the setting, the values read normally
        try (Connection veil = fx.veil(); Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn, pulse FROM patients WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("123-45-6789");
            assertThat(rs.getInt(2)).isEqualTo(72);
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
