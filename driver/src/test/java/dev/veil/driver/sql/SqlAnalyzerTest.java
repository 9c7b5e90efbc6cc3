package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.TableName;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The analyzer on its own: an in-memory catalog, no database, no keys (plans are inspected, never executed).
 */
class SqlAnalyzerTest {

    private static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("patients", "ssn")
            .encrypt("patients", "email")
            .encrypt("patients", "heart_rate", ValueType.INT)
            .encrypt("patients", "birth_date", ValueType.LOCAL_DATE)
            .encrypt("visits", "note")
            .build();

    /** A catalog held in memory that counts its look-ups. */
    static final class FakeCatalog implements Catalog {
        final Map<String, TableInfo> tables = new HashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        FakeCatalog table(String name, String... columnsAndTypes) {
            List<String> cols = new java.util.ArrayList<>();
            List<String> types = new java.util.ArrayList<>();
            for (String ct : columnsAndTypes) {
                String[] p = ct.split(" ");
                cols.add(p[0]);
                types.add(p[1]);
            }
            tables.put(name, new TableInfo(cols, types));
            return this;
        }

        @Override
        public TableInfo table(TableName name) {
            lookups.incrementAndGet();
            return tables.get(name.name());
        }
    }

    private final FakeCatalog catalog = new FakeCatalog()
            .table("patients", "id int4", "name text", "ssn text", "email bytea", "heart_rate bytea",
                    "birth_date text", "clinic_id int4")
            .table("clinics", "id int4", "name text")
            .table("visits", "id int4", "patient_id int4", "note bytea")
            .table("audit", "id int4", "what text");

    private final SqlAnalyzer analyzer = new SqlAnalyzer(CONFIG, c -> null);

    private StatementPlan plan(String sql) throws SQLException {
        return analyzer.plan(sql, catalog);
    }

    private SQLException refusal(String sql) throws SQLException {
        StatementPlan p = plan(sql);
        assertThat(p.isRefused()).as("refused: %s", sql).isTrue();
        return catchThrowableOfType(SQLException.class, p::checkAllowed);
    }

    private static String column(Target t) {
        return t == null ? null : t.column().qualified();
    }

    // ------------------------------------------------------------------------------------------------------------
    // pass-through

    @Test
    void statementNotNamingAnEncryptedTablePassesThroughWithoutParsingOrCatalog() throws SQLException {
        StatementPlan p = plan("SELECT * FROM clinics WHERE name = 'patients_x'");
        assertThat(p).isSameAs(StatementPlan.PASS_THROUGH);
        assertThat(p.sqlToSend("x")).isEqualTo("x");
        assertThat(catalog.lookups).hasValue(0);
    }

    @Test
    void plainColumnsOfEncryptedTablePassThrough() throws SQLException {
        assertThat(plan("SELECT id, name FROM patients WHERE clinic_id = ? ORDER BY name").isPassThrough()).isTrue();
        assertThat(plan("UPDATE patients SET name = ? WHERE id = ?").isPassThrough()).isFalse(); // modifies enc table
    }

    @Test
    void tableNameInsideAnotherIdentifierDoesNotCount() {
        assertThat(analyzer.mayTouchEncrypted("SELECT * FROM old_patients_archive")).isFalse();
        assertThat(analyzer.mayTouchEncrypted("select * from \"patients\"")).isTrue();
        assertThat(analyzer.mayTouchEncrypted("SELECT * FROM public.Patients")).isTrue();
    }

    // ------------------------------------------------------------------------------------------------------------
    // writes

    @Test
    void insertParametersAreMappedToTheirColumns() throws SQLException {
        StatementPlan p = plan("insert into patients (birth_date,email,heart_rate,name,ssn,id) values (?,?,?,?,?,?)");
        assertThat(column(p.parameter(1))).isEqualTo("patients.birth_date");
        assertThat(column(p.parameter(2))).isEqualTo("patients.email");
        assertThat(column(p.parameter(3))).isEqualTo("patients.heart_rate");
        assertThat(p.parameter(4)).isNull();
        assertThat(column(p.parameter(5))).isEqualTo("patients.ssn");
        assertThat(p.parameter(6)).isNull();
    }

