package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.driver.sql.StatementPlan;
import dev.veil.testing.StatementResults;
import dev.veil.testing.TwinDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of statements against the real PostgreSQL. Every case either round-trips — Veil returns exactly what
 * the same statement returns on a plaintext twin database (same data, no encryption), the two databases hold the
 * same plaintext afterwards, and what Veil stored is ciphertext — or is refused with its documented SQLState and
 * a message naming {@code table.column} and the construct, leaving the database unchanged. No third outcome.
 */
class CorpusIT {

    private static final String YAML = """
              patients:
                ssn: {}
                email: {}
                heart_rate: { type: int }
                birth_date: { type: local-date }
              visits:
                note: {}
            """;

    /** Plaintext values used by the seed and the cases: none may appear in a refusal or in stored data. */
    private static final List<String> SECRETS = List.of("111-11-1111", "222-22-2222", "333-33-3333",
            "ada@example.com", "bob@example.com", "123-45-6789", "fay@example.com", "555-12-3456");

    static TwinDatabases db;
    static Connection veil;
    static Connection twin;
    static Connection raw;

    @BeforeAll
    static void setUp() throws SQLException {
        List<String> stored = List.of(
                "CREATE TABLE clinics (id int PRIMARY KEY, name text)",
                "CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email bytea, heart_rate bytea, "
                        + "birth_date text, clinic_id int)",
                "CREATE TABLE visits (id serial PRIMARY KEY, patient_id int, note bytea)");
        List<String> plaintext = List.of(
                "CREATE TABLE clinics (id int PRIMARY KEY, name text)",
                "CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email text, heart_rate int, "
                + "birth_date date, clinic_id int)",
                "CREATE TABLE visits (id serial PRIMARY KEY, patient_id int, note text)");
        db = TwinDatabases.create(CorpusIT.class, YAML, stored, plaintext);
        veil = db.veil();
        twin = db.twin();
        raw = db.raw();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // the corpus

    enum Mode { STATEMENT, PREPARED, CALL }

    /** One statement: how it is sent, its parameters, and the expected outcome (null state: round-trips). */
    record Case(String name, Mode mode, String sql, List<Object> params, String state, String column,
            String construct) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, String sql) {
        return new Case(name, Mode.STATEMENT, sql, List.of(), null, null, null);
    }

    static Case okP(String name, String sql, Object... params) {
        return new Case(name, Mode.PREPARED, sql, Arrays.asList(params), null, null, null);
    }

    static Case refused(String name, String sql, String state, String column, String construct) {
        return new Case(name, Mode.STATEMENT, sql, List.of(), state, column, construct);
    }

    static Case refusedP(String name, String sql, String state, String column, String construct, Object... params) {
        return new Case(name, Mode.PREPARED, sql, Arrays.asList(params), state, column, construct);
    }

    static final LocalDate D1 = LocalDate.of(1990, 1, 2);

