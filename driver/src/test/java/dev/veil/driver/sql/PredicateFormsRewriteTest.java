package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.codec.ValueType;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The predicate forms beyond {@code =}/{@code IN} on their own (in-memory catalog, no keys): the SQL sent, where
 * the parameters go (the compared plaintext never), and what is refused. Their results against PostgreSQL:
 * {@code CorpusPredicatesIT}.
 */
class PredicateFormsRewriteTest {

    private static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("people", "email", ValueType.STRING)
            .encrypt("people", "ssn", ValueType.STRING)
            .encrypt("people", "nick", ValueType.STRING)
            .encrypt("people", "age", ValueType.INT)
            .encrypt("staff", "mail", ValueType.STRING)
            .blindIndex(new BlindIndexSpec("people", List.of("email"), null, 0, List.of(), null, null,
                    "person_email", "test"))
            .blindIndex(new BlindIndexSpec("people", List.of("ssn"), null, 16, List.of(), null, null, null, "test"))
            .blindIndex(new BlindIndexSpec("people", List.of("nick"), null, 0, List.of("trim", "lowercase"), null,
                    null, null, "test"))
            .blindIndex(new BlindIndexSpec("people", List.of("age"), null, 0, List.of(), null, null, null, "test"))
            .blindIndex(new BlindIndexSpec("staff", List.of("mail"), null, 0, List.of(), null, null,
                    "person_email", "test"))
            .build();

    private final SqlAnalyzerTest.FakeCatalog catalog = new SqlAnalyzerTest.FakeCatalog()
            .table("people", "id int4", "grp int4", "email bytea", "email_bidx bytea", "ssn bytea", "ssn_bidx bytea",
                    "nick bytea", "nick_bidx bytea", "age bytea", "age_bidx bytea")
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

    private String sent(String sql) throws SQLException {
        return plan(sql).sqlToSend("original");
    }

