package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A refused statement is refused before anything reaches the server: the server's own record of the connection's
 * last statement ({@code pg_stat_activity.query}) does not move, no trigger fires, the data is unchanged, an open
 * transaction stays usable — and the refusal never echoes the statement's values.
 */
class FailClosedIT {

    static VeilFixture fx;
    static Connection veil;
    static Connection plain;
    static int veilPid;
    static final AtomicInteger MARKERS = new AtomicInteger();

    /** Refused statements with literal values in them; every literal below must stay out of the message. */
    static final String[] REFUSED = {
        "SELECT * FROM patients WHERE ssn = '123-45-6789'",
        "SELECT id FROM patients WHERE ssn LIKE '%6789'",
        "SELECT id FROM patients WHERE ssn IN ('123-45-6789', '987-65-4321')",
        "UPDATE patients SET name = 'Mallory' WHERE ssn = '123-45-6789'",
        "DELETE FROM patients WHERE ssn <> '123-45-6789'",
        "INSERT INTO patients (name, ssn) VALUES ('Mallory', upper('123-45-6789'))",
        "UPDATE patients SET ssn = ssn || '-x' || '123-45-6789' WHERE id = 1",
        "INSERT INTO patients (name, ssn) SELECT 'Mallory', '123-45-6789' FROM generate_series(1, 3)",
        "UPDATE patients SET ssn = COALESCE(ssn, '123-45-6789')",
        "INSERT INTO patients (name, ssn) SELECT 'Mallory', ssn FROM patients WHERE ssn = '123-45-6789'",
        "UPDATE clinics SET name = 'x' WHERE id IN (SELECT clinic_id FROM patients WHERE ssn = '123-45-6789')",
        "SELECT heart_rate + 4242 FROM patients",
        "SELECT 1; DELETE FROM patients WHERE ssn = '123-45-6789'",
        "DELETE FROM patients WHERE ssn = '123-45-6789' AND WHERE",
        "MERGE INTO patients p USING clinics c ON p.ssn = c.name WHEN MATCHED THEN UPDATE SET name = 'Mallory'",
        "CREATE TABLE stolen AS SELECT ssn FROM patients WHERE name = 'Mallory'",
        "COPY patients (ssn) TO STDOUT",
        "SELECT row_to_json(p) FROM patients p WHERE name = 'Mallory'",
    };