    @Test
    void storageFollowsTheColumnsSqlType() throws SQLException {
        StatementPlan p = plan("INSERT INTO patients (ssn, email) VALUES (?, ?)");
        assertThat(p.parameter(1).storage()).isEqualTo(ColumnCipher.Storage.TEXT);
        assertThat(p.parameter(2).storage()).isEqualTo(ColumnCipher.Storage.BINARY);
    }

    @Test
    void multiRowInsertMapsEveryRow() throws SQLException {
        StatementPlan p = plan("INSERT INTO patients (name, ssn) VALUES (?, ?), (?, ?), ('x', ?)");
        assertThat(p.parameter(1)).isNull();
        assertThat(column(p.parameter(2))).isEqualTo("patients.ssn");
        assertThat(p.parameter(3)).isNull();
        assertThat(column(p.parameter(4))).isEqualTo("patients.ssn");
        assertThat(column(p.parameter(5))).isEqualTo("patients.ssn");
    }

    @Test
    void insertWithoutColumnListUsesCatalogOrder() throws SQLException {
        StatementPlan p = plan("INSERT INTO visits VALUES (?, ?, ?)");
        assertThat(p.parameter(1)).isNull();
        assertThat(p.parameter(2)).isNull();
        assertThat(column(p.parameter(3))).isEqualTo("visits.note");
    }

    @Test
    void literalsForEncryptedColumnsBecomeTemplateSlots() throws SQLException {
        StatementPlan p = plan("INSERT INTO patients (name, ssn) VALUES ('Ada', '123-45-6789')");
        assertThat(p.hasLiterals()).isTrue();
        assertThat(plan("INSERT INTO patients (name, ssn) VALUES ('Ada', NULL)").hasLiterals()).isFalse();
    }

    @Test
    void updateSetAndWhereParametersAreNumberedInTextOrder() throws SQLException {
        StatementPlan p = plan("update patients set email=?,ssn=? where id=?");
        assertThat(column(p.parameter(1))).isEqualTo("patients.email");
        assertThat(column(p.parameter(2))).isEqualTo("patients.ssn");
        assertThat(p.parameter(3)).isNull();
    }

    @Test
    void onConflictExcludedCopyOfSameColumnIsAccepted() throws SQLException {
        StatementPlan p = plan("INSERT INTO patients (id, ssn) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET ssn = "
                + "EXCLUDED.ssn");
        assertThat(p.isRefused()).isFalse();
        assertThat(column(p.parameter(2))).isEqualTo("patients.ssn");
    }

    @Test
    void onConflictCopyFromAnotherEncryptedColumnIsRefused() throws SQLException {
        SQLException e = refusal("INSERT INTO patients (id, ssn) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET "
                + "ssn = EXCLUDED.email");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn");
    }

    @Test
    void onConflictOnEncryptedColumnIsRefused() throws SQLException {
        SQLException e = refusal("INSERT INTO patients (ssn) VALUES (?) ON CONFLICT (ssn) DO NOTHING");
        assertThat(e.getMessage()).contains("patients.ssn", "ON CONFLICT");
    }

    @Test
    void insertSelectWithinSameColumnIsAcceptedAndIntoAnotherColumnRefused() throws SQLException {
        assertThat(plan("INSERT INTO patients (name, ssn) SELECT name, ssn FROM patients WHERE id = ?").isRefused())
                .isFalse();
        SQLException e = refusal("INSERT INTO patients (name, email) SELECT name, ssn FROM patients");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn", "INSERT … SELECT", "patients.email");
        SQLException plain = refusal("INSERT INTO patients (name) SELECT ssn FROM patients");
        assertThat(plain.getMessage()).contains("patients.ssn", "plain column patients.name");
    }