    @Test
    void anArrayParameterBecomesOneArrayOfIndexValuesAndIsNeverSent() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE grp = ? AND email = ANY(?) AND id < ?");
        assertThat(p.sqlToSend("original")).isEqualTo(
                "SELECT id FROM people WHERE grp = ? AND email_bidx = ANY(?) AND id < ?");
        ParameterMap m = p.parameterMap();
        assertThat(m.position(1)).isEqualTo(1);
        assertThat(m.position(2)).isZero();
        assertThat(m.buffered(2)).isTrue();
        assertThat(m.arrayParameter(2)).isTrue();
        assertThat(m.arrayParameter(1)).isFalse();
        assertThat(m.position(3)).isEqualTo(3);
        assertThat(m.derivedCount()).isEqualTo(1);
        assertThat(m.derivedPosition(0)).isEqualTo(2);
        assertThat(m.derivedSqlType(0)).isEqualTo(Types.ARRAY);
        assertThat(sent("SELECT id FROM people WHERE email <> ALL(?::text[])")).isEqualTo(
                "SELECT id FROM people WHERE email_bidx <> ALL(?)");
        assertThat(sent("SELECT id FROM people WHERE email = SOME(CAST(? AS varchar[]))")).isEqualTo(
                "SELECT id FROM people WHERE email_bidx = ANY(?)");
        assertThat(sent("SELECT id FROM people WHERE NOT email = ANY(?)")).isEqualTo(
                "SELECT id FROM people WHERE NOT email_bidx = ANY(?)");
    }

    @Test
    void anArrayConstructorIsTheInListItMeans() throws SQLException {
        assertThat(sent("SELECT id FROM people WHERE email = ANY(ARRAY[?, ?])")).isEqualTo(
                "SELECT id FROM people WHERE email_bidx IN (?, ?, ?, ?)");
        assertThat(sent("SELECT id FROM people WHERE email <> ALL(ARRAY[?, NULL])")).isEqualTo(
                "SELECT id FROM people WHERE email_bidx NOT IN (?, ?, ?, ?)");
    }

    @Test
    void aTruncatedIndexPostFiltersAnArrayAtTopLevelOnly() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE ssn = ANY(?)");
        assertThat(p.sqlToSend("original")).isEqualTo(
                "SELECT id, ssn AS veil_filter_1 FROM people WHERE ssn_bidx = ANY(?)");
        assertThat(p.result().filters()).hasSize(1);
        assertThat(refusal("SELECT id FROM people WHERE ssn <> ALL(?)").getMessage()).contains("people.ssn",
                "a negation (<> ALL)");
        assertThat(refusal("SELECT id FROM people WHERE ssn = ANY(?) LIMIT 1").getMessage()).contains("LIMIT");
    }

    @Test
    void quantifiersThatWouldCompareWithTheOtherKeyVersionAreRefused() throws SQLException {
        for (String sql : List.of("SELECT id FROM people WHERE email <> ANY(?)",
                "SELECT id FROM people WHERE email = ALL(?)", "SELECT id FROM people WHERE email = ANY('{a,b}')",
                "SELECT id FROM people WHERE email = ANY(?::int[])", "SELECT id FROM people WHERE email = \"any\"(?)",
                "SELECT id FROM people WHERE email = pg_catalog.any(?)")) {
            SQLException e = refusal(sql);
            assertThat(e.getSQLState()).as(sql).isIn("VE010", "VE011");
        }
        assertThat(refusal("SELECT id FROM people WHERE email <> ANY(?)").getMessage()).contains("people.email",
                "= ANY(?)", "<> ALL(?)");
    }

    @Test
    void rowValuesAreWrittenOutMemberByMember() throws SQLException {
        assertThat(sent("SELECT id FROM people WHERE (email, grp) = (?, ?)")).isEqualTo(
                "SELECT id FROM people WHERE (email_bidx IN (?, ?) AND grp = ?)");
        assertThat(sent("SELECT id FROM people WHERE (email, grp) <> (?, ?)")).isEqualTo(
                "SELECT id FROM people WHERE (email_bidx NOT IN (?, ?) OR grp <> ?)");
        assertThat(sent("SELECT id FROM people WHERE (email, grp) IN ((?, ?), (?, ?))")).isEqualTo(
                "SELECT id FROM people WHERE ((email_bidx IN (?, ?) AND grp = ?) OR (email_bidx IN (?, ?) AND grp = ?))");
        assertThat(sent("SELECT id FROM people WHERE (email, grp) NOT IN ((?, ?))")).isEqualTo(
                "SELECT id FROM people WHERE (NOT ((email_bidx IN (?, ?) AND grp = ?)))");
        assertThat(sent("SELECT id FROM people WHERE (id, grp) = (?, ?)")).as("no encrypted member: unchanged")
                .isEqualTo("original");
    }

    @Test
    void nullSafeEqualityComparesTheIndexNullSafelyUnderEachKeyVersion() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE email IS NOT DISTINCT FROM ?");
        assertThat(p.sqlToSend("original")).isEqualTo("SELECT id FROM people WHERE (email_bidx IS NOT DISTINCT FROM ? "
                + "OR email_bidx IS NOT DISTINCT FROM ?)");
        assertThat(p.parameterMap().position(1)).isZero();
        assertThat(sent("SELECT id FROM people WHERE ? IS DISTINCT FROM email")).isEqualTo(
                "SELECT id FROM people WHERE NOT (email_bidx IS NOT DISTINCT FROM ? OR email_bidx IS NOT DISTINCT FROM ?)");
        assertThat(refusal("SELECT id FROM people WHERE ssn IS DISTINCT FROM ?").getMessage()).contains("people.ssn",
                "IS DISTINCT FROM", "truncated");
    }

    @Test
    void castsToTheColumnsTextTypeAreSearchedUncastOthersStayRefused() throws SQLException {
        for (String value : List.of("?::varchar", "CAST(? AS text)", "?::character varying", "? :: TEXT")) {
            assertThat(sent("SELECT id FROM people WHERE email = " + value)).as(value).isEqualTo(
                    "SELECT id FROM people WHERE email_bidx IN (?, ?)");
        }
        assertThat(plan("SELECT id FROM people WHERE email = 'x'::text").hasLiterals()).isTrue();
        for (String value : List.of("?::varchar(3)", "?::int", "?::bpchar", "?::text[]", "CAST(? AS char(5))",
                "?::\"varchar\"", "?::pg_catalog.text")) {
            assertThat(refusal("SELECT id FROM people WHERE email = " + value).getMessage()).as(value)
                    .contains("people.email");
        }
        assertThat(refusal("SELECT id FROM people WHERE age = ?::int").getMessage()).as("not a string column")
                .contains("people.age");
    }

    @Test
    void lowerAndUpperNeedALowercaseNormalizer() throws SQLException {
        assertThat(sent("SELECT id FROM people WHERE lower(nick) = ?")).isEqualTo(
                "SELECT id FROM people WHERE nick_bidx IN (?, ?)");
        assertThat(sent("SELECT id FROM people WHERE ? <> UPPER(nick)")).isEqualTo(
                "SELECT id FROM people WHERE nick_bidx NOT IN (?, ?)");
        SQLException e = refusal("SELECT id FROM people WHERE lower(email) = ?");
        assertThat(e.getMessage()).contains("people.email", "normalize: [lowercase]", "people.email_bidx");
        assertThat(refusal("SELECT id FROM people WHERE lower(ssn) = ?").getMessage()).contains("people.ssn");
        assertThat(refusal("SELECT id FROM people WHERE initcap(nick) = ?").getMessage()).contains("people.nick");
    }

    @Test
    void subqueriesWithinAJoinDomainCompareIndexColumns() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE email NOT IN (SELECT mail FROM staff WHERE id > ?)");
        assertThat(p.sqlToSend("original")).isEqualTo(
                "SELECT id FROM people WHERE email_bidx NOT IN (SELECT mail_bidx FROM staff WHERE id > ?)");
        assertThat(p.queriedIndexes()).extracting(i -> i.index().qualified())
                .containsExactlyInAnyOrder("people.email_bidx", "staff.mail_bidx");
        assertThat(sent("SELECT id FROM people p WHERE EXISTS (SELECT 1 FROM staff s WHERE s.mail = p.email)"))
                .isEqualTo("SELECT id FROM people p WHERE EXISTS (SELECT 1 FROM staff s WHERE s.mail_bidx = "
                        + "p.email_bidx)");
        assertThat(refusal("SELECT id FROM people WHERE nick IN (SELECT mail FROM staff)").getMessage())
                .contains("people.nick", "staff.mail");
        assertThat(refusal("SELECT id FROM people WHERE email IN (SELECT id FROM staff)").getMessage())
                .contains("people.email", "no encrypted column");
        assertThat(refusal("SELECT id FROM people WHERE email IN (SELECT lower(mail) FROM staff)").getMessage())
                .contains("people.email");
    }
}
