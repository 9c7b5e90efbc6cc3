package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.codec.ValueType;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.BlindIndexSpec;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Blind index rewriting on its own (in-memory catalog, no keys): which SQL is sent, where parameters go, which
 * ones are never sent, and what is refused.
 */
class BlindIndexRewriteTest {

    private static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("people", "email", ValueType.STRING)
            .encrypt("people", "ssn", ValueType.STRING)
            .encrypt("people", "last_name", ValueType.STRING)
            .encrypt("people", "birth_date", ValueType.LOCAL_DATE)
            .encrypt("people", "note", ValueType.STRING)
            .encrypt("staff", "mail", ValueType.STRING)
            .blindIndex(new BlindIndexSpec("people", List.of("email"), null, 0, List.of(), null, null,
                    "person_email", "test"))
            .blindIndex(new BlindIndexSpec("people", List.of("ssn"), null, 16, List.of(), null, null, null, "test"))
            .blindIndex(new BlindIndexSpec("people", List.of("last_name", "birth_date"), "name_dob_bidx", 0,
                    List.of("lowercase"), null, null, null, "test"))
            .blindIndex(new BlindIndexSpec("staff", List.of("mail"), null, 0, List.of(), null, null,
                    "person_email", "test"))
            .build();

    private final SqlAnalyzerTest.FakeCatalog catalog = new SqlAnalyzerTest.FakeCatalog()
            .table("people", "id int4", "name text", "email bytea", "email_bidx bytea", "ssn bytea",
                    "ssn_bidx bytea", "last_name bytea", "birth_date bytea", "name_dob_bidx bytea", "note bytea")
            .table("staff", "id int4", "mail bytea", "mail_bidx bytea");

    private final SqlAnalyzer analyzer = new SqlAnalyzer(CONFIG, c -> null);

    private StatementPlan plan(String sql) throws SQLException {
        StatementPlan p = analyzer.plan(sql, catalog);
        p.checkAllowed();
        return p;
    }

    private SQLException refusal(String sql) throws SQLException {
        StatementPlan p = analyzer.plan(sql, catalog);
        assertThat(p.isRefused()).as("refused: %s", sql).isTrue();
        return catchThrowableOfType(SQLException.class, p::checkAllowed);
    }

    private static String sent(StatementPlan p) throws SQLException {
        return p.sqlToSend("original");
    }

    @Test
    void equalityWithParameterSearchesTheIndexAndNeverSendsTheValue() throws SQLException {
        StatementPlan p = plan("SELECT id, email FROM people WHERE email = ? AND id > ?");
        // the value under the primary key version and under the other enabled one (the primary's again normally)
        assertThat(sent(p)).isEqualTo("SELECT id, email FROM people WHERE email_bidx IN (?, ?) AND id > ?");
        ParameterMap m = p.parameterMap();
        assertThat(m.position(1)).isZero(); // the plaintext is never bound
        assertThat(m.buffered(1)).isTrue();
        assertThat(m.position(2)).isEqualTo(3);
        assertThat(m.derivedCount()).isEqualTo(2);
        assertThat(m.derivedPosition(0)).isEqualTo(1);
        assertThat(m.derivedPosition(1)).isEqualTo(2);
        assertThat(m.derivedSqlType(0)).isEqualTo(java.sql.Types.BINARY);
        assertThat(p.queriedIndexes()).extracting(i -> i.index().qualified()).containsExactly("people.email_bidx");
    }

    @Test
    void valueOnTheLeftInListsNotEqualAndNegationsAreRewritten() throws SQLException {
        assertThat(sent(plan("SELECT id FROM people p WHERE ? = p.email"))).isEqualTo(
                "SELECT id FROM people p WHERE p.email_bidx IN (?, ?)");
        StatementPlan in = plan("SELECT id FROM people WHERE email IN (?, ?, ?)");
        assertThat(sent(in)).isEqualTo("SELECT id FROM people WHERE email_bidx IN (?, ?, ?, ?, ?, ?)");
        assertThat(in.parameterMap().derivedCount()).isEqualTo(6);
        for (int i = 1; i <= 3; i++) {
            assertThat(in.parameterMap().position(i)).isZero();
        }
        assertThat(sent(plan("SELECT id FROM people WHERE email <> ? OR NOT (email NOT IN (?))"))).isEqualTo(
                "SELECT id FROM people WHERE email_bidx NOT IN (?, ?) OR NOT (email_bidx NOT IN (?, ?))");
        assertThat(sent(plan("SELECT id FROM people WHERE email IS NULL OR email = ?"))).isEqualTo(
                "SELECT id FROM people WHERE email IS NULL OR email_bidx IN (?, ?)");
    }

