package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.TestDatabase;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A deliberately wrong renderer ({@link Renderer#faultForTests}) is caught: a seeded differential run of statements
 * with several parameters over a blind-indexed encrypted column, through Veil and through plain pgjdbc on a
 * plaintext twin. The correct renderer agrees with the twin on every statement; with two parameters' positions
 * swapped the run finds a statement whose result or rows differ (the seed and the statement are printed); with one
 * parameter dropped every statement through the renderer is refused (VE011) and nothing changes in the database.
 */
class RendererFaultIT {

    static final long SEED = Long.getLong("veil.fuzz.seed", 20_261_202L);
    static final int STATEMENTS = 300;

    static VeilFixture fx;
    static TestDatabase twinDb;
    static Connection veil;
    static Connection twin;
    static int run;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(RendererFaultIT.class, """
                  rf:
                    email: { type: string, blind-index: { name: email_bidx } }
                """);
        twinDb = TestDatabase.create("RendererFaultITTwin");
        veil = fx.veil();
        twin = twinDb.plainConnection();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        twin.close();
        twinDb.drop();
        fx.close();
    }

    @AfterEach
    void noFault() {
        Renderer.faultForTests = null;
    }

    private static void freshTables() throws SQLException {
        fx.plainExecute("DROP TABLE IF EXISTS rf",
                "CREATE TABLE rf (id int PRIMARY KEY, grp int, name text, email bytea, email_bidx bytea, tags jsonb)");
        try (Statement st = twin.createStatement()) {
            st.execute("DROP TABLE IF EXISTS rf");
            st.execute("CREATE TABLE rf (id int PRIMARY KEY, grp int, name text, email text, tags jsonb)");
        }
    }

    @Test
    void correctRendererAgreesWithThePlaintextTwin() throws SQLException {
        freshTables();
        assertThat(firstDifference()).isNull();
        assertThat(rows(veil)).isEqualTo(rows(twin));
    }

    @Test
    void swappedParameterPositionsAreCaughtByTheComparison() throws SQLException {
        freshTables();
        Renderer.faultForTests = Renderer.Fault.SWAP_PARAMETERS;
        String difference = firstDifference();
        assertThat(difference).as("the wrong renderer must be caught, seed %s", SEED).isNotNull();
        System.out.println("RendererFaultIT caught the swapped renderer: " + difference);
    }

    @Test
    void droppedParameterIsRefusedAndNothingIsSent() throws SQLException {
        freshTables();
        Renderer.faultForTests = Renderer.Fault.DROP_PARAMETER;
        Random random = new Random(SEED);
        String tag = "/* run " + (++run) + " */ ";
        for (int n = 0; n < 50; n++) {
            List<Object> params = new ArrayList<>();
            String sql = tag + statement(random, n, params);
            Outcome v = run(veil, sql, params);
            assertThat(v.error).as("seed %s, statement %s: %s", SEED, n, sql).isEqualTo("VE011");
        }
        assertThat(rows(veil)).isEmpty();
    }

    @Test
    void jsonOperatorsInPgjdbcsEscapeBesideABlindIndexSearchGiveTheTwinsRows() throws SQLException {
        freshTables();
        String[] tags = {"{\"a\": 1}", "{\"b\": 2}", "{\"a\": 3, \"c\": 4}"};
        for (int i = 0; i < tags.length; i++) {
            String sql = "INSERT INTO rf (id, grp, name, email, tags) VALUES (?, ?, ?, ?, ?::jsonb)";
            List<Object> params = List.of(i + 1, i, "n", i == 2 ? "x@example.com" : "y@example.com", tags[i]);
            assertThat(run(veil, sql, params)).isEqualTo(run(twin, sql, params));
        }
        for (String sql : List.of("SELECT id FROM rf WHERE tags ?? 'a' AND email = ? ORDER BY id",
                "SELECT id FROM rf WHERE tags ??| array['a', 'b'] AND email = ? ORDER BY id",
                "SELECT id FROM rf WHERE tags ??& array['a', 'c'] AND email = ? AND grp >= ? ORDER BY id")) {
            List<Object> params = sql.contains("grp") ? List.of("x@example.com", 0) : List.of("y@example.com");
            Outcome v = run(veil, sql, params);
            assertThat(v.error).as(sql).isNull();
            assertThat(v).as(sql).isEqualTo(run(twin, sql, params));
        }
    }

    /** Runs the seeded statements through Veil and the twin; the first that differs, or null. */
    private static String firstDifference() throws SQLException {
        Random random = new Random(SEED);
        String tag = "/* run " + (++run) + " */ "; // fresh SQL texts: no plan cached by an earlier run
        for (int n = 0; n < STATEMENTS; n++) {
            List<Object> params = new ArrayList<>();
            String sql = tag + statement(random, n, params);
            Outcome v = run(veil, sql, params);
            Outcome t = run(twin, sql, params);
            if (!Objects.equals(v, t)) {
                return "seed " + SEED + ", statement " + n + ": " + sql + "\nveil: " + v + "\ntwin: " + t;
            }
        }
        return Objects.equals(rows(veil), rows(twin)) ? null : "seed " + SEED + ": table contents differ";
    }

    private static String statement(Random r, int n, List<Object> params) {
        String email = "user" + r.nextInt(20) + "@example.com";
        String name = "n" + r.nextInt(5);
        int grp = r.nextInt(4);
        int id = r.nextInt(n + 1);
        switch (r.nextInt(5)) {
            case 0: case 1:
                params.addAll(List.of(n + 1, grp, name, email));
                return "INSERT INTO rf (id, grp, name, email) VALUES (?, ?, ?, ?)";
            case 2:
                params.addAll(List.of(email, grp));
                return "SELECT id, name, email FROM rf WHERE email = ? AND grp = ? ORDER BY id";
            case 3:
                params.addAll(List.of(name, email, id));
                return "UPDATE rf SET name = ?, email = ? WHERE id = ?";
            default:
                params.addAll(List.of(grp, name, email));
                return "SELECT id FROM rf WHERE grp = ? AND name = ? AND email = ? ORDER BY id";
        }
    }

    private record Outcome(String error, List<List<String>> rows) {
    }

    private static Outcome run(Connection c, String sql, List<Object> params) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            return new Outcome(null, ps.execute() ? rows(ps.getResultSet()) : List.of(List.of(
                    String.valueOf(ps.getUpdateCount()))));
        } catch (SQLException e) {
            return new Outcome(String.valueOf(e.getSQLState()), null);
        }
    }

    private static List<List<String>> rows(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, grp, name, email, tags FROM rf ORDER BY id")) {
            return rows(rs);
        }
    }

    private static List<List<String>> rows(ResultSet rs) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                row.add(rs.getString(i));
            }
            out.add(row);
        }
        return out;
    }
}
