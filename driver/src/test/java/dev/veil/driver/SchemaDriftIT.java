package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.runtime.RuntimeSeams;
import dev.veil.testing.VeilFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No configuration mistake fails open: a misspelt column or table, a table created after connecting, a column
 * renamed after start-up, a varchar too short for ciphertext. Each case checks what the database really stores
 * through plain pgjdbc; refusals are VE012 and never carry a value.
 */
class SchemaDriftIT {

    static final String SSN = "123-45-6789";
    static final String NAME = "Ada Lovelace";

    VeilFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aMisspeltColumnRefusesTheWriteWithADidYouMean() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    snn: {}\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text)");
        try (Connection veil = fx.veil()) {
            SQLException e = refused(() -> insert(veil, "patients", "ssn"));
            assertThat(e.getMessage()).contains("patients.snn").contains("patients has id, name, ssn")
                    .contains("Did you mean ssn?");
            refused(() -> veil.createStatement().executeUpdate("INSERT INTO patients (name, ssn) VALUES ('"
                    + NAME + "', '" + SSN + "')"));
            refused(() -> veil.createStatement().executeQuery("SELECT ssn FROM patients"));
        }
        assertThat(stored("SELECT ssn FROM patients")).isEmpty();
    }

    @Test
    void rowsWrittenBeforeAColumnWasMisspeltAreNotReadAsTheRawCiphertext() throws Exception {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text)");
        try (Connection veil = fx.veil()) {
            insert(veil, "patients", "ssn");
        }
        assertThat(stored("SELECT ssn FROM patients")).singleElement().asString().startsWith("veil1:");
        try (Connection misspelt = connectWith("  patients:\n    snn: {}\n")) {
            SQLException e = refused(() -> misspelt.createStatement().executeQuery("SELECT name, ssn FROM patients"));
            assertThat(e.getMessage()).contains("Did you mean ssn?");
        }
    }

    @Test
    void aMisspeltTableWithANearMissTableRefusesStatementsNamingIt() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patient:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text)",
                "CREATE TABLE visits (id serial PRIMARY KEY, note text)");
        try (Connection veil = fx.veil()) {
            SQLException e = refused(() -> insert(veil, "patients", "ssn"));
            assertThat(e.getMessage()).contains("encrypts patient (ssn), which does not exist")
                    .contains("did you mean public.patients?");
            refused(() -> insert(veil, "Patients", "ssn"));
            refused(() -> veil.createStatement().executeQuery("SELECT ssn FROM public.patients"));
            refused(() -> veil.createStatement().execute("DO $$ BEGIN INSERT INTO patients (name, ssn) VALUES ('"
                    + NAME + "', '" + SSN + "'); END $$"));
            try (Statement st = veil.createStatement()) {
                assertThat(st.executeUpdate("INSERT INTO visits (note) VALUES ('fine')")).isEqualTo(1);
            }
        }
        assertThat(stored("SELECT ssn FROM patients")).isEmpty();
    }

    @Test
    void aMissingTableWithoutNearMissMayBeCreatedLaterThroughVeil() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE visits (id serial PRIMARY KEY, note text)");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO visits (note) VALUES ('before')")).isEqualTo(1);
            // a migration (Flyway, Liquibase, Hibernate ddl-auto) through the same pool
            st.execute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn bytea)");
            insert(veil, "patients", "ssn");
            assertThat(readSsn(veil, "patients")).isEqualTo(SSN);
        }
        assertEncrypted("SELECT ssn FROM patients");
    }

    @Test
    void aTableCreatedOutsideVeilAfterConnectingIsEncryptedOnFirstUse() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE visits (id serial PRIMARY KEY, note text)");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO visits (note) VALUES ('before')");
            SQLException missing = catchThrowableOfType(SQLException.class, () -> insert(veil, "patients", "ssn"));
            assertThat(missing.getSQLState()).isEqualTo("42P01"); // the server's: relation does not exist
            fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text)");
            insert(veil, "patients", "ssn");
            assertThat(readSsn(veil, "patients")).isEqualTo(SSN);
        }
        assertEncrypted("SELECT ssn FROM patients");
    }

    @Test
    void aNearMissTableCreatedAfterConnectingIsRefusedThroughVeilAndOutside() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE visits (id serial PRIMARY KEY, note text)");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO visits (note) VALUES ('before')");
            SQLException missing = catchThrowableOfType(SQLException.class, () -> insert(veil, "patient", "ssn"));
            assertThat(missing.getSQLState()).isEqualTo("42P01");
            fx.plainExecute("CREATE TABLE patient (id serial PRIMARY KEY, name text, ssn text)");
            assertThat(refused(() -> insert(veil, "patient", "ssn")).getMessage())
                    .contains("did you mean public.patient?");
            st.execute("CREATE TABLE patientz (id serial PRIMARY KEY, name text, ssn text)");
            refused(() -> insert(veil, "patientz", "ssn"));
        }
        assertThat(stored("SELECT ssn FROM patient UNION ALL SELECT ssn FROM patientz")).isEmpty();
    }

    @Test
    void transactionControlStillWorksInAnAbortedTransactionAfterDdl() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            veil.setAutoCommit(false);
            st.execute("CREATE TABLE visits (id int PRIMARY KEY)");
            // DDL makes the guard look again, and this one fails, aborting the transaction
            assertThat(catchThrowableOfType(SQLException.class, () -> st.execute("CREATE TABLE visits (id int)"))
                    .getSQLState()).isEqualTo("42P07");
            st.execute("ROLLBACK");
            assertThat(st.executeUpdate("CREATE TABLE visits (id int PRIMARY KEY)")).isZero();
            veil.commit();
        }
    }

    @Test
    void aTableInAnotherSchemaThanConfiguredIsRefused() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  clinic.patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE SCHEMA app", "CREATE TABLE app.patients (id serial PRIMARY KEY, name text, ssn text)");
        try (Connection veil = fx.veil()) {
            assertThat(refused(() -> insert(veil, "app.patients", "ssn")).getMessage())
                    .contains("encrypts clinic.patients (ssn)").contains("did you mean app.patients?");
        }
        assertThat(stored("SELECT ssn FROM app.patients")).isEmpty();
    }

    @Test
    void aMisspeltColumnOfATableBehindSearchPathIsRefused() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    snn: {}\n");
        fx.plainExecute("CREATE SCHEMA app", "CREATE TABLE app.patients (id serial PRIMARY KEY, name text, ssn text)");
        try (Connection veil = fx.veil()) {
            try (Statement st = veil.createStatement()) {
                st.execute("SET search_path TO app");
            }
            assertThat(refused(() -> insert(veil, "patients", "ssn")).getMessage()).contains("Did you mean ssn?");
        }
        assertThat(stored("SELECT ssn FROM app.patients")).isEmpty();
    }

    @Test
    void aColumnRenamedThroughVeilAfterStartUpIsRefused() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text)");
        try (Connection veil = fx.veil(); Statement st = veil.createStatement()) {
            insert(veil, "patients", "ssn");
            st.execute("ALTER TABLE patients RENAME COLUMN ssn TO social");
            assertThat(refused(() -> insert(veil, "patients", "social")).getMessage())
                    .contains("patients.ssn is configured but does not exist");
            st.execute("ALTER TABLE patients DROP COLUMN social");
            refused(() -> veil.createStatement().executeQuery("SELECT name FROM patients"));
        }
    }

    @Test
    void aColumnRenamedOutsideVeilIsSeenAtTheNextCatalogCheck() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text)");
        try (Connection veil = fx.veil()) {
            insert(veil, "patients", "ssn");
            // the catalog check that runs once a minute, here before every statement
            RuntimeSeams.schemaRefreshInterval(VeilDataSourceAccess.runtime(veil), java.time.Duration.ZERO);
            fx.plainExecute("ALTER TABLE patients RENAME COLUMN ssn TO social"); // around Veil
            assertThat(refused(() -> insert(veil, "patients", "social")).getMessage())
                    .contains("patients.ssn is configured but does not exist");
        }
        assertThat(stored("SELECT social FROM patients")).singleElement().asString().startsWith("veil1:");
    }

    @Test
    void aVarcharTooShortForCiphertextIsRefusedWithTheLengthItNeeds() throws SQLException {
        fx = VeilFixture.create(SchemaDriftIT.class, "  patients:\n    ssn: {}\n  vitals:\n    pulse: { type: int }\n");
        fx.plainExecute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn varchar(11))",
                "CREATE TABLE vitals (id serial PRIMARY KEY, name text, pulse varchar(80))");
        try (Connection veil = fx.veil()) {
            SQLException e = refused(() -> insert(veil, "patients", "ssn"));
            assertThat(e.getMessage()).contains("patients.ssn is varchar(11), too short")
                    .contains("varchar(153)").contains("TYPE text");
            try (PreparedStatement ps = veil.prepareStatement("INSERT INTO vitals (name, pulse) VALUES (?, ?)")) {
                ps.setString(1, NAME);
                ps.setInt(2, 72);
                assertThat(ps.executeUpdate()).isEqualTo(1); // a 4-byte int needs at most 73 characters
            }
        }
        assertThat(stored("SELECT ssn FROM patients")).isEmpty();
        assertThat(stored("SELECT pulse FROM vitals")).singleElement().asString().startsWith("veil1:");
    }

    // --------------------------------------------------------------------------------------------------------

    interface Action {
        void run() throws SQLException;
    }

    static SQLException refused(Action action) {
        SQLException e = catchThrowableOfType(SQLException.class, action::run);
        assertThat((Throwable) e).as("refused").isNotNull().isInstanceOf(SQLNonTransientException.class);
        assertThat(e.getSQLState()).isEqualTo(VeilSqlState.SCHEMA_MISMATCH.state());
        assertThat(e.getMessage()).doesNotContain(SSN).doesNotContain(NAME).doesNotContain("veil1:");
        return e;
    }

    static void insert(Connection veil, String table, String column) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO " + table + " (name, " + column
                + ") VALUES (?, ?)")) {
            ps.setString(1, NAME);
            ps.setString(2, SSN);
            ps.executeUpdate();
        }
    }

    static String readSsn(Connection veil, String table) throws SQLException {
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT ssn FROM " + table)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /** The raw stored values, through plain pgjdbc. */
    List<Object> stored(String sql) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getObject(1) instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1)
                        : rs.getObject(1));
            }
        }
        return out;
    }

    void assertEncrypted(String sql) throws SQLException {
        List<Object> values = stored(sql);
        assertThat(values).isNotEmpty().allSatisfy(v -> assertThat(v.toString()).doesNotContain(SSN)
                .matches(s -> s.startsWith("veil1:") || s.startsWith("V\u0001"), "a Veil envelope"));
    }

    /** A second Veil runtime on the same database, with another configuration (same master key). */
    Connection connectWith(String tablesYaml) throws Exception {
        Path other = fx.configFile().resolveSibling("other-" + System.nanoTime() + ".yml");
        Files.writeString(other, "master-key: local-keyset:" + fx.masterKeyFile() + "\ntables:\n" + tablesYaml,
                StandardCharsets.UTF_8);
        String url = fx.database().veilUrl();
        return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "veil.config=" + other,
                fx.properties());
    }
}