    static Stream<Case> roundTrips() {
        return Stream.of(
                // INSERT
                okP("insert single row, parameters", "INSERT INTO patients (name, ssn, email, heart_rate, birth_date, "
                        + "clinic_id) VALUES (?, ?, ?, ?, ?, ?)", "Fay", "555-12-3456", "fay@example.com", 64, D1, 1),
                ok("insert single row, literals", "INSERT INTO patients (name, ssn, email, heart_rate, birth_date, "
                        + "clinic_id) VALUES ('Fay', '555-12-3456', 'fay@example.com', 64, '1985-03-04', 1)"),
                ok("insert literals with quotes and negative number", "INSERT INTO patients (name, ssn, heart_rate) "
                        + "VALUES ('O''Brien', 'it''s 1', -5)"),
                ok("insert date literal", "INSERT INTO patients (name, birth_date) VALUES ('Gus', DATE '2001-12-31')"),
                okP("insert multi-row, parameters", "INSERT INTO patients (name, ssn, heart_rate) VALUES (?, ?, ?), "
                        + "(?, ?, ?)", "G1", "555-00-0001", 61, "G2", "555-00-0002", 62),
                ok("insert multi-row, literals", "INSERT INTO patients (name, ssn, email) VALUES ('H1', '555-00-0003', "
                        + "'h1@x'), ('H2', '555-00-0004', NULL)"),
                okP("insert with NULL parameters", "INSERT INTO patients (name, ssn, email, heart_rate, birth_date) "
                        + "VALUES (?, ?, ?, ?, ?)", "Nul", null, null, null, null),
                ok("insert NULL literals", "INSERT INTO patients (name, ssn, email) VALUES ('Nul', NULL, NULL)"),
                okP("insert RETURNING encrypted columns", "INSERT INTO patients (name, ssn, email) VALUES (?, ?, ?) "
                        + "RETURNING id, ssn, email", "Ivy", "555-00-0005", "ivy@x"),
                ok("insert RETURNING *, literals", "INSERT INTO patients (name, ssn, heart_rate) VALUES ('Jo', "
                        + "'555-00-0006', 70) RETURNING *"),
                okP("insert ON CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.ssn (conflict)", "INSERT INTO patients "
                        + "(id, name, ssn) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.ssn",
                        1, "Ada2", "999-99-9999"),
                ok("insert ON CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.ssn (no conflict), literals", "INSERT INTO "
                        + "patients (id, name, ssn) VALUES (77, 'Kim', '777-77-7777') ON CONFLICT (id) DO UPDATE SET "
                        + "ssn = EXCLUDED.ssn"),
                okP("insert ON CONFLICT DO UPDATE several columns RETURNING", "INSERT INTO patients (id, ssn, "
                        + "heart_rate) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.ssn, heart_rate = "
                        + "EXCLUDED.heart_rate, name = 'upd' RETURNING id, ssn, heart_rate", 2, "888-88-8888", 99),
                okP("insert ON CONFLICT DO NOTHING", "INSERT INTO patients (id, name, ssn) VALUES (?, ?, ?) ON "
                        + "CONFLICT DO NOTHING", 1, "Dup", "000-00-0000"),
                okP("insert ON CONFLICT (id) DO UPDATE SET col = ?", "INSERT INTO patients (id, ssn) VALUES (?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET email = ?", 3, "000-00-0001", "new@x"),
                okP("insert … select copying encrypted columns within the table", "INSERT INTO patients (name, ssn, "
                        + "email, heart_rate, birth_date) SELECT name || ' copy', ssn, email, heart_rate, birth_date "
                        + "FROM patients WHERE id = ?", 1),
                okP("insert … select with a parameter for an encrypted column, no FROM", "INSERT INTO visits "
                        + "(patient_id, note) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM patients WHERE name = ?)", 2,
                        "follow-up", "Bob"),
                okP("insert into visits RETURNING *", "INSERT INTO visits (patient_id, note) VALUES (?, ?) "
                        + "RETURNING *", 2, "rash"),
                // UPDATE
                okP("update SET ? parameters", "UPDATE patients SET ssn = ?, heart_rate = ?, birth_date = ? WHERE "
                        + "id = ?", "444-44-4444", 55, D1, 2),
                ok("update SET literals", "UPDATE patients SET ssn = '000-00-0000', birth_date = '2000-02-29', "
                        + "heart_rate = 101 WHERE name = 'Bob'"),
                ok("update SET ssn = NULL", "UPDATE patients SET ssn = NULL WHERE id = 1"),
                okP("update SET ssn = ssn (same column)", "UPDATE patients SET ssn = ssn, name = ? WHERE id = ?",
                        "same", 1),
                okP("update … FROM", "UPDATE patients p SET email = ? FROM clinics c WHERE c.id = p.clinic_id AND "
                        + "c.name = ?", "north@x", "North"),
                okP("update RETURNING encrypted columns", "UPDATE patients SET heart_rate = ? WHERE id = ? "
                        + "RETURNING id, heart_rate, ssn", 88, 3),
                okP("update WHERE plain column IN subquery", "UPDATE visits SET note = ? WHERE patient_id IN "
                        + "(SELECT id FROM patients WHERE clinic_id = ?)", "bulk", 1),
                ok("update WHERE encrypted IS NULL", "UPDATE patients SET ssn = '000-00-0009' WHERE ssn IS NULL"),
                // DELETE
                okP("delete WHERE plain column", "DELETE FROM patients WHERE id = ?", 4),
                okP("delete RETURNING encrypted columns", "DELETE FROM patients WHERE id = ? RETURNING ssn, email, "
                        + "birth_date", 1),
                ok("delete WHERE encrypted IS NULL", "DELETE FROM patients WHERE email IS NULL"),
                okP("delete USING", "DELETE FROM visits v USING patients p WHERE p.id = v.patient_id AND p.name = ?",
                        "Ada"),
                // SELECT
                ok("select with aliases", "SELECT id, ssn AS s, email AS \"E-mail\" FROM patients ORDER BY id"),
                ok("select *", "SELECT * FROM patients ORDER BY id"),
                ok("select t.*", "SELECT p.* FROM patients p ORDER BY p.id"),
                ok("select t.* with a join", "SELECT v.*, p.ssn FROM visits v JOIN patients p ON p.id = v.patient_id "
                        + "ORDER BY v.id"),
                ok("select * over a join", "SELECT * FROM visits v JOIN patients p ON p.id = v.patient_id"),
                ok("inner join", "SELECT p.name, p.ssn, v.note FROM patients p JOIN visits v ON v.patient_id = p.id"),
                ok("left join", "SELECT p.id, p.ssn, v.note FROM patients p LEFT JOIN visits v ON v.patient_id = p.id"),
                ok("three tables", "SELECT c.name, p.ssn, p.heart_rate, v.note FROM clinics c JOIN patients p ON "
                        + "p.clinic_id = c.id LEFT JOIN visits v ON v.patient_id = p.id"),
                ok("comma join", "SELECT p.ssn, c.name FROM patients p, clinics c WHERE p.clinic_id = c.id"),
                okP("subquery in FROM", "SELECT x.id, x.s FROM (SELECT id, ssn AS s FROM patients WHERE clinic_id "
                        + "= ?) x", 1),
                ok("subquery in FROM with column aliases", "SELECT * FROM (SELECT id, email FROM patients) AS "
                        + "x(pid, mail)"),
                ok("CTE", "WITH x AS (SELECT id, ssn, birth_date FROM patients WHERE clinic_id IS NOT NULL) "
                        + "SELECT * FROM x"),
                ok("CTE with column list", "WITH x(pid, s) AS (SELECT id, ssn FROM patients) SELECT s, pid FROM x"),
                ok("UNION ALL of matching columns", "SELECT id, ssn FROM patients WHERE clinic_id = 1 UNION ALL "
                        + "SELECT id, ssn FROM patients WHERE clinic_id = 2 ORDER BY 1"),
                ok("scalar subquery in select list", "SELECT c.name, (SELECT p.ssn FROM patients p WHERE "
                        + "p.clinic_id = c.id ORDER BY p.id LIMIT 1) FROM clinics c"),
                ok("count(encrypted)", "SELECT count(ssn), count(email), count(heart_rate), count(*) FROM patients"),
                ok("count(encrypted) GROUP BY plain", "SELECT clinic_id, count(ssn) FROM patients GROUP BY clinic_id"),
                ok("IS NULL", "SELECT id, ssn FROM patients WHERE email IS NULL"),
                ok("IS NOT NULL", "SELECT id, birth_date FROM patients WHERE ssn IS NOT NULL"),
                okP("WHERE plain parameter", "SELECT ssn, heart_rate, birth_date FROM patients WHERE name = ?", "Ada"),
                ok("EXISTS subquery", "SELECT p.id, p.ssn FROM patients p WHERE EXISTS (SELECT 1 FROM visits v "
                        + "WHERE v.patient_id = p.id)"),
                ok("IN subquery on plain column", "SELECT ssn FROM patients WHERE id IN (SELECT patient_id FROM "
                        + "visits)"),
                okP("plain column = scalar subquery", "SELECT v.id, v.note FROM visits v WHERE v.patient_id = "
                        + "(SELECT id FROM patients WHERE name = ?)", "Ada"),
                okP("LIMIT / OFFSET", "SELECT id, email FROM patients ORDER BY id LIMIT ? OFFSET ?", 2, 1),
                ok("quoted identifiers", "SELECT \"ssn\", \"email\" FROM \"patients\""),
                ok("schema-qualified table", "SELECT id, ssn FROM public.patients"),
                ok("IN subquery testing encrypted IS NULL", "SELECT * FROM clinics c WHERE c.id IN (SELECT "
                        + "clinic_id FROM patients WHERE ssn IS NULL)"),
                okP("writable CTE DELETE … RETURNING encrypted", "WITH d AS (DELETE FROM patients WHERE id = ? "
                        + "RETURNING id, ssn, heart_rate) SELECT * FROM d", 2),
                okP("writable CTE UPDATE … RETURNING encrypted", "WITH u AS (UPDATE patients SET ssn = ? WHERE id = ? "
                        + "RETURNING id, ssn, email) SELECT * FROM u", "123-00-0000", 1),
                okP("SET (a, b) = (?, ?)", "UPDATE patients SET (ssn, name) = (?, ?) WHERE id = ?", "124-00-0000",
                        "Row", 5),
                ok("SELECT … FOR UPDATE", "SELECT id, ssn FROM patients WHERE id = 1 FOR UPDATE"),
                ok("HAVING count(encrypted)", "SELECT clinic_id FROM patients GROUP BY clinic_id HAVING count(ssn) > 1"),
                okP("MERGE update and insert with parameters", "MERGE INTO patients p USING (SELECT ?::int AS id) "
                        + "src ON p.id = src.id WHEN MATCHED THEN UPDATE SET ssn = ?, heart_rate = ? WHEN NOT MATCHED "
                        + "THEN INSERT (id, ssn, email) VALUES (src.id, ?, ?)", 1, "901-00-0000", 91, "902-00-0000",
                        "m@x"),
                okP("MERGE insert branch with parameters", "MERGE INTO patients p USING (SELECT ?::int AS id) src ON "
                        + "p.id = src.id WHEN MATCHED THEN UPDATE SET ssn = ? WHEN NOT MATCHED THEN INSERT (id, ssn, "
                        + "birth_date) VALUES (src.id, ?, ?)", 60, "903-00-0000", "904-00-0000", D1),
                ok("MERGE with literals and IS NULL predicate", "MERGE INTO patients p USING clinics c ON "
                        + "p.clinic_id = c.id WHEN MATCHED AND p.email IS NULL THEN UPDATE SET ssn = '905-00-0000', "
                        + "heart_rate = 77 WHEN MATCHED THEN UPDATE SET name = c.name"),
                ok("MERGE copying same-key columns from the same table", "MERGE INTO patients p USING patients q ON "
                        + "p.id = q.id + 100 WHEN NOT MATCHED THEN INSERT (id, name, ssn, email) VALUES (q.id + 100, "
                        + "q.name, q.ssn, q.email)"),
                ok("MERGE delete", "MERGE INTO patients p USING clinics c ON p.clinic_id = c.id AND c.name = 'South' "
                        + "WHEN MATCHED THEN DELETE"),
                ok("plain table only", "SELECT * FROM clinics"),
                okP("plain table update", "UPDATE clinics SET name = ? WHERE id = ?", "Nord", 1),
                // Hibernate 6/7 as emitted
                okP("hibernate select by id", "select p1_0.id,p1_0.ssn,p1_0.email from patients p1_0 where "
                        + "p1_0.id=?", 1),
                okP("hibernate select all columns", "select p1_0.id,p1_0.birth_date,p1_0.clinic_id,p1_0.email,"
                        + "p1_0.heart_rate,p1_0.name,p1_0.ssn from patients p1_0 where p1_0.id=?", 2),
                okP("hibernate paging", "select p1_0.id,p1_0.name,p1_0.ssn from patients p1_0 order by p1_0.id "
                        + "offset ? rows fetch first ? rows only", 1, 2),
                okP("hibernate insert with id", "insert into patients (birth_date,email,heart_rate,name,ssn,id) "
                        + "values (?,?,?,?,?,?)", D1, "h@x", 70, "Hib", "555-00-0007", 50),
                okP("hibernate insert returning id", "insert into patients (birth_date,clinic_id,email,heart_rate,"
                        + "name,ssn) values (?,?,?,?,?,?) returning id", D1, 2, "r@x", 71, "Ret", "555-00-0008"),
                okP("hibernate update", "update patients set email=?,ssn=? where id=?", "u@x", "555-00-0009", 2),
                okP("hibernate delete", "delete from patients where id=?", 3),
                okP("hibernate join", "select v1_0.id,v1_0.note,p1_0.id,p1_0.ssn from visits v1_0 join patients p1_0 "
                        + "on p1_0.id=v1_0.patient_id where v1_0.patient_id=?", 1),
                okP("hibernate left join", "select p1_0.id,p1_0.email,v1_0.id,v1_0.note from patients p1_0 left join "
                        + "visits v1_0 on p1_0.id=v1_0.patient_id where p1_0.clinic_id=?", 1),
                okP("hibernate count", "select count(p1_0.ssn) from patients p1_0 where p1_0.clinic_id=?", 2),
                // PostgreSQL's lexical forms, read as the server reads them (see PgLexer)
                ok("E-string hiding a quote", "INSERT INTO patients (name, ssn) VALUES (E'\\', NULL) --', "
                        + "'555-77-0001')"),
                okP("E-string before a parameter", "INSERT INTO patients (name, ssn) VALUES (E'\\', ?) --', ?)",
                        "555-77-0002"),
                ok("Unicode-escaped table", "INSERT INTO U&\"\\0070atients\" (name, ssn) VALUES ('Uni', '555-77-0003')"),
                ok("Unicode-escaped table and column with UESCAPE", "SELECT U&\"!0073sn\" UESCAPE '!' FROM "
                        + "U&\"\\0070atients\" ORDER BY id"),
                ok("dollar-quoted literals", "INSERT INTO patients (name, ssn) VALUES ($$Dol$$, $q$555-77-0004$q$)"),
                ok("nested comment", "SELECT /* a /* b */ ssn FROM patients */ id, ssn FROM patients ORDER BY id"),
                ok("alias column list on a subquery", "SELECT x.b FROM (SELECT id, ssn FROM patients) AS x(a, b) "
                        + "ORDER BY x.a"));
    }