    @Test
    void literalsBecomeIndexLiteralsWithoutThePlaintext() throws SQLException {
        StatementPlan p = analyzer.plan("SELECT id FROM people WHERE email = 'ada@example.com'", catalog);
        assertThat(p.hasLiterals()).isTrue();
        assertThat(p.toString()).doesNotContain("ada@example.com");
    }

    @Test
    void subqueriesUpdatesAndDeletesAreRewritten() throws SQLException {
        assertThat(sent(plan("SELECT id FROM staff WHERE id IN (SELECT id FROM people WHERE email = ?)")))
                .isEqualTo("SELECT id FROM staff WHERE id IN (SELECT id FROM people WHERE email_bidx IN (?, ?))");
        assertThat(sent(plan("DELETE FROM people WHERE email = ?"))).isEqualTo(
                "DELETE FROM people WHERE email_bidx IN (?, ?)");
        StatementPlan u = plan("UPDATE people SET name = ? WHERE email = ? AND id = ?");
        assertThat(sent(u)).isEqualTo("UPDATE people SET name = ? WHERE email_bidx IN (?, ?) AND id = ?");
        assertThat(u.parameterMap().position(1)).isEqualTo(1);
        assertThat(u.parameterMap().position(3)).isEqualTo(4);
    }

    @Test
    void writesFillTheCompanionColumnAndMoveLaterParameters() throws SQLException {
        StatementPlan p = plan("INSERT INTO people (id, email) VALUES (?, ?), (?, ?)");
        assertThat(sent(p)).isEqualTo("INSERT INTO people (id, email, email_bidx) VALUES (?, ?, ?), (?, ?, ?)");
        ParameterMap m = p.parameterMap();
        assertThat(m.position(2)).isEqualTo(2);
        assertThat(m.position(3)).isEqualTo(4);
        assertThat(m.derivedPosition(0)).isEqualTo(3);
        assertThat(m.derivedPosition(1)).isEqualTo(6);
        assertThat(column(p.parameter(2))).isEqualTo("people.email");

        StatementPlan u = plan("UPDATE people SET email = ? WHERE id = ?");
        assertThat(sent(u)).isEqualTo("UPDATE people SET email = ?, email_bidx = ? WHERE id = ?");
        assertThat(u.parameterMap().position(2)).isEqualTo(3);
        // a companion value from constants is a derived parameter too: prepared with ?, executed as a literal
        StatementPlan nul = plan("UPDATE people SET email = NULL WHERE id = ?");
        assertThat(sent(nul)).isEqualTo("UPDATE people SET email = NULL, email_bidx = ? WHERE id = ?");
        assertThat(nul.parameterMap().derivedSqlType(0)).isEqualTo(java.sql.Types.BINARY);
        StatementPlan literal = plan("UPDATE people SET email = NULL WHERE id = 1");
        assertThat(literal.sqlToExecute("original")).isEqualTo(
                "UPDATE people SET email = NULL, email_bidx = NULL WHERE id = 1");
    }

    @Test
    void upsertConflictsOnTheIndexAndCopiesItFromExcluded() throws SQLException {
        assertThat(sent(plan("INSERT INTO people (id, email) VALUES (?, ?) ON CONFLICT (email) DO UPDATE SET "
                + "email = EXCLUDED.email"))).isEqualTo("INSERT INTO people (id, email, email_bidx) VALUES (?, ?, ?) "
                        + "ON CONFLICT (email_bidx) DO UPDATE SET email = EXCLUDED.email, email_bidx = "
                        + "EXCLUDED.email_bidx");
    }

