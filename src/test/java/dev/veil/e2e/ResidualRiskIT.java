package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Veil does not detect or prevent, demonstrated: the residual risks that docs/threat-model.md lists. Each test
 * shows a limit as it is today, so a change that closes one (row binding, say) fails its test and the threat model
 * must change with it. "Raw" means a plain pgjdbc connection: the database administrator, or the database itself.
 */
class ResidualRiskIT {

    static VeilFixture fx;
    static Connection veil;
    static Connection raw;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(ResidualRiskIT.class, """
                  patients:
                    ssn: {}
                    email: { type: string, blind-index: email_bidx }
                    phone: { type: string, blind-index: { name: phone_bidx, bits: 16 } }
                  unguarded:
                    ssn: {}
                """);
        fx.plainExecute(
                "CREATE TABLE patients (id int PRIMARY KEY, name text, ssn text, email bytea, email_bidx bytea, "
                        + "phone bytea, phone_bidx bytea)",
                // the database-side backstop of docs/what-veil-sees.md on patients.ssn, none on unguarded.ssn
                "ALTER TABLE patients ADD CONSTRAINT patients_ssn_veil CHECK (ssn IS NULL OR ssn LIKE 'veil1:%')",
                "CREATE TABLE unguarded (id int PRIMARY KEY, ssn text)",
                // views created around Veil: it reads them from the catalog (docs/what-veil-sees.md §9)
                "CREATE VIEW patients_v AS SELECT id, name, ssn FROM patients",
                "CREATE VIEW unguarded_v AS SELECT id, ssn FROM unguarded",
                // server-side code whose SQL Veil cannot see: the table name arrives as an argument
                "CREATE FUNCTION put(t text, k int, v text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
                        + "EXECUTE format('INSERT INTO %I (id, ssn) VALUES ($1, $2)', t) USING k, v; END $$");
        veil = fx.veil();
        raw = fx.plain();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        raw.close();
        fx.close();
    }

    static void insert(int id, String ssn, String email, String phone) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement(
                "INSERT INTO patients (id, name, ssn, email, phone) VALUES (?, ?, ?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, "p" + id);
            ps.setString(3, ssn);
            ps.setString(4, email);
            ps.setString(5, phone);
            ps.executeUpdate();
        }
    }

    /** What the database holds for a row: column name → raw value (text, or hex of bytea). */
    static Map<String, String> stored(int id) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT ssn, encode(email, 'hex'), encode(email_bidx, 'hex'), encode(phone_bidx, 'hex') "
                        + "FROM patients WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            out.put("ssn", rs.getString(1));
            out.put("email", rs.getString(2));
            out.put("email_bidx", rs.getString(3));
            out.put("phone_bidx", rs.getString(4));
        }
        return out;
    }

    static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    @Test
    void rewritingTheSameValueGivesAFreshCiphertextButTheIndexShowsTheValueDidNotChange() throws SQLException {
        insert(1, "111-11-1111", "ada@example.com", "555-0101");
        Map<String, String> before = stored(1);
        try (PreparedStatement ps = veil.prepareStatement("UPDATE patients SET ssn = ?, email = ? WHERE id = 1")) {
            ps.setString(1, "111-11-1111");
            ps.setString(2, "ada@example.com");
            ps.executeUpdate();
        }
        Map<String, String> same = stored(1);
        assertThat(same.get("ssn")).as("a rewrite is a fresh ciphertext").isNotEqualTo(before.get("ssn"));
        assertThat(same.get("email")).isNotEqualTo(before.get("email"));
        assertThat(same.get("email_bidx")).as("the index value reveals that the value stayed the same")
                .isEqualTo(before.get("email_bidx"));
        try (PreparedStatement ps = veil.prepareStatement("UPDATE patients SET email = ? WHERE id = 1")) {
            ps.setString(1, "ada@elsewhere.example");
            ps.executeUpdate();
        }
        assertThat(stored(1).get("email_bidx")).as("and that it changed").isNotEqualTo(before.get("email_bidx"));
    }

    @Test
    void aRowsOlderCiphertextWrittenBackByTheDatabaseDecryptsAsTheOlderValue() throws SQLException {
        insert(2, "222-22-2222", "old@example.com", "555-0202");
        String old = stored(2).get("ssn");
        try (PreparedStatement ps = veil.prepareStatement("UPDATE patients SET ssn = ? WHERE id = 2")) {
            ps.setString(1, "999-99-9999");
            ps.executeUpdate();
        }
        try (PreparedStatement ps = raw.prepareStatement("UPDATE patients SET ssn = ? WHERE id = 2")) {
            ps.setString(1, old); // a replay: the row's own earlier ciphertext
            ps.executeUpdate();
        }
        assertThat(rows("SELECT ssn FROM patients WHERE id = 2")).as("not detected: no row binding, no freshness")
                .containsExactly("222-22-2222");
    }

    @Test
    void aStatementThroughVeilCanCopyAnEncryptedValueToAnotherRowOfTheSameColumn() throws SQLException {
        insert(3, "333-33-3333", "three@example.com", "555-0303");
        insert(4, "444-44-4444", "four@example.com", "555-0404");
        try (Statement st = veil.createStatement()) {
            assertThat(st.executeUpdate(
                    "UPDATE patients p SET ssn = o.ssn FROM patients o WHERE p.id = 4 AND o.id = 3")).isEqualTo(1);
        }
        assertThat(rows("SELECT ssn FROM patients WHERE id = 4")).as("the ciphertext is copied as it is")
                .containsExactly("333-33-3333");
    }

    @Test
    void anIndexValueCopiedToAnotherRowMakesAnExactSearchReturnThatRowButATruncatedSearchDropsIt()
            throws SQLException {
        insert(5, "555-55-5555", "five@example.com", "555-0505");
        insert(6, "666-66-6666", "six@example.com", "555-0606");
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("UPDATE patients SET email_bidx = (SELECT email_bidx FROM patients WHERE id = 5), "
                    + "phone_bidx = (SELECT phone_bidx FROM patients WHERE id = 5) WHERE id = 6");
        }
        try (PreparedStatement ps = veil.prepareStatement(
                "SELECT id, email FROM patients WHERE email = ? ORDER BY id")) {
            ps.setString(1, "five@example.com");
            List<String> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getInt(1) + "|" + rs.getString(2));
                }
            }
            assertThat(found).as("an exact index is trusted: row 6 comes back though its email differs")
                    .containsExactly("5|five@example.com", "6|six@example.com");
        }
        try (PreparedStatement ps = veil.prepareStatement("SELECT id, phone FROM patients WHERE phone = ?")) {
            ps.setString(1, "555-0505");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(5);
                assertThat(rs.next()).as("a truncated index is post-filtered after decryption").isFalse();
            }
        }
    }

    @Test
    void aWriteThroughServerSideCodeVeilCannotSeeStoresPlaintextUnlessTheBackstopRejectsIt() throws SQLException {
        // a view over an encrypted column is known from the catalog: a write through it is refused
        SQLException view = catchThrowableOfType(SQLException.class, () -> {
            try (Statement st = veil.createStatement()) {
                st.executeUpdate("INSERT INTO unguarded_v (id, ssn) VALUES (1, '777-77-7777')");
            }
        });
        assertThat(view.getSQLState()).isEqualTo("VE010");
        // dynamic SQL inside a function names the table only at run time: Veil sees neither the table nor a value
        try (Statement st = veil.createStatement()) {
            st.executeQuery("SELECT put('unguarded', 1, '777-77-7777')").close();
        }
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery("SELECT ssn FROM unguarded")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("Veil did not see the encrypted table behind the function")
                    .isEqualTo("777-77-7777");
        }
        SQLException e = catchThrowableOfType(SQLException.class, () -> {
            try (Statement st = veil.createStatement()) {
                st.executeQuery("SELECT put('patients', 7, '777-77-7777')").close();
            }
        });
        assertThat((Object) e).as("the backstop on the table behind the function").isNotNull();
        assertThat(e.getSQLState()).isEqualTo("23514");
    }

    /** The application builds {@code SELECT id, name FROM patients WHERE name = '<input>'}: a classic injection. */
    static String lookupByName(String input) {
        return "SELECT id, name FROM patients WHERE name = '" + input + "'";
    }

    @Test
    void anInjectionThroughTheApplicationsConnectionCanUseTheIndexAsAnOracleButNotExfiltrateThroughPlainColumns()
            throws SQLException {
        insert(8, "888-88-8888", "eight@example.com", "555-0808");
        // an equality oracle: the injected condition goes through the blind index like any search
        assertThat(rows(lookupByName("nobody' OR email = 'eight@example.com"))).containsExactly("8|p8");
        assertThat(rows(lookupByName("nobody' OR email = 'guess@example.com"))).isEmpty();
        // what would move an encrypted value into a plain output, an error message or another statement is refused
        for (String input : List.of(
                "nobody' UNION ALL SELECT id, ssn FROM patients --",
                "nobody' AND CAST(ssn AS int) = 1 --",
                "nobody' OR ssn LIKE '8%",
                "nobody'; UPDATE patients SET name = 'x' WHERE ssn IS NOT NULL --",
                "nobody' OR length(email) > 40 --")) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> rows(lookupByName(input)));
            assertThat((Object) e).as("refused: %s", input).isNotNull();
            assertThat(e.getSQLState()).as(input).startsWith("VE01");
        }
        // an injection into a query that already selects an encrypted column reads every row, decrypted
        assertThat(rows("SELECT id, ssn FROM patients WHERE name = 'nobody' OR '1' = '1' ORDER BY id"))
                .contains("8|888-88-8888");
    }
}