    static Stream<Case> refusals() {
        String ve10 = "VE010";
        return Stream.of(
                refused("alias column list on an encrypted table", "SELECT p.c FROM patients AS p(a, b, c)", ve10,
                        "patients.ssn", "column alias list"),
                refused("alias column list in a join", "SELECT q.c FROM clinics c JOIN patients AS q(a, b, c) ON "
                        + "q.a = c.id", ve10, "patients.ssn", "column alias list"),
                refused("INSERT … DEFAULT VALUES", "INSERT INTO patients DEFAULT VALUES", ve10, "patients.ssn",
                        "DEFAULT VALUES"),
                refused("DO block naming an encrypted table", "DO $$ BEGIN UPDATE patients SET ssn = 'x'; END $$",
                        ve10, "patients", "DO block"),
                refused("CREATE FUNCTION naming an encrypted table", "CREATE FUNCTION f() RETURNS void LANGUAGE sql "
                        + "AS $$ UPDATE patients SET ssn = 'x' $$", ve10, "patients", "CREATE FUNCTION"),
                refusedP("WHERE ssn = ?", "SELECT * FROM patients WHERE ssn = ?", ve10, "patients.ssn", "comparison",
                        "111-11-1111"),
                refused("WHERE ssn = literal", "SELECT * FROM patients WHERE ssn = '123-45-6789'", ve10,
                        "patients.ssn", "comparison"),
                refusedP("ssn <> ?", "SELECT id FROM patients WHERE ssn <> ?", ve10, "patients.ssn", "<>", "x"),
                refusedP("ssn LIKE ?", "SELECT id FROM patients WHERE ssn LIKE ?", ve10, "patients.ssn", "LIKE", "1%"),
                refusedP("heart_rate > ?", "SELECT id FROM patients WHERE heart_rate > ?", ve10,
                        "patients.heart_rate", ">", 60),
                refused("ORDER BY ssn", "SELECT id, name FROM patients ORDER BY ssn", ve10, "patients.ssn", "ORDER BY"),
                refused("ORDER BY 2 (encrypted)", "SELECT id, ssn FROM patients ORDER BY 2", ve10, "patients.ssn",
                        "ORDER BY"),
                refused("GROUP BY ssn", "SELECT ssn, count(*) FROM patients GROUP BY ssn", ve10, "patients.ssn",
                        "GROUP BY"),
                refused("SELECT DISTINCT ssn", "SELECT DISTINCT ssn FROM patients", ve10, "patients.ssn", "DISTINCT"),
                refused("DISTINCT ON (ssn)", "SELECT DISTINCT ON (ssn) id FROM patients", ve10, "patients.ssn",
                        "DISTINCT ON"),
                refused("upper(ssn)", "SELECT upper(ssn) FROM patients", ve10, "patients.ssn", "upper()"),
                refused("ssn || 'x'", "SELECT ssn || 'x' FROM patients", ve10, "patients.ssn", "||"),
                refused("CAST(birth_date AS text)", "SELECT CAST(birth_date AS text) FROM patients", ve10,
                        "patients.birth_date", "cast"),
                refused("ssn::varchar(3)", "SELECT ssn::varchar(3) FROM patients", ve10, "patients.ssn", "cast"),
                refused("heart_rate + 1", "SELECT heart_rate + 1 FROM patients", ve10, "patients.heart_rate", "+"),
                refused("count(DISTINCT ssn)", "SELECT count(DISTINCT ssn) FROM patients", ve10, "patients.ssn",
                        "DISTINCT"),
                refused("max(birth_date)", "SELECT max(birth_date) FROM patients", ve10, "patients.birth_date",
                        "max()"),
                refused("COALESCE(ssn, name)", "SELECT COALESCE(ssn, name) FROM patients", ve10, "patients.ssn",
                        "COALESCE"),
                refusedP("insert … select with a parameter FROM a table", "INSERT INTO visits (patient_id, note) "
                        + "SELECT id, ? FROM patients WHERE name = ?", ve10, "visits.note", "FROM clause", "follow-up",
                        "Bob"),
                refused("CASE returning ssn", "SELECT CASE WHEN id > 1 THEN ssn END FROM patients", ve10,
                        "patients.ssn", "CASE"),
                refused("window ORDER BY ssn", "SELECT row_number() OVER (ORDER BY ssn) FROM patients", ve10,
                        "patients.ssn", "window"),
                refused("WHERE ssn IN (…)", "SELECT id FROM patients WHERE ssn IN ('111-11-1111', '222-22-2222')",
                        ve10, "patients.ssn", "IN"),
                refusedP("WHERE ssn = ANY(?)", "SELECT id FROM patients WHERE ssn = ANY(?)", ve10, "patients.ssn",
                        "comparison", "{}"),
                refused("JOIN … USING (ssn)", "SELECT a.id FROM patients a JOIN patients b USING (ssn)", ve10,
                        "patients.ssn", "USING"),
                refused("JOIN ON encrypted", "SELECT p.id FROM patients p JOIN visits v ON v.note = p.email", ve10,
                        "visits.note", "JOIN … ON"),
                refused("NATURAL JOIN", "SELECT * FROM patients NATURAL JOIN visits", ve10, "patients.ssn", "NATURAL JOIN"),
                refused("UNION ALL of mismatched columns", "SELECT ssn FROM patients UNION ALL SELECT email FROM "
                        + "patients", ve10, "patients.", "UNION ALL"),
                refused("UNION ALL of encrypted and plain", "SELECT ssn FROM patients UNION ALL SELECT name FROM "
                        + "patients", ve10, "patients.ssn", "UNION ALL"),
                refused("UNION (distinct)", "SELECT ssn FROM patients UNION SELECT ssn FROM patients", ve10,
                        "patients.ssn", "UNION"),
                refusedP("INSERT VALUES (upper(?))", "INSERT INTO patients (ssn) VALUES (upper(?))", ve10,
                        "patients.ssn", "upper()", "123-45-6789"),
                refusedP("UPDATE SET ssn = lower(?)", "UPDATE patients SET ssn = lower(?) WHERE id = 1", ve10,
                        "patients.ssn", "lower()", "123-45-6789"),
                refused("UPDATE SET ssn = email", "UPDATE patients SET ssn = email", ve10, "patients.ssn",
                        "another column"),
                refused("UPDATE SET name = ssn", "UPDATE patients SET name = ssn", ve10, "patients.ssn",
                        "UPDATE … SET"),
                refusedP("DELETE WHERE ssn = ?", "DELETE FROM patients WHERE ssn = ?", ve10, "patients.ssn",
                        "comparison", "111-11-1111"),
                refused("INSERT … SELECT into another encrypted column", "INSERT INTO patients (name, email) SELECT "
                        + "name, ssn FROM patients", ve10, "patients.ssn", "patients.email"),
                refused("INSERT … SELECT into a plain column", "INSERT INTO patients (name) SELECT ssn FROM patients",
                        ve10, "patients.ssn", "plain column patients.name"),
                refused("INSERT … SELECT into another table's column", "INSERT INTO visits (patient_id, note) SELECT "
                        + "id, ssn FROM patients", ve10, "patients.ssn", "visits.note"),
                refusedP("ON CONFLICT (encrypted)", "INSERT INTO patients (ssn) VALUES (?) ON CONFLICT (ssn) DO "
                        + "NOTHING", ve10, "patients.ssn", "ON CONFLICT", "123-45-6789"),
                refused("ON CONFLICT SET ssn = EXCLUDED.email", "INSERT INTO patients (id, ssn) VALUES (1, NULL) ON "
                        + "CONFLICT (id) DO UPDATE SET ssn = EXCLUDED.email", ve10, "patients.ssn", "another column"),
                refused("SELECT … INTO", "SELECT id, ssn INTO copy FROM patients", ve10, "patients.ssn",
                        "SELECT … INTO"),
                refused("CREATE TABLE AS SELECT", "CREATE TABLE copy AS SELECT id, ssn FROM patients", ve10,
                        "patients.ssn", "CREATE TABLE … AS SELECT"),
                refused("CREATE VIEW", "CREATE VIEW v AS SELECT id, ssn FROM patients", ve10, "patients.ssn",
                        "CREATE VIEW"),
                refusedP("subquery filtering on encrypted", "SELECT * FROM clinics c WHERE c.id IN (SELECT clinic_id "
                        + "FROM patients WHERE ssn = ?)", ve10, "patients.ssn", "comparison", "111-11-1111"),
                refusedP("scalar subquery filtering on encrypted", "UPDATE clinics SET name = 'x' WHERE id = (SELECT "
                        + "clinic_id FROM patients WHERE ssn = ? LIMIT 1)", ve10, "patients.ssn", "comparison",
                        "111-11-1111"),
                refused("= ANY (subquery of encrypted)", "SELECT id FROM patients WHERE name = ANY (SELECT ssn FROM "
                        + "patients)", ve10, "patients.ssn", "through a subquery"),
                refused("whole-row row_to_json(p)", "SELECT row_to_json(p) FROM patients p", ve10, "patients.ssn",
                        "whole-row"),
                refused("whole-row SELECT p", "SELECT p FROM patients p", ve10, "patients.ssn", "whole-row"),
                refused("GROUP BY 2 (encrypted)", "SELECT clinic_id, ssn FROM patients GROUP BY 1, 2", ve10,
                        "patients.ssn", "GROUP BY"),
                refused("SELECT * over JOIN … USING", "SELECT * FROM patients JOIN visits USING (id)", ve10,
                        "patients.ssn", "USING"),
                refused("EXPLAIN ANALYZE", "EXPLAIN ANALYZE DELETE FROM patients", ve10, "patients", "EXPLAIN"),
                refused("MERGE ON encrypted", "MERGE INTO patients p USING clinics c ON p.ssn = c.name WHEN MATCHED "
                        + "THEN DELETE", ve10, "patients.ssn", "MERGE … ON"),
                refused("MERGE SET encrypted = plain source column", "MERGE INTO patients p USING clinics c ON "
                        + "p.clinic_id = c.id WHEN MATCHED THEN UPDATE SET ssn = c.name", ve10, "patients.ssn",
                        "another column"),
                refused("COPY", "COPY patients (id, ssn) TO STDOUT", "VE011", "patients", "parsed"),
                refused("unparseable statement naming patients", "SELECT ssn FROM patients WHERE WHERE", "VE011",
                        "patients", "parsed"),
                refused("multi-statement text", "UPDATE clinics SET name = 'x'; DELETE FROM patients WHERE ssn IS "
                        + "NULL", ve10, "patients.ssn", "statements"),
                new Case("prepareCall reading an encrypted column", Mode.CALL, "SELECT ssn FROM patients", List.of(),
                        ve10, null, "prepareCall"));
    }

