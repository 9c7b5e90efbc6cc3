package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.runtime.RuntimeSeams;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
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
 * Views, materialized views and functions created around Veil (a migration on a plain connection, a DBA) over an
 * encrypted table, read through Veil: plaintext or a refusal, never ciphertext. Each refusal is checked to send
 * nothing of the statement to the server (pg_stat_activity shows the marker sent before it, or Veil's own catalog
 * reads).
 */
class DerivedRelationsIT {

    static final String SSN = "123-45-6789";

    static VeilFixture fx;
    static Connection veil;
    static Connection plain;
    static int veilPid;
    static int markers;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(DerivedRelationsIT.class, """
                  patients:
                    ssn: {}
                    pin: { type: int }
                  members:
                    email: { blind-index: email_bidx }
                """);
        fx.plainExecute("CREATE TABLE patients (id int PRIMARY KEY, name text, ssn text, pin bytea)",
                "CREATE TABLE visits (id int PRIMARY KEY, patient_id int, note text)",
                "CREATE TABLE members (id int PRIMARY KEY, email text, email_bidx bytea)");
        try (Connection setup = fx.veil(); Statement st = setup.createStatement()) {
            st.executeUpdate("INSERT INTO patients VALUES (1, 'Ada', '" + SSN + "', 1234)");
            st.executeUpdate("INSERT INTO visits VALUES (10, 1, 'checkup')");
            st.executeUpdate("INSERT INTO members (id, email) VALUES (5, 'ada@example.com')");
        }
        fx.plainExecute(
                "CREATE VIEW patient_ids AS SELECT id, ssn AS social, name FROM patients",
                "CREATE VIEW patient_cards AS SELECT p.id, p.social, v.note FROM patient_ids p "
                        + "JOIN visits v ON v.patient_id = p.id",
                "CREATE VIEW patient_codes AS SELECT id, name, upper(ssn) AS code, ssn FROM patients",
                "CREATE VIEW everyone AS SELECT name FROM visits JOIN patients USING (id) "
                        + "UNION SELECT ssn FROM patients",
                "CREATE VIEW counted AS SELECT count(*) AS n FROM patients WHERE ssn IS NOT NULL",
                "CREATE VIEW plain_view AS SELECT id, note FROM visits",
                "CREATE VIEW member_list AS SELECT * FROM members",
                "CREATE MATERIALIZED VIEW patients_copy AS SELECT id, ssn, pin, length(ssn) AS len FROM patients",
                "CREATE FUNCTION all_patients() RETURNS SETOF patients LANGUAGE sql AS 'SELECT * FROM patients'",
                "CREATE FUNCTION ssn_of(int) RETURNS text LANGUAGE sql AS 'SELECT ssn FROM patients WHERE id = $1'",
                "CREATE FUNCTION ssns() RETURNS TABLE (s text) LANGUAGE plpgsql AS $$ BEGIN "
                        + "RETURN QUERY SELECT ssn FROM public.patients; END $$",
                "CREATE FUNCTION ssns_again() RETURNS TABLE (s text) LANGUAGE sql AS 'SELECT * FROM ssns()'",
                "CREATE FUNCTION atomic_ssns() RETURNS SETOF text LANGUAGE sql BEGIN ATOMIC SELECT ssn FROM "
                        + "patients; END",
                "CREATE VIEW via_function AS SELECT id, ssn_of(id) AS s FROM visits",
                "CREATE FUNCTION visit_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM visits'");
        veil = fx.veil();
        plain = fx.plain();
        // created around Veil after it read the catalog: seen within a minute, or now after DDL through Veil
        VeilDataSourceAccess.runtime(veil).invalidateSchema();
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            veilPid = rs.getInt(1);
        }
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        plain.close();
        fx.close();
    }

    @Test
    void aViewColumnThatIsAPlainReferenceDecryptsLikeTheColumnRenamedOrNot() throws SQLException {
        assertThat(rows("SELECT id, social, name FROM patient_ids")).containsExactly("1|" + SSN + "|Ada");
        assertThat(rows("SELECT * FROM patient_ids")).containsExactly("1|" + SSN + "|Ada");
        assertThat(rows("SELECT p.social FROM public.patient_ids p WHERE p.id = 1")).containsExactly(SSN);
        assertThat(rows("SELECT id, ssn FROM patient_codes")).containsExactly("1|" + SSN);
        try (PreparedStatement ps = veil.prepareStatement("SELECT social FROM patient_ids WHERE id = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(SSN);
            }
        }
        // what the database holds behind the view is ciphertext
        assertThat(plainRows("SELECT social FROM patient_ids")).singleElement().asString().startsWith("veil1:");
    }

    @Test
    void aNestedViewDecryptsThroughEveryLevel() throws SQLException {
        assertThat(rows("SELECT id, social, note FROM patient_cards")).containsExactly("1|" + SSN + "|checkup");
        assertThat(rows("SELECT * FROM patient_cards")).containsExactly("1|" + SSN + "|checkup");
    }

    @Test
    void aMaterializedViewDecryptsItsPlainReferencesAndRefusesItsComputedColumns() throws SQLException {
        assertThat(rows("SELECT id, ssn FROM patients_copy")).containsExactly("1|" + SSN);
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT pin FROM patients_copy")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1234);
        }
        try (Statement st = veil.createStatement()) {
            st.execute("REFRESH MATERIALIZED VIEW patients_copy"); // copies ciphertext inside the server
        }
        assertThat(rows("SELECT ssn FROM patients_copy")).containsExactly(SSN);
        SQLException e = refusedWithoutSending("SELECT len FROM patients_copy");
        assertThat(e.getMessage()).contains("public.patients_copy.len").contains("materialized view");
        refusedWithoutSending("SELECT * FROM patients_copy");
    }

    @Test
    void aComputedViewColumnIsRefusedWhenSelectedAndOtherColumnsStillPass() throws SQLException {
        SQLException e = refusedWithoutSending("SELECT code FROM patient_codes");
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("public.patient_codes.code").contains("computed by view")
                .contains("plain column reference decrypts").doesNotContain(SSN);
        refusedWithoutSending("SELECT * FROM patient_codes");
        refusedWithoutSending("SELECT name FROM patient_codes WHERE code = 'X'");
        refusedWithoutSending("SELECT name FROM everyone");
        refusedWithoutSending("SELECT n FROM counted");
        refusedWithoutSending("SELECT s FROM via_function");
        assertThat(rows("SELECT id, name FROM patient_codes")).containsExactly("1|Ada");
        assertThat(rows("SELECT id FROM via_function")).containsExactly("10");
        assertThat(rows("SELECT * FROM plain_view")).containsExactly("10|checkup");
    }

    @Test
    void aCompanionColumnAViewExposesIsLeftOutOfStarAndRefusedWhenNamed() throws SQLException {
        assertThat(rows("SELECT * FROM member_list")).containsExactly("5|ada@example.com");
        SQLException e = refusedWithoutSending("SELECT id, email_bidx FROM member_list");
        assertThat(e.getMessage()).contains("public.member_list.email_bidx").contains("companion column");
        refusedWithoutSending("SELECT id FROM member_list WHERE email = 'ada@example.com'");
        assertThat(plainRows("SELECT email_bidx IS NOT NULL FROM member_list")).containsExactly("t");
    }

    @Test
    void searchingWritingOrWholeRowsThroughADerivedViewAreRefused() throws SQLException {
        SQLException search = refusedWithoutSending("SELECT id FROM patient_ids WHERE social = '" + SSN + "'");
        assertThat(search.getMessage()).contains("patient_ids.social").doesNotContain(SSN);
        refusedWithoutSending("SELECT id FROM patient_ids ORDER BY social");
        SQLException write = refusedWithoutSending("UPDATE patient_ids SET social = '000' WHERE id = 1");
        assertThat(write.getMessage()).contains("write through view public.patient_ids").doesNotContain("000");
        refusedWithoutSending("INSERT INTO patient_ids (id, social, name) VALUES (2, '111', 'Bob')");
        refusedWithoutSending("SELECT row_to_json(p) FROM patient_ids p");
        assertThat(plainRows("SELECT count(*) FROM patients")).containsExactly("1");
        assertThat(rows("SELECT count(social) FROM patient_ids WHERE social IS NOT NULL")).containsExactly("1");
    }

    @Test
    void aFunctionReadingAnEncryptedTableIsRefusedWhereverItIsCalled() throws SQLException {
        SQLException srf = refusedWithoutSending("SELECT * FROM all_patients()");
        assertThat(srf.getMessage()).contains("public.all_patients").contains("rows of patients");
        SQLException scalar = refusedWithoutSending("SELECT ssn_of(1)");
        assertThat(scalar.getMessage()).contains("public.ssn_of");
        refusedWithoutSending("SELECT s FROM ssns()");
        refusedWithoutSending("SELECT s FROM public.ssns_again ()");
        refusedWithoutSending("SELECT * FROM \"atomic_ssns\"()");
        refusedWithoutSending("SELECT id FROM visits WHERE ssn_of(id) IS NOT NULL");
        SQLException prepared = catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(
                "SELECT ssn_of(?)"));
        assertThat(prepared.getSQLState()).isEqualTo("VE010");
        assertThat(rows("SELECT visit_count()")).containsExactly("1");
    }

    @Test
    void aViewCreatedAroundVeilAfterConnectingIsSeenOnceTheCatalogIsReadAgain() throws SQLException {
        RuntimeSeams.schemaRefreshInterval(VeilDataSourceAccess.runtime(veil), java.time.Duration.ZERO);
        try {
            fx.plainExecute("CREATE VIEW late AS SELECT id, ssn FROM patients");
            assertThat(rows("SELECT ssn FROM late")).containsExactly(SSN);
            fx.plainExecute("CREATE OR REPLACE VIEW late AS SELECT id, lower(ssn) AS ssn FROM patients");
            refusedWithoutSending("SELECT ssn FROM late");
        } finally {
            RuntimeSeams.schemaRefreshInterval(VeilDataSourceAccess.runtime(veil), java.time.Duration.ofMinutes(1));
            fx.plainExecute("DROP VIEW late");
        }
    }

    @Test
    void readingTheCatalogInsideAnOpenTransactionLeavesTheTransactionUsable() throws SQLException {
        RuntimeSeams.schemaRefreshInterval(VeilDataSourceAccess.runtime(veil), java.time.Duration.ZERO);
        veil.setAutoCommit(false);
        try {
            try (Statement st = veil.createStatement()) {
                st.executeUpdate("UPDATE visits SET note = 'in a transaction' WHERE id = 10");
            }
            fx.plainExecute("CREATE VIEW in_tx AS SELECT id, ssn FROM patients");
            assertThat(rows("SELECT ssn FROM in_tx")).containsExactly(SSN); // described behind a savepoint
            assertThat(rows("SELECT note FROM visits WHERE id = 10")).containsExactly("in a transaction");
            veil.rollback();
        } finally {
            veil.setAutoCommit(true);
            RuntimeSeams.schemaRefreshInterval(VeilDataSourceAccess.runtime(veil), java.time.Duration.ofMinutes(1));
            fx.plainExecute("DROP VIEW in_tx");
        }
        assertThat(rows("SELECT note FROM visits WHERE id = 10")).containsExactly("checkup");
    }

    // --------------------------------------------------------------------------------------------------------

    private static List<String> rows(String sql) throws SQLException {
        return rows(veil, sql);
    }

    private static List<String> plainRows(String sql) throws SQLException {
        return rows(plain, sql);
    }

    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
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

    /** Runs {@code sql} through Veil, expects a VE refusal, and checks the server saw nothing of it. */
    private static SQLException refusedWithoutSending(String sql) throws SQLException {
        String marker = "SELECT 'marker-" + (++markers) + "'";
        try (Statement st = veil.createStatement()) {
            st.executeQuery(marker).close();
        }
        SQLException e;
        try (Statement st = veil.createStatement()) {
            e = catchThrowableOfType(SQLException.class, () -> st.execute(sql));
        }
        assertThat((Object) e).as("refused: %s", sql).isNotNull();
        assertThat(e.getSQLState()).as(sql).startsWith("VE");
        try (PreparedStatement ps = plain.prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, veilPid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String last = rs.getString(1);
                if (!last.equals(marker)) {
                    // Veil's own catalog reads may come in between, never the statement
                    assertThat(last).as("server saw nothing of %s", sql).doesNotContain(sql)
                            .containsAnyOf("pg_catalog.pg_attribute", "pg_catalog.pg_class", "pg_catalog.pg_proc");
                }
            }
        }
        return e;
    }
}