    static final String[] LITERALS = {"123-45-6789", "6789", "987-65-4321", "Mallory", "-x", "4242"};

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(FailClosedIT.class, """
                  patients:
                    ssn: {}
                    heart_rate: { type: int }
                """);
        fx.plainExecute(
                "CREATE TABLE clinics (id int PRIMARY KEY, name text)",
                "CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, heart_rate bytea, clinic_id int)",
                "CREATE TABLE audit (id serial PRIMARY KEY, tbl text, op text)",
                "CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "INSERT INTO audit (tbl, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$",
                "CREATE TRIGGER patients_audit AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON patients "
                        + "FOR EACH STATEMENT EXECUTE FUNCTION log_change()",
                "CREATE TRIGGER clinics_audit AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clinics "
                        + "FOR EACH STATEMENT EXECUTE FUNCTION log_change()");
        veil = fx.veil();
        plain = fx.plain();
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO clinics VALUES (1, 'North')");
            st.executeUpdate("INSERT INTO patients (name, ssn, heart_rate, clinic_id) VALUES ('Ada', '123-45-6789', "
                    + "72, 1), ('Bob', '987-65-4321', 80, 1)");
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                veilPid = rs.getInt(1);
            }
        }
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        plain.close();
        fx.close();
    }

    /** Sends a harmless marker statement through Veil; returns its text. */
    private static String marker() throws SQLException {
        String text = "SELECT 'marker-" + MARKERS.incrementAndGet() + "'";
        try (Statement st = veil.createStatement()) {
            st.executeQuery(text).close();
        }
        return text;
    }

    /** The last statement the server saw on the Veil connection. */
    private static String lastStatementSeenByServer() throws SQLException {
        try (PreparedStatement ps = plain.prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, veilPid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static List<String> state() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = veil.createStatement()) {
            for (String q : new String[] {"SELECT id, name, ssn, heart_rate, clinic_id FROM patients ORDER BY id",
                "SELECT * FROM clinics ORDER BY id", "SELECT count(*) FROM audit",
                "SELECT count(*) FROM pg_class WHERE relname = 'stolen'"}) {
                try (ResultSet rs = st.executeQuery(q)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            sb.append(rs.getString(i)).append('|');
                        }
                        out.add(sb.toString());
                    }
                }
            }
        }
        return out;
    }

    private static void assertRefusedWithoutSending(String sql, SQLException e, String sentBefore) throws SQLException {
        assertThat((Object) e).as("refused: %s", sql).isNotNull();
        assertThat(e.getSQLState()).as(sql).startsWith("VE");
        for (String literal : LITERALS) {
            assertThat(e.getMessage()).as("message of %s", sql).doesNotContain(literal);
        }
        String last = lastStatementSeenByServer();
        // the only thing Veil may have sent in between is its own catalog read (column names and types)
        if (!last.equals(sentBefore)) {
            assertThat(last).as("server saw nothing of %s", sql).satisfiesAnyOf(
                    l -> assertThat(l).startsWith(CATALOG_QUERY), l -> assertThat(l).startsWith(TABLE_QUERY));
        }
    }

    /** How Veil's catalog reads a table's columns (dev.veil.driver.sql.JdbcCatalog). */
    static final String CATALOG_QUERY = "SELECT a.attname, t.typname";
    /** How Veil looks up whether a configured table exists (dev.veil.driver.sql.TableGuard). */
    static final String TABLE_QUERY = "SELECT n.nspname FROM pg_catalog.pg_class c";

    @ParameterizedTest(name = "Statement: {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
    void refusedStatementSendsNothingAndChangesNothing(int index) throws SQLException {
        String sql = REFUSED[index];
        List<String> before = state();
        String sent = marker();
        SQLException e;
        try (Statement st = veil.createStatement()) {
            e = catchThrowableOfType(SQLException.class, () -> st.execute(sql));
        }
        assertRefusedWithoutSending(sql, e, sent);
        assertThat(state()).isEqualTo(before);
    }

    @ParameterizedTest(name = "PreparedStatement: {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
    void refusedPreparedStatementSendsNothingAndChangesNothing(int index) throws SQLException {
        String sql = REFUSED[index];
        List<String> before = state();
        String sent = marker();
        SQLException e = catchThrowableOfType(SQLException.class, () -> veil.prepareStatement(sql).execute());
        assertRefusedWithoutSending(sql, e, sent);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void refusalsAreConsistentOnEveryAttemptAndBatchesToo() throws SQLException {
        String sql = "DELETE FROM patients WHERE ssn = '123-45-6789'";
        String sent = marker();
        for (int i = 0; i < 3; i++) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> veil.createStatement().executeUpdate(sql));
            assertThat(e.getSQLState()).isEqualTo("VE010");
        }
        try (Statement st = veil.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> st.addBatch(sql));
            assertThat(e.getSQLState()).isEqualTo("VE010");
            assertThat(st.executeBatch()).isEmpty();
        }
        assertThat(lastStatementSeenByServer()).isEqualTo(sent);
    }

    @Test
    void refusalInsideATransactionLeavesItUsable() throws SQLException {
        List<String> before = state();
        veil.setAutoCommit(false);
        try {
            try (Statement st = veil.createStatement()) {
                st.executeUpdate("UPDATE clinics SET name = 'South' WHERE id = 1");
                SQLException e = catchThrowableOfType(SQLException.class,
                        () -> st.executeQuery("SELECT id FROM patients WHERE ssn = '123-45-6789'"));
                assertThat(e.getSQLState()).isEqualTo("VE010");
                // a statement that reached the server and failed would have aborted the transaction (25P02)
                try (ResultSet rs = st.executeQuery("SELECT name FROM clinics WHERE id = 1")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("South");
                }
            }
            veil.rollback();
        } finally {
            veil.setAutoCommit(true);
        }
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void prepareCallOnEncryptedColumnIsRefusedBeforeSending() throws SQLException {
        String sent = marker();
        SQLException e = catchThrowableOfType(SQLException.class, () -> veil.prepareCall("SELECT ssn FROM patients"));
        assertThat(e.getSQLState()).isEqualTo("VE010");
        assertThat(e.getMessage()).contains("prepareCall");
        assertThat(lastStatementSeenByServer()).isEqualTo(sent);
    }

    @Test
    void prepareCallRefusalNamesTheColumn() {
        SQLException e = catchThrowableOfType(SQLException.class, () -> veil.prepareCall("SELECT ssn FROM patients"));
        assertThat(e.getMessage()).contains("patients.ssn");
    }

    @Test
    void passThroughStatementsDoReachTheServer() throws SQLException {
        // the control for the checks above: a statement Veil lets through is what the server sees, byte for byte
        String sql = "SELECT name FROM clinics WHERE id = 1 /* pass-through */";
        try (Statement st = veil.createStatement()) {
            st.executeQuery(sql).close();
        }
        assertThat(lastStatementSeenByServer()).isEqualTo(sql);
    }
}