    @Test
    void insertSelectWithParameterBindsItWithoutFromAndRefusesItWhereRowsCouldRepeatIt() throws SQLException {
        StatementPlan p = plan("INSERT INTO visits (patient_id, note) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM patients "
                + "WHERE id = ?)");
        assertThat(p.isRefused()).isFalse();
        assertThat(column(p.parameter(2))).isEqualTo("visits.note");
        assertThat(p.parameter(1)).isNull();
        assertThat(p.parameter(3)).isNull();
        SQLException e = refusal("INSERT INTO visits (patient_id, note) SELECT id, ? FROM patients WHERE id = ?");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("visits.note", "INSERT … SELECT", "FROM clause");
    }

    @Test
    void projectionsAreRewrittenToTheColumnUnderPostgresLabel() throws SQLException {
        assertThat(plan("SELECT id, ssn::text, COALESCE(email, 'x'), CASE WHEN ssn IS NULL THEN 'n' ELSE ssn END, "
                + "CASE WHEN ssn IS NULL THEN 'n' END FROM patients").sqlToSend("")).isEqualTo("SELECT id, ssn AS "
                + "\"ssn\", email AS \"coalesce\", ssn AS \"ssn\", CASE WHEN ssn IS NULL THEN 'n' END FROM patients");
        StatementPlan p = plan("SELECT COALESCE(ssn, ?) AS s FROM patients WHERE id = ?");
        assertThat(p.sqlToSend("")).isEqualTo("SELECT ssn AS s FROM patients WHERE id = ?");
        assertThat(p.parameterMap().position(1)).isZero();
        assertThat(p.parameterMap().position(2)).isEqualTo(1);
        assertThat(p.result().target(1).projection()).isNotNull();
    }

    @Test
    void computedWritesBindTheParameterInPlaceOfTheExpression() throws SQLException {
        StatementPlan p = plan("INSERT INTO patients (name, email) VALUES (?, ? || '@example.com')");
        assertThat(p.sqlToSend("")).isEqualTo("INSERT INTO patients (name, email) VALUES (?, ?)");
        assertThat(column(p.parameter(2))).isEqualTo("patients.email");
        assertThat(refusal("INSERT INTO patients (ssn) VALUES (? || ?)").getMessage()).contains("patients.ssn",
                "several parameters");
    }

    @Test
    void computedValueForEncryptedColumnIsRefused() throws SQLException {
        SQLException e = refusal("INSERT INTO patients (ssn) VALUES (upper(?))");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn", "function upper()");
    }

    // ------------------------------------------------------------------------------------------------------------
    // reads

    @Test
    void selectMapsResultColumnsThroughAliases() throws SQLException {
        StatementPlan p = plan("select p1_0.id,p1_0.ssn,p1_0.email from patients p1_0 where p1_0.id=?");
        assertThat(p.result().target(1)).isNull();
        assertThat(column(p.result().target(2))).isEqualTo("patients.ssn");
        assertThat(column(p.result().target(3))).isEqualTo("patients.email");
    }

    @Test
    void starExpandsFromCatalog() throws SQLException {
        StatementPlan p = plan("SELECT * FROM visits v JOIN patients p ON p.id = v.patient_id");
        assertThat(column(p.result().target(3))).isEqualTo("visits.note");
        assertThat(column(p.result().target(6))).isEqualTo("patients.ssn");
        assertThat(p.result().columnCount()).isEqualTo(10);
    }

    @Test
    void derivedTablesCtesAndUnionAllCarryTheColumn() throws SQLException {
        assertThat(column(plan("SELECT x.s FROM (SELECT ssn AS s FROM patients) x").result().target(1)))
                .isEqualTo("patients.ssn");
        assertThat(column(plan("WITH x AS (SELECT id, ssn FROM patients) SELECT ssn FROM x").result().target(1)))
                .isEqualTo("patients.ssn");
        assertThat(column(plan("SELECT ssn FROM patients UNION ALL SELECT ssn FROM patients").result().target(1)))
                .isEqualTo("patients.ssn");
        assertThat(column(plan("SELECT id, (SELECT ssn FROM patients q WHERE q.id = p.id) FROM patients p")
                .result().target(2))).isEqualTo("patients.ssn");
    }