    @Test
    void compoundIndexReplacesTheEqualitiesOnAllItsParts() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE last_name = ? AND id > ? AND birth_date = ?");
        assertThat(sent(p)).isEqualTo("SELECT id FROM people WHERE name_dob_bidx IN (?, ?) AND id > ?");
        ParameterMap m = p.parameterMap();
        assertThat(m.position(1)).isZero();
        assertThat(m.position(2)).isEqualTo(3);
        assertThat(m.position(3)).isZero();
        assertThat(m.derivedPosition(0)).isEqualTo(1);
        assertThat(m.derivedPosition(1)).isEqualTo(2);
        assertThat(sent(plan("INSERT INTO people (last_name, birth_date) VALUES (?, ?)"))).isEqualTo(
                "INSERT INTO people (last_name, birth_date, name_dob_bidx) VALUES (?, ?, ?)");
        assertThat(refusal("UPDATE people SET last_name = ? WHERE id = ?").getMessage())
                .contains("only some columns of compound blind index people.name_dob_bidx");
        // under NOT a row with a NULL part (no index value) would turn false into unknown and be missed
        for (String sql : List.of("SELECT id FROM people WHERE NOT (last_name = ? AND birth_date = ?)",
                "SELECT id FROM people WHERE id = 1 OR NOT (id > 2 AND last_name = ? AND birth_date = ?)")) {
            SQLException e = refusal(sql);
            assertThat(e.getSQLState()).isEqualTo("VE010");
            assertThat(e.getMessage()).contains("people.last_name", "compound index people.name_dob_bidx under NOT");
        }
    }

    @Test
    void joinsCompareIndexesOfOneDomain() throws SQLException {
        assertThat(sent(plan("SELECT p.id FROM people p JOIN staff s ON p.email = s.mail")))
                .isEqualTo("SELECT p.id FROM people p JOIN staff s ON p.email_bidx = s.mail_bidx");
        SQLException e = refusal("SELECT p.id FROM people p JOIN staff s ON p.ssn = s.mail");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("people.ssn", "staff.mail", "domain");
    }

    @Test
    void groupByAndCountDistinctGoThroughAnExactIndex() throws SQLException {
        StatementPlan p = plan("SELECT email, count(*) FROM people GROUP BY email");
        assertThat(sent(p)).isEqualTo("SELECT (array_agg(email))[1] AS email, count(*) FROM people GROUP BY email_bidx");
        assertThat(column(p.result().target(1))).isEqualTo("people.email");
        assertThat(sent(plan("SELECT count(DISTINCT email) FROM people"))).isEqualTo(
                "SELECT count(DISTINCT email_bidx) FROM people");
        assertThat(refusal("SELECT ssn FROM people GROUP BY ssn").getMessage()).contains("exact blind index");
    }

    @Test
    void truncatedIndexPostFiltersPlainSelectsWithAHiddenColumn() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE ssn = ?");
        assertThat(sent(p)).isEqualTo("SELECT id, ssn AS veil_filter_1 FROM people WHERE ssn_bidx IN (?, ?)");
        assertThat(p.result().hidden()).isEqualTo(1);
        assertThat(p.result().filters()).hasSize(1);
        for (String sql : List.of("SELECT id FROM people WHERE ssn = ? LIMIT 1",
                "SELECT id FROM people WHERE ssn <> ?", "SELECT id FROM people WHERE ssn = ? OR id = 1",
                "SELECT count(*) FROM people WHERE ssn = ?", "UPDATE people SET name = 'x' WHERE ssn = ?",
                "DELETE FROM people WHERE ssn IN (?)", "SELECT id FROM staff WHERE id IN (SELECT id FROM people "
                        + "WHERE ssn = ?)")) {
            SQLException e = refusal(sql);
            assertThat(e.getSQLState()).as(sql).isEqualTo("VE010");
            assertThat(e.getMessage()).as(sql).contains("truncated to 16 bits", "bits: 128 or more");
        }
    }

    @Test
    void starHidesCompanionColumns() throws SQLException {
        StatementPlan p = plan("SELECT * FROM people WHERE id = ?");
        assertThat(sent(p)).isEqualTo("SELECT people.id, people.name, people.email, people.ssn, people.last_name, "
                + "people.birth_date, people.note FROM people WHERE id = ?");
        assertThat(sent(plan("SELECT p.*, s.* FROM people p JOIN staff s ON s.id = p.id"))).isEqualTo(
                "SELECT p.id, p.name, p.email, p.ssn, p.last_name, p.birth_date, p.note, s.id, s.mail FROM people p "
                        + "JOIN staff s ON s.id = p.id");
    }

    @Test
    void missingCompanionColumnIsRefusedWithItsDdl() throws SQLException {
        catalog.table("staff", "id int4", "mail bytea");
        SQLException e = refusal("SELECT id FROM staff WHERE mail = ?");
        assertThat(e.getSQLState()).isEqualTo("VE012");
        assertThat(e.getMessage()).contains("ALTER TABLE staff ADD COLUMN mail_bidx bytea; CREATE INDEX staff_mail_bidx_idx ON staff "
                + "(mail_bidx);");
        assertThat(refusal("INSERT INTO staff (id, mail) VALUES (1, ?) ON CONFLICT (mail) DO NOTHING").getMessage())
                .contains("CREATE UNIQUE INDEX");
    }

    @Test
    void otherUsesStayRefused() throws SQLException {
        for (String sql : List.of("SELECT id FROM people WHERE note = ?", "SELECT id FROM people WHERE email < ?",
                "SELECT id FROM people WHERE email LIKE ?", "SELECT id FROM people ORDER BY email",
                "SELECT id FROM people WHERE upper(email) = ?", "SELECT DISTINCT email FROM people",
                "INSERT INTO people (email) SELECT mail FROM staff",
                "SELECT id FROM (SELECT id, email FROM people) x WHERE x.email = ?")) {
            assertThat(refusal(sql).getSQLState()).as(sql).isEqualTo("VE010");
        }
    }

    @Test
    void aColumnInItsMigrationWindowAlsoComparesThePlaintextOfRowsWithoutIndexValue() throws SQLException {
        VeilConfig window = VeilConfig.builder().masterKey("local-keyset:/nonexistent/keyset.json")
                .encrypt("members", "email", ValueType.STRING).encrypt("members", "nick", ValueType.STRING)
                .encrypt("members", "phone", ValueType.STRING)
                .blindIndex(BlindIndexSpec.of("members", "email", "test"))
                .blindIndex(new BlindIndexSpec("members", List.of("nick"), null, 0, List.of("lowercase"), null, null,
                        null, "test"))
                .blindIndex(BlindIndexSpec.of("members", "phone", "test"))
                .legacyPlaintextColumns(List.of("members.email", "members.nick"), "test").build();
        SqlAnalyzerTest.FakeCatalog c = new SqlAnalyzerTest.FakeCatalog().table("members", "id int4", "email text",
                "email_bidx bytea", "nick text", "nick_bidx bytea", "phone text", "phone_bidx bytea");
        SqlAnalyzer a = new SqlAnalyzer(window, x -> null);
        StatementPlan eq = a.plan("SELECT id FROM members WHERE email = ?", c);
        assertThat(sent(eq)).isEqualTo("SELECT id FROM members WHERE ((email_bidx IN (?, ?) AND email_bidx IS NOT "
                + "NULL) OR (email_bidx IS NULL AND email NOT LIKE 'veil1:%' AND email = ?))");
        assertThat(eq.parameterMap().position(1)).isZero();
        assertThat(eq.parameterMap().derivedSqlType(2)).isEqualTo(java.sql.Types.VARCHAR);
        assertThat(sent(a.plan("SELECT id FROM members WHERE email NOT IN (?, ?)", c))).isEqualTo(
                "SELECT id FROM members WHERE NOT ((email_bidx IN (?, ?, ?, ?) AND email_bidx IS NOT NULL) OR "
                        + "(email_bidx IS NULL AND email NOT LIKE 'veil1:%' AND email IN (?, ?)))");
        assertThat(sent(a.plan("SELECT id FROM members WHERE nick IN (?, ?)", c))).isEqualTo(
                "SELECT id FROM members WHERE ((nick_bidx IN (?, ?, ?, ?) AND nick_bidx IS NOT NULL) OR "
                        + "(nick_bidx IS NULL AND nick NOT LIKE 'veil1:%' AND (nick ~ ? OR nick ~ ?)))");
        // a column outside the window: a plain index search, its value never sent
        assertThat(sent(a.plan("SELECT id FROM members WHERE phone = ?", c))).isEqualTo(
                "SELECT id FROM members WHERE phone_bidx IN (?, ?)");
        StatementPlan g = a.plan("SELECT count(*) FROM members GROUP BY email", c);
        SQLException e = catchThrowableOfType(SQLException.class, g::checkAllowed);
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("members.email", "migration window", "GROUP BY members.email",
                "after the column is converted");
    }

    private static String column(Target t) {
        return t == null ? null : t.column().qualified();
    }
}
