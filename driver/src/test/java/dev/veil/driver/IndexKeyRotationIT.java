package dev.veil.driver;

import static dev.veil.testing.Ids.ids;
import static dev.veil.testing.Ids.statementIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.IndexKeyVersions;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An online index-key rotation against PostgreSQL, phase by phase: a second enabled PRF version is added to the
 * keysets in the key table, then made primary (new writes are indexed under it), rows are re-indexed, the old
 * version is disabled. At every moment searches through the indexes — parameters, literals, IN lists, {@code <>},
 * compound indexes, statements prepared before the change — find the rows indexed under either version; the
 * constructs that compare stored index values (a join through a join domain, GROUP BY, count(DISTINCT),
 * ON CONFLICT) are refused while two versions are enabled, and work again after.
 */
class IndexKeyRotationIT {

    private static final String YAML = """
              people:
                email: { type: string, blind-index: { name: email_bidx, domain: person_email } }
                last_name: { type: string }
                birth_date: { type: local-date }
                indexes:
                  name_dob_bidx: { columns: [last_name, birth_date] }
              staff:
                mail: { type: string, blind-index: { name: mail_bidx, domain: person_email } }
              accounts:
                login: { type: string, blind-index: login_bidx }
            """;

    static final LocalDate BORN = LocalDate.of(1815, 12, 10);
    static final String ADA = "ada@example.com";
    static final String BOB = "bob@example.com";

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(IndexKeyRotationIT.class, YAML);
        fx.plainExecute("CREATE TABLE people (id int PRIMARY KEY, email bytea, email_bidx bytea, last_name bytea, "
                        + "birth_date bytea, name_dob_bidx bytea)",
                "CREATE TABLE staff (id int PRIMARY KEY, mail bytea, mail_bidx bytea)",
                "CREATE TABLE accounts (id int PRIMARY KEY, login bytea, login_bidx bytea)",
                "CREATE UNIQUE INDEX ON accounts (login_bidx)");
    }

    @AfterAll
    static void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static KeyScope scope(VeilRuntime rt, String index) {
        return rt.config().blindIndexes().stream().filter(i -> i.qualified().equals(index)).findFirst().orElseThrow()
                .definition().keyScope();
    }

    private static void person(Connection veil, int id, String email) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO people (id, email, last_name, birth_date) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, "
                + "last_name = EXCLUDED.last_name, birth_date = EXCLUDED.birth_date")) {
            ps.setInt(1, id);
            ps.setString(2, email);
            ps.setString(3, "Lovelace");
            ps.setObject(4, BORN);
            ps.executeUpdate();
        }
    }

    private static byte[] stored(String sql) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    private static void refusedWhileReKeyed(SQLException e, String index) {
        assertThat((Object) e).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("blind index " + index + " is being re-keyed", "veil rotate index-key")
                .doesNotContain(ADA);
    }

    @Test
    void searchesFindRowsIndexedUnderEitherVersionThroughoutTheRotation() throws Exception {
        try (Connection veil = fx.veil();
                IndexKeyVersions keys = new IndexKeyVersions("local-keyset:" + fx.masterKeyFile(),
                        fx.database().name(), fx::plain)) {
            VeilRuntime rt = ((VeilConnection) veil).runtime();
            KeyScope email = scope(rt, "people.email_bidx");
            KeyScope compound = scope(rt, "people.name_dob_bidx");
            KeyScope login = scope(rt, "accounts.login_bidx");
            person(veil, 1, ADA);
            person(veil, 2, BOB);
            try (PreparedStatement ps = veil.prepareStatement("INSERT INTO staff (id, mail) VALUES (1, ?)")) {
                ps.setString(1, ADA);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = veil.prepareStatement("INSERT INTO accounts (id, login) VALUES (1, ?)")) {
                ps.setString(1, ADA);
                ps.executeUpdate();
            }
            // prepared before any key change, executed after each
            PreparedStatement byEmail = veil.prepareStatement("SELECT id FROM people WHERE email = ? ORDER BY id");
            PreparedStatement byEmails = veil.prepareStatement("SELECT id FROM people WHERE email IN (?, ?) "
                    + "ORDER BY id");
            PreparedStatement literal = veil.prepareStatement("SELECT id FROM people WHERE email = '" + ADA
                    + "' ORDER BY id");
            PreparedStatement notAda = veil.prepareStatement("SELECT id FROM people WHERE email <> ? ORDER BY id");
            PreparedStatement byNameDob = veil.prepareStatement("SELECT id FROM people WHERE last_name = ? AND "
                    + "birth_date = ? ORDER BY id");
            PreparedStatement join = veil.prepareStatement("SELECT p.id FROM people p JOIN staff s ON p.email = s.mail "
                    + "ORDER BY p.id");
            PreparedStatement distinct = veil.prepareStatement("SELECT count(DISTINCT email) FROM people");
            PreparedStatement upsert = veil.prepareStatement("INSERT INTO accounts (id, login) VALUES (?, ?) "
                    + "ON CONFLICT (login) DO NOTHING");
            PreparedStatement byAny = veil.prepareStatement("SELECT id FROM people WHERE email = ANY(?) ORDER BY id");
            PreparedStatement notAll = veil.prepareStatement("SELECT id FROM people WHERE email <> ALL(?) ORDER BY id");
            PreparedStatement notDistinct = veil.prepareStatement("SELECT id FROM people WHERE email IS NOT DISTINCT "
                    + "FROM ? ORDER BY id");
            PreparedStatement inStaff = veil.prepareStatement("SELECT id FROM people WHERE email IN (SELECT mail "
                    + "FROM staff) ORDER BY id");
            long v1 = keys.primary(email);
            long c1 = keys.primary(compound);

            // phase 1: a second version enabled beside the primary; writes still use the old key
            long v2 = keys.addEnabledVersion(email);
            long c2 = keys.addEnabledVersion(compound);
            long l2 = keys.addEnabledVersion(login);
            rt.keys().invalidateAll(); // what the key cache's refresh does within its TTL
            person(veil, 3, ADA);
            assertThat(ids(byEmail, ADA)).containsExactly(1, 3);

            // phase 2: the new version primary; new writes are indexed under it
            keys.makePrimary(email, v2);
            keys.makePrimary(compound, c2);
            keys.makePrimary(login, l2);
            rt.keys().invalidateAll();
            person(veil, 4, ADA);
            person(veil, 5, BOB);
            assertThat(stored("SELECT email_bidx FROM people WHERE id = 4"))
                    .as("two versions are really in use")
                    .isNotEqualTo(stored("SELECT email_bidx FROM people WHERE id = 1"));
            assertThat(stored("SELECT name_dob_bidx FROM people WHERE id = 4"))
                    .isNotEqualTo(stored("SELECT name_dob_bidx FROM people WHERE id = 1"));

            assertThat(ids(byEmail, ADA)).containsExactly(1, 3, 4);
            assertThat(ids(byEmails, ADA, BOB)).containsExactly(1, 2, 3, 4, 5);
            assertThat(ids(literal)).containsExactly(1, 3, 4);
            assertThat(statementIds(veil, "SELECT id FROM people WHERE email = '" + ADA + "' ORDER BY id"))
                    .containsExactly(1, 3, 4);
            assertThat(statementIds(veil, "SELECT id FROM people WHERE email IN ('" + BOB + "') ORDER BY id"))
                    .containsExactly(2, 5);
            assertThat(ids(notAda, ADA)).containsExactly(2, 5);
            // the other search forms look under both versions too; a subquery comparing index values is refused
            assertThat(ids(byAny, (Object) new String[] {ADA, BOB})).containsExactly(1, 2, 3, 4, 5);
            assertThat(ids(notAll, (Object) new String[] {BOB})).containsExactly(1, 3, 4);
            assertThat(ids(notDistinct, ADA)).containsExactly(1, 3, 4);
            assertThat(statementIds(veil, "SELECT id FROM people WHERE (email, id) IN (('" + ADA + "', 4), ('" + BOB
                    + "', 2)) ORDER BY id")).containsExactly(2, 4);
            refusedWhileReKeyed(catchThrowableOfType(SQLException.class, inStaff::executeQuery), "people.email_bidx");
            assertThat(ids(byNameDob, "Lovelace", BORN)).containsExactly(1, 2, 3, 4, 5);
            try (PreparedStatement ps = veil.prepareStatement("UPDATE people SET last_name = ?, birth_date = ? "
                    + "WHERE email = ?")) {
                ps.setString(1, "Lovelace");
                ps.setObject(2, BORN);
                ps.setString(3, BOB);
                assertThat(ps.executeUpdate()).as("UPDATE … WHERE through the index").isEqualTo(2);
            }

            // what compares stored index values with each other is refused, at execution, before anything is sent
            refusedWhileReKeyed(catchThrowableOfType(SQLException.class, join::executeQuery), "people.email_bidx");
            refusedWhileReKeyed(catchThrowableOfType(SQLException.class, distinct::executeQuery), "people.email_bidx");
            refusedWhileReKeyed(catchThrowableOfType(SQLException.class, () -> statementIds(veil,
                    "SELECT count(*) FROM people GROUP BY email")), "people.email_bidx");
            upsert.setInt(1, 2);
            upsert.setString(2, ADA);
            refusedWhileReKeyed(catchThrowableOfType(SQLException.class, upsert::executeUpdate), "accounts.login_bidx");

            // a third enabled version: a search would look under two only, so it is refused instead
            long v3 = keys.addEnabledVersion(email);
            rt.keys().invalidateAll();
            SQLException three = catchThrowableOfType(SQLException.class, () -> ids(byEmail, ADA));
            assertThat(three.getSQLState()).isEqualTo("VE010");
            assertThat(three.getMessage()).contains("people.email_bidx", "3 enabled key versions");

            // finish: re-index the old rows under the new key, disable the other versions
            try (KeyAdministration admin = KeyRing.builder().masterKey("local-keyset:" + fx.masterKeyFile())
                    .database(fx.database().name()).connections(fx::plain).buildAdministration()) {
                admin.disableVersion(email, v3);
                rt.keys().invalidateAll();
                for (int id : List.of(1, 2, 3)) {
                    person(veil, id, id == 2 ? BOB : ADA);
                }
                try (PreparedStatement ps = veil.prepareStatement("UPDATE staff SET mail = ? WHERE id = 1")) {
                    ps.setString(1, ADA);
                    ps.executeUpdate();
                }
                admin.disableVersion(email, v1);
                admin.disableVersion(compound, c1);
            }
            rt.keys().invalidateAll();
            assertThat(ids(byEmail, ADA)).containsExactly(1, 3, 4);
            assertThat(ids(join)).containsExactly(1, 3, 4);
            assertThat(ids(inStaff)).containsExactly(1, 3, 4);
            assertThat(ids(byAny, (Object) new String[] {ADA})).containsExactly(1, 3, 4);
            assertThat(ids(byNameDob, "Lovelace", BORN)).containsExactly(1, 2, 3, 4, 5);
            try (ResultSet rs = distinct.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            for (PreparedStatement ps : Arrays.asList(byEmail, byEmails, literal, notAda, byNameDob, join, distinct,
                    upsert, byAny, notAll, notDistinct, inStaff)) {
                ps.close();
            }
        }
    }
}