    @Test
    void derivedColumnsThatAreFilteredOutsideAreRefused() throws SQLException {
        SQLException e = refusal("SELECT * FROM (SELECT ssn AS s FROM patients) x WHERE x.s = ?");
        assertThat(e.getMessage()).contains("patients.ssn", "comparison");
        SQLException cte = refusal("WITH x AS (SELECT ssn FROM patients) SELECT * FROM x ORDER BY ssn");
        assertThat(cte.getMessage()).contains("patients.ssn", "ORDER BY");
    }

    @Test
    void countAndIsNullAreAccepted() throws SQLException {
        assertThat(plan("SELECT count(ssn) FROM patients WHERE email IS NULL AND ssn IS NOT NULL").isRefused())
                .isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            SELECT * FROM patients WHERE ssn = ? # VE010 # patients.ssn # comparison (=)
            SELECT * FROM patients WHERE ssn <> ? # VE010 # patients.ssn # comparison (<>)
            SELECT * FROM patients WHERE ssn LIKE ? # VE010 # patients.ssn # LIKE
            SELECT id FROM patients ORDER BY ssn # VE010 # patients.ssn # ORDER BY
            SELECT id, ssn FROM patients ORDER BY 2 # VE010 # patients.ssn # ORDER BY
            SELECT id, ssn AS s FROM patients ORDER BY s # VE010 # patients.ssn # ORDER BY
            SELECT count(*) FROM patients GROUP BY ssn # VE010 # patients.ssn # GROUP BY
            SELECT DISTINCT ssn FROM patients # VE010 # patients.ssn # DISTINCT
            SELECT upper(ssn) FROM patients # VE010 # patients.ssn # function upper()
            SELECT ssn || 'x' FROM patients # VE010 # patients.ssn # ||
            SELECT CAST(birth_date AS text) FROM patients # VE010 # patients.birth_date # DateStyle
            SELECT ssn::varchar(4) FROM patients # VE010 # patients.ssn # a cast to
            SELECT x FROM (SELECT ssn::text AS x FROM patients) s # VE010 # patients.ssn # cast
            SELECT heart_rate + 1 FROM patients # VE010 # patients.heart_rate # +
            SELECT count(DISTINCT ssn) FROM patients # VE010 # patients.ssn # DISTINCT
            SELECT COALESCE(ssn, name) FROM patients # VE010 # patients.ssn # COALESCE
            SELECT id FROM patients WHERE ssn IN (?, ?) # VE010 # patients.ssn # IN
            SELECT * FROM patients a JOIN patients b USING (ssn) # VE010 # patients.ssn # USING
            SELECT ssn FROM patients UNION SELECT ssn FROM patients # VE010 # patients.ssn # UNION
            SELECT ssn FROM patients UNION ALL SELECT email FROM patients # VE010 # patients. # UNION ALL
            SELECT ssn FROM patients UNION ALL SELECT name FROM patients # VE010 # patients.ssn # UNION ALL
            SELECT ssn INTO copy FROM patients # VE010 # patients.ssn # SELECT … INTO
            CREATE TABLE copy AS SELECT ssn FROM patients # VE010 # patients.ssn # CREATE TABLE
            CREATE VIEW v AS SELECT id, ssn FROM patients # VE010 # patients.ssn # CREATE VIEW
            SELECT max(birth_date) FROM patients # VE010 # patients.birth_date # function max()
            SELECT id FROM patients WHERE ssn BETWEEN ? AND ? # VE010 # patients.ssn # BETWEEN
            SELECT CASE WHEN id > 1 THEN ssn END FROM patients # VE010 # patients.ssn # CASE
            SELECT * FROM patients p JOIN visits v ON v.note = p.email # VE010 # visits.note # JOIN … ON
            SELECT id FROM patients WHERE email = (SELECT note FROM visits LIMIT 1) # VE010 # patients.email # comparison
            UPDATE patients SET ssn = upper(ssn) # VE010 # patients.ssn # function upper()
            UPDATE patients SET ssn = email # VE010 # patients.ssn # another column
            UPDATE patients SET name = ssn # VE010 # patients.ssn # UPDATE … SET
            DELETE FROM patients WHERE ssn = ? # VE010 # patients.ssn # comparison
            SELECT ssn FROM patients p WHERE EXISTS (SELECT 1 FROM visits v WHERE v.note = p.email) # VE010 # visits.note # comparison
            SELECT * FROM clinics c WHERE c.id IN (SELECT clinic_id FROM patients WHERE ssn = ?) # VE010 # patients.ssn # comparison (=)
            SELECT * FROM clinics c WHERE c.id = (SELECT clinic_id FROM patients WHERE ssn = ?) # VE010 # patients.ssn # comparison (=)
            DELETE FROM clinics WHERE id = ANY (SELECT clinic_id FROM patients WHERE ssn LIKE ?) # VE010 # patients.ssn # LIKE
            SELECT id FROM patients WHERE name IN (SELECT ssn FROM patients) # VE010 # patients.ssn # through a subquery
            SELECT id FROM patients WHERE name = ANY (SELECT ssn FROM patients) # VE010 # patients.ssn # through a subquery
            SELECT coalesce((SELECT ssn FROM patients LIMIT 1), 'x') # VE010 # patients.ssn # coalesce()
            SELECT row_to_json(p) FROM patients p # VE010 # patients.ssn # whole-row
            SELECT p FROM patients p # VE010 # patients.ssn # whole-row
            SELECT to_jsonb(p.*) FROM patients p # VE010 # patients.ssn # whole-row
            SELECT json_agg(patients) FROM patients # VE010 # patients.ssn # whole-row
            SELECT id FROM patients p WHERE p = ? # VE010 # patients.ssn # whole-row
            SELECT clinic_id, ssn FROM patients GROUP BY 1, 2 # VE010 # patients.ssn # GROUP BY
            SELECT ssn AS s, count(*) FROM patients GROUP BY s # VE010 # patients.ssn # GROUP BY
            SELECT DISTINCT ON (2) id, ssn FROM patients # VE010 # patients.ssn # DISTINCT ON
            SELECT * FROM patients JOIN visits USING (id) # VE010 # patients.ssn # USING
            SELECT * FROM patients NATURAL JOIN visits # VE010 # patients.ssn # NATURAL JOIN
            """)
    void refusesWithStateColumnAndConstruct(String sql, String state, String column, String construct)
            throws SQLException {
        SQLException e = refusal(sql);
        assertThat(e.getSQLState()).isEqualTo(state);
        assertThat(e.getMessage()).contains(column).contains(construct);
    }

    @Test
    void subqueriesInsideExpressionsAreAnalysed() throws SQLException {
        assertThat(plan("SELECT * FROM clinics c WHERE c.id IN (SELECT clinic_id FROM patients WHERE ssn IS NULL)")
                .isRefused()).isFalse();
        assertThat(plan("SELECT id FROM clinics WHERE id = ANY (SELECT clinic_id FROM patients)").isRefused())
                .isFalse();
    }

    @Test
    void writableCteWithReturningCarriesTheColumn() throws SQLException {
        StatementPlan p = plan("WITH d AS (DELETE FROM patients WHERE id = ? RETURNING id, ssn) SELECT * FROM d");
        assertThat(p.isRefused()).isFalse();
        assertThat(column(p.result().target(2))).isEqualTo("patients.ssn");
        StatementPlan u = plan("WITH u AS (UPDATE patients SET ssn = ? WHERE id = ? RETURNING email) SELECT * FROM u");
        assertThat(column(u.parameter(1))).isEqualTo("patients.ssn");
        assertThat(column(u.result().target(1))).isEqualTo("patients.email");
    }

    @Test
    void unexpectedAnalysisFailureIsRefusedNotThrown() throws SQLException {
        // any statement shape the analysis cannot handle must come back as a refusal, never a RuntimeException
        for (String sql : List.of("WITH d AS (DELETE FROM patients RETURNING ssn) SELECT * FROM d",
                "TABLE patients", "SELECT * FROM (VALUES (1, 'a')) v(id, ssn) JOIN patients p ON p.id = v.id")) {
            assertThatCode(() -> plan(sql)).doesNotThrowAnyException();
        }
    }

    @Test
    void unparseableStatementNamingEncryptedTableIsRefusedAsUnanalysable() throws SQLException {
        SQLException e = refusal("SELECT ssn FROM patients WHERE WHERE");
        assertThat(e.getSQLState()).isEqualTo("VE011");
        assertThat(e.getMessage()).contains("patients");
    }

    @Test
    void multiStatementTextTouchingEncryptedColumnIsRefusedNamingIt() throws SQLException {
        SQLException e = refusal("UPDATE clinics SET name = 'a'; SELECT ssn FROM patients");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn", "statements");
        assertThat(plan("SELECT 1; SELECT name FROM patients").isRefused()).isFalse();
    }

    @Test
    void mergeBindsParametersOfUpdateAndInsertActions() throws SQLException {
        StatementPlan p = plan("MERGE INTO patients p USING (SELECT 1 AS id) src ON p.id = src.id WHEN MATCHED THEN "
                + "UPDATE SET ssn = ? WHEN NOT MATCHED THEN INSERT (id, ssn, email) VALUES (src.id, ?, ?)");
        assertThat(p.isRefused()).isFalse();
        assertThat(column(p.parameter(1))).isEqualTo("patients.ssn");
        assertThat(column(p.parameter(2))).isEqualTo("patients.ssn");
        assertThat(column(p.parameter(3))).isEqualTo("patients.email");
        assertThat(plan("MERGE INTO patients p USING (SELECT 1 AS id) src ON p.id = src.id WHEN MATCHED AND p.ssn IS "
                + "NULL THEN UPDATE SET ssn = '123' WHEN NOT MATCHED THEN INSERT (id, ssn) VALUES (src.id, '456')")
                .hasLiterals()).isTrue();
        assertThat(plan("MERGE INTO patients p USING patients q ON p.id = q.id + 100 WHEN NOT MATCHED THEN INSERT "
                + "(id, ssn, email) VALUES (q.id + 100, q.ssn, q.email)").isRefused()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            MERGE INTO patients p USING clinics c ON p.ssn = c.name WHEN MATCHED THEN DELETE # MERGE … ON
            MERGE INTO patients p USING clinics c ON p.clinic_id = c.id WHEN MATCHED THEN UPDATE SET ssn = c.name # another column
            MERGE INTO patients p USING clinics c ON p.clinic_id = c.id WHEN MATCHED AND p.ssn = 'x' THEN DELETE # MERGE … WHEN … AND
            MERGE INTO patients p USING patients q ON p.id = q.id + 100 WHEN NOT MATCHED THEN INSERT (id, ssn) VALUES (q.id + 100, q.email) # another column
            """)
    void mergeRefusesWhatUpdateAndInsertRefuse(String sql, String construct) throws SQLException {
        SQLException e = refusal(sql);
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("patients.ssn", construct);
    }