    static Stream<Case> corpus() {
        return Stream.concat(roundTrips(), refusals());
    }

    @Test
    void corpusHasTheAgreedSize() {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(60);
        assertThat(roundTrips().count()).isGreaterThanOrEqualTo(40);
        assertThat(refusals().count()).isGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void statement(Case k) throws SQLException {
        reset();
        if (k.state() == null) {
            roundTrip(k);
        } else {
            refusal(k);
        }
    }

    private void roundTrip(Case k) throws SQLException {
        assertRoundTrips(k.name(), k.sql(), veil, twin, c -> run(c, k), CorpusIT::dump);
        assertStoredCiphertext();
    }

    /** What a corpus runs or reads on one side (Veil or the twin). */
    interface OnSide {
        List<Object> apply(Connection c) throws SQLException;
    }

    /**
     * The corpora's round-trip check: {@code run} through Veil ({@code veil}) gives what it gives on the plaintext
     * twin ({@code twin}), and the two databases hold the same plaintext afterwards ({@code dump}).
     */
    static void assertRoundTrips(String name, String sql, Connection veil, Connection twin, OnSide run, OnSide dump)
            throws SQLException {
        List<Object> viaVeil;
        try {
            viaVeil = run.apply(veil);
        } catch (SQLException e) {
            throw new AssertionError(name + ": Veil refused or failed (" + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
        List<Object> viaTwin = run.apply(twin);
        assertThat(viaVeil).as("results of %s", sql).isEqualTo(viaTwin);
        assertThat(dump.apply(veil)).as("database after %s", sql).isEqualTo(dump.apply(twin));
    }

    private void refusal(Case k) throws SQLException {
        assertThat(k.construct()).as("%s names the refused construct", k.name()).isNotNull();
        assertRefused(k.name(), k.sql(), k.state(), k.column(), k.construct(), SECRETS, veil, c -> run(c, k),
                CorpusIT::dump);
    }

    /**
     * The corpora's refusal check: {@code run} through Veil ({@code veil}) is refused with {@code state}, the message names
     * {@code column} and {@code construct} (each when given) and none of {@code secrets}, and Veil's database is as it
     * was before ({@code dump}).
     */
    static void assertRefused(String name, String sql, String state, String column, String construct,
            List<String> secrets, Connection veil, OnSide run, OnSide dump) throws SQLException {
        List<Object> before = dump.apply(veil);
        SQLException e = catchThrowableOfType(SQLException.class, () -> run.apply(veil));
        if (e == null) {
            fail(name + " was not refused: " + sql);
        }
        assertThat(e.getSQLState()).as("%s: %s", sql, e.getMessage()).isEqualTo(state);
        if (column != null) {
            assertThat(e.getMessage()).contains(column);
        }
        if (construct != null) {
            assertThat(e.getMessage()).contains(construct);
        }
        for (String secret : secrets) {
            assertThat(e.getMessage()).doesNotContain(secret);
        }
        assertThat(dump.apply(veil)).as("database after refused %s", sql).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------------------------
    // batches

    @Test
    void preparedBatchOfInsertsRoundTrips() throws SQLException {
        reset();
        String sql = "INSERT INTO patients (name, ssn, email, heart_rate, birth_date) VALUES (?, ?, ?, ?, ?)";
        int[] a = batch(veil, sql, false);
        int[] b = batch(twin, sql, false);
        assertThat(a).containsExactly(b);
        assertThat(dump(veil)).isEqualTo(dump(twin));
        assertStoredCiphertext();
    }

    @Test
    void preparedLargeBatchOfInsertsRoundTrips() throws SQLException {
        reset();
        String sql = "INSERT INTO patients (name, ssn, email, heart_rate, birth_date) VALUES (?, ?, ?, ?, ?)";
        batch(veil, sql, true);
        batch(twin, sql, true);
        assertThat(dump(veil)).isEqualTo(dump(twin));
        assertStoredCiphertext();
    }

    private static int[] batch(Connection c, String sql, boolean large) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < 25; i++) {
                ps.setString(1, "B" + i);
                ps.setString(2, "600-00-" + (1000 + i));
                ps.setObject(3, i % 3 == 0 ? null : "b" + i + "@x");
                ps.setInt(4, 50 + i);
                ps.setObject(5, D1.plusDays(i));
                ps.addBatch();
            }
            if (large) {
                long[] n = ps.executeLargeBatch();
                return Arrays.stream(n).mapToInt(x -> (int) x).toArray();
            }
            return ps.executeBatch();
        }
    }

    @Test
    void statementBatchOfLiteralInsertsRoundTrips() throws SQLException {
        reset();
        for (Connection c : new Connection[] {veil, twin}) {
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < 10; i++) {
                    st.addBatch("INSERT INTO patients (name, ssn, heart_rate) VALUES ('S" + i + "', '700-00-"
                            + (1000 + i) + "', " + i + ")");
                }
                st.addBatch("UPDATE clinics SET name = 'batched' WHERE id = 2");
                st.addBatch("UPDATE patients SET ssn = '700-99-9999' WHERE name = 'S3'");
                assertThat(st.executeBatch()).hasSize(12);
            }
        }
        assertThat(dump(veil)).isEqualTo(dump(twin));
        assertStoredCiphertext();
    }

    @Test
    void refusedStatementInABatchIsRefusedAtAddBatch() throws SQLException {
        reset();
        List<Object> before = dump(veil);
        try (Statement st = veil.createStatement()) {
            st.addBatch("UPDATE clinics SET name = 'n' WHERE id = 1");
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> st.addBatch("DELETE FROM patients WHERE ssn = '111-11-1111'"));
            assertThat(e.getSQLState()).isEqualTo("VE010");
            st.clearBatch();
        }
        assertThat(dump(veil)).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------------------------
    // pass-through and the plan cache

    @Test
    void statementsNotTouchingEncryptedTablesPassThroughUnchanged() throws SQLException {
        VeilRuntime runtime = veil.unwrap(VeilConnection.class).runtime();
        for (String sql : List.of("SELECT * FROM clinics WHERE name = 'patients'", "UPDATE clinics SET name = ?",
                "SELECT 1", "select p.* from old_patients p", "INSERT INTO clinics VALUES (9, 'x')",
                "SELECT * FROM clinics c JOIN pg_class k ON k.relname = c.name")) {
            StatementPlan plan = runtime.plan(sql, veil);
            assertThat(plan).as(sql).isSameAs(StatementPlan.PASS_THROUGH);
            assertThat(plan.sqlToSend(sql)).isSameAs(sql);
        }
        // plain columns of an encrypted table pass through too, byte-identical
        String plainRead = "SELECT id, name FROM patients WHERE clinic_id = ? ORDER BY name";
        StatementPlan p = runtime.plan(plainRead, veil);
        assertThat(p.isPassThrough()).isTrue();
        assertThat(p.sqlToSend(plainRead)).isSameAs(plainRead);
    }

    @Test
    void aSqlTextIsAnalysedOnce() throws SQLException {
        VeilRuntime runtime = veil.unwrap(VeilConnection.class).runtime();
        String sql = "SELECT id, ssn FROM patients WHERE id = ? /* once */";
        long before = runtime.cachedPlans();
        StatementPlan first = runtime.plan(sql, veil);
        StatementPlan second = runtime.plan(new String(sql.toCharArray()), veil);
        assertThat(second).isSameAs(first);
        assertThat(runtime.cachedPlans()).isEqualTo(before + 1);
        try (PreparedStatement ps = veil.prepareStatement(sql)) {
            ps.setInt(1, 1);
            ps.executeQuery().close();
        }
        assertThat(runtime.plan(sql, veil)).isSameAs(first);
        assertThat(runtime.cachedPlans()).isEqualTo(before + 1);
    }

    @Test
    void literalsAreFreshCiphertextOnEveryExecution() throws SQLException {
        VeilRuntime runtime = veil.unwrap(VeilConnection.class).runtime();
        String sql = "UPDATE patients SET ssn = '123-45-6789' WHERE id = 1";
        StatementPlan plan = runtime.plan(sql, veil);
        String a = plan.sqlToSend(sql);
        String b = plan.sqlToSend(sql);
        assertThat(a).isNotEqualTo(b).doesNotContain("123-45-6789");
        assertThat(b).doesNotContain("123-45-6789");
    }

    // ------------------------------------------------------------------------------------------------------------
    // machinery

    private static void reset() throws SQLException {
        try (Statement st = raw.createStatement()) {
            st.execute("DROP TABLE IF EXISTS copy");
            st.execute("DROP VIEW IF EXISTS v");
            st.execute("TRUNCATE patients, visits, clinics RESTART IDENTITY");
        }
        try (Statement st = twin.createStatement()) {
            st.execute("TRUNCATE patients, visits, clinics RESTART IDENTITY");
        }
        Object[][] clinics = {{1, "North"}, {2, "South"}, {3, "Empty"}};
        Object[][] patients = {
            {"Ada", "111-11-1111", "ada@example.com", 72, LocalDate.of(1980, 5, 6), 1},
            {"Bob", "222-22-2222", "bob@example.com", 80, LocalDate.of(1975, 1, 31), 1},
            {"Cy", "333-33-3333", null, 66, null, 2},
            {"Dee", null, "dee@example.com", null, LocalDate.of(2001, 9, 9), null},
            {"Eve", "555-55-5555", "eve@example.com", 59, LocalDate.of(1999, 12, 31), 2},
        };
        Object[][] visits = {{1, "flu"}, {1, "cold"}, {2, "checkup"}, {3, null}};
        for (Connection c : new Connection[] {veil, twin}) {
            insertAll(c, "INSERT INTO clinics (id, name) VALUES (?, ?)", clinics);
            insertAll(c, "INSERT INTO patients (name, ssn, email, heart_rate, birth_date, clinic_id) VALUES "
                    + "(?, ?, ?, ?, ?, ?)", patients);
            insertAll(c, "INSERT INTO visits (patient_id, note) VALUES (?, ?)", visits);
        }
    }

    static void insertAll(Connection c, String sql, Object[][] rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Runs one case; returns every result (rows, sorted) and update count in order. */
    static List<Object> run(Connection c, Case k) throws SQLException {
        return run(c, k, rs -> rows(rs, true));
    }

    /** How a case's results are read. */
    interface Results {
        List<List<Object>> read(ResultSet rs) throws SQLException;
    }

    /** As {@link #run(Connection, Case)}, each result read by {@code results}. */
    static List<Object> run(Connection c, Case k, Results results) throws SQLException {
        Statement st;
        boolean isResult;
        if (k.mode() == Mode.STATEMENT) {
            st = c.createStatement();
            isResult = st.execute(k.sql());
        } else {
            PreparedStatement ps = k.mode() == Mode.CALL ? c.prepareCall(k.sql()) : c.prepareStatement(k.sql());
            for (int i = 0; i < k.params().size(); i++) {
                ps.setObject(i + 1, k.params().get(i));
            }
            st = ps;
            isResult = ps.execute();
        }
        try (st) {
            return StatementResults.collect(st, isResult, results::read);
        }
    }

    /** Labels, then each row's normalized values; rows sorted when {@code sort}. */
    static List<List<Object>> rows(ResultSet rs, boolean sort) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<Object> labels = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            labels.add(md.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                row.add(normalize(rs.getObject(i)));
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        if (sort) {
            rows.sort((a, b) -> a.toString().compareTo(b.toString()));
        }
        rows.add(0, labels);
        return rows;
    }

    static Object normalize(Object v) {
        if (v instanceof java.sql.Date) {
            return ((java.sql.Date) v).toLocalDate();
        }
        if (v instanceof byte[]) {
            return HexFormat.of().formatHex((byte[]) v);
        }
        return v;
    }

    /** Every table (and the list of relations) as plaintext, read through {@code c}. */
    static List<Object> dump(Connection c) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String sql : List.of("SELECT * FROM patients ORDER BY id", "SELECT * FROM visits ORDER BY id",
                    "SELECT * FROM clinics ORDER BY id", "SELECT relname FROM pg_class WHERE relnamespace = "
                            + "'public'::regnamespace AND relkind IN ('r', 'v') AND relname NOT LIKE 'veil%' ORDER BY relname")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    out.add(rows(rs, false));
                }
            }
        }
        return out;
    }

    /** What Veil stored is ciphertext: text envelopes and binary envelopes, never a seed or case plaintext. */
    static void assertStoredCiphertext() throws SQLException {
        try (Statement st = raw.createStatement();
                ResultSet rs = st.executeQuery("SELECT p.ssn, p.birth_date, p.email, p.heart_rate, NULL::bytea "
                        + "FROM patients p UNION ALL SELECT NULL, NULL, note, NULL, NULL FROM visits")) {
            while (rs.next()) {
                for (int i = 1; i <= 2; i++) {
                    String s = rs.getString(i);
                    if (s != null) {
                        assertThat(s).startsWith("veil1:");
                        SECRETS.forEach(secret -> assertThat(s).doesNotContain(secret));
                    }
                }
                for (int i = 3; i <= 4; i++) {
                    byte[] b = rs.getBytes(i);
                    if (b != null) {
                        assertThat(b.length).isGreaterThan(20);
                        assertThat(b[0]).isEqualTo((byte) 'V');
                        assertThat(b[1]).isEqualTo((byte) 1);
                        String asText = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                        SECRETS.forEach(secret -> assertThat(asText).doesNotContain(secret));
                    }
                }
            }
        }
    }
}