    @Test
    void refusalMessagesNeverContainLiteralValues() throws SQLException {
        for (String sql : List.of(
                "SELECT * FROM patients WHERE ssn = '123-45-6789'",
                "SELECT * FROM patients WHERE ssn LIKE '%6789'",
                "INSERT INTO patients (ssn) VALUES (upper('123-45-6789'))",
                "UPDATE patients SET ssn = ssn || '123-45-6789'",
                "INSERT INTO patients (ssn) SELECT '123-45-6789' FROM generate_series(1, 2)",
                "SELECT * FROM patients WHERE ssn IN ('123-45-6789', '987-65-4321')",
                "SELECT '123-45-6789' FROM patients WHERE WHERE ssn",
                "SELECT 1; SELECT ssn FROM patients WHERE ssn = '123-45-6789'")) {
            SQLException e = refusal(sql);
            assertThat(e.getMessage()).as(sql).doesNotContain("123-45-6789").doesNotContain("6789");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // plans are computed from the text alone and are reusable

    @Test
    void planIsReusableAndLiteralFreeOfValues() throws SQLException {
        StatementPlan p = plan("UPDATE patients SET ssn = '123-45-6789' WHERE id = 1");
        assertThat(p.isCacheable()).isTrue();
        assertThat(p.toString()).doesNotContain("123-45-6789");
    }

    @Test
    void planOnMissingTableIsNotCached() throws SQLException {
        FakeCatalog empty = new FakeCatalog();
        StatementPlan p = analyzer.plan("SELECT ssn FROM patients", empty);
        assertThat(p.isCacheable()).isFalse();
    }

    @Test
    void encryptedColumnOfNumericTypeIsASchemaMismatch() throws SQLException {
        FakeCatalog wrong = new FakeCatalog().table("patients", "id int4", "ssn int4", "email bytea",
                "heart_rate bytea", "birth_date text");
        StatementPlan p = analyzer.plan("SELECT ssn FROM patients", wrong);
        SQLException e = catchThrowableOfType(SQLException.class, p::checkAllowed);
        assertThat(e.getSQLState()).isEqualTo("VE012");
        assertThat(e.getMessage()).contains("patients.ssn", "bytea");
    }

    @Test
    void aConfiguredColumnMissingFromTheTableRefusesEveryStatementOnItWithADidYouMean() throws SQLException {
        FakeCatalog misspelt = new FakeCatalog().table("patients", "id int4", "name text", "snn text",
                "email bytea", "heart_rate bytea", "birth_date text");
        for (String sql : new String[] {"INSERT INTO patients (name, snn) VALUES (?, ?)", "SELECT name FROM patients",
            "UPDATE patients SET snn = 'x' WHERE id = 1", "DELETE FROM patients WHERE id = 1"}) {
            StatementPlan p = analyzer.plan(sql, misspelt);
            SQLException e = catchThrowableOfType(SQLException.class, p::checkAllowed);
            assertThat(e.getSQLState()).as(sql).isEqualTo("VE012");
            assertThat(e.getMessage()).contains("patients.ssn is configured but does not exist")
                    .contains("patients has id, name, snn, email").contains("Did you mean snn?")
                    .doesNotContain("'x'");
            assertThat(p.isCacheable()).isFalse();
        }
    }

    @Test
    void aVarcharTooShortForCiphertextIsASchemaMismatchNamingTheLengthNeeded() throws SQLException {
        Catalog shortColumn = name -> new Catalog.TableInfo(List.of("id", "ssn", "email", "heart_rate", "birth_date"),
                List.of("int4", "varchar", "varchar", "varchar", "varchar"), List.of(-1, 11, 152, 73, -1));
        SQLException e = catchThrowableOfType(SQLException.class,
                analyzer.plan("SELECT ssn FROM patients", shortColumn)::checkAllowed);
        assertThat(e.getSQLState()).isEqualTo("VE012");
        assertThat(e.getMessage()).contains("patients.ssn is varchar(11)", "varchar(153)");
        assertThat((Throwable) catchThrowableOfType(SQLException.class,
                analyzer.plan("SELECT email FROM patients", shortColumn)::checkAllowed)).isNotNull();
        assertThatCode(analyzer.plan("SELECT heart_rate FROM patients", shortColumn)::checkAllowed)
                .doesNotThrowAnyException();
    }

    @Test
    void schemaChangeOnEncryptedTableIsFlagged() throws SQLException {
        assertThat(plan("ALTER TABLE patients ADD COLUMN x int").isSchemaChange()).isTrue();
        assertThat(plan("DROP TABLE visits").isSchemaChange()).isTrue();
        assertThatCode(() -> plan("CREATE INDEX i ON patients (name)").checkAllowed()).doesNotThrowAnyException();
    }
}
