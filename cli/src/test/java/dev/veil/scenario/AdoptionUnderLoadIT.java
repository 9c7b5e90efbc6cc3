package dev.veil.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.admin.FinishReport;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.StatusReport;
import dev.veil.admin.VeilAdmin;
import dev.veil.driver.VeilDriver;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adopting Veil on a table full of plaintext while the application runs: 8 threads write and read through Veil
 * the whole time (legacy reads on for the two columns), {@code migrate encrypt} converts both columns, {@code
 * migrate finish} validates the backstops, {@code ddl --apply} has nothing left to do. No plaintext is left, no
 * update is lost, every lookup by email found its row from the first second, and plaintext written around Veil is
 * rejected (23514). Rows: {@code -Dveil.scenario.rows} (50,000 by default; the {@code scenarios} profile runs
 * 1,000,000).
 */
class AdoptionUnderLoadIT {

    static final long ROWS = Long.getLong("veil.scenario.rows", 50_000);
    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(AdoptionUnderLoadIT.class, """
                  users:
                    email: { type: string, blind-index: email_bidx, legacy-plaintext: true }
                    ssn: { legacy-plaintext: true }
                key-cache: { ttl: PT2S }
                """);
        fx.plainExecute("CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, ssn text, name text)",
                "INSERT INTO users SELECT i, 'user' || i || '@example.com', lpad((i % 1000)::text, 3, '0') || '-45-'"
                        + " || lpad((i % 10000)::text, 4, '0'), 'name ' || i FROM generate_series(1, " + ROWS + ") i",
                "ANALYZE users");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    static VeilAdmin admin() throws Exception {
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        return VeilAdmin.open(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    @Test
    void encryptsEverythingWhileTheApplicationKeepsWorking() throws Exception {
        Map<Long, AppLoad.Row> seeded = new HashMap<>();
        for (long i = 1; i <= ROWS; i++) {
            seeded.put(i, new AppLoad.Row("user" + i + "@example.com",
                    String.format("%03d-45-%04d", i % 1000, i % 10000)));
        }
        try (VeilAdmin admin = admin()) {
            admin.init(false);
            admin.applyDdl(); // companion column and its unique index; the backstops wait for the migration
            AppLoad load = new AppLoad(seeded);
            load.start(fx::veil, 8, ROWS);
            Thread.sleep(1_000);
            long t0 = System.nanoTime();
            List<JobResult> r = admin.migrateEncrypt(List.of("users.email", "users.ssn"),
                    JobOptions.defaults().withWorkers(2));
            assertThat(r.get(0).remaining()).isZero();
            long t1 = System.nanoTime();
            FinishReport finish = admin.migrateFinish(List.of("users.email", "users.ssn"));
            assertThat(finish.next()).contains("legacy-plaintext");
            admin.applyDdl();
            assertThat(admin.ddl().statements()).isEmpty();
            long t2 = System.nanoTime();
            Thread.sleep(1_000);
            load.close();
            System.out.printf("AdoptionUnderLoadIT: %d rows; migrate encrypt %.1f s (%d changed, %d skipped), finish "
                    + "%.1f s; load: %d lookups (%d missed), %d updates, %d inserts%n", ROWS, (t1 - t0) / 1e9,
                    r.get(0).rowsChanged(), r.get(0).rowsSkipped(), (t2 - t1) / 1e9, load.lookups.get(),
                    load.misses.get(), load.updates.get(), load.inserts.get());

            assertThat(load.errors).isEmpty();
            assertThat(load.lookups.get()).isPositive();
            assertThat(load.updates.get()).isPositive();
            assertThat(load.misses.get()).as("lookups by email that missed their row").isZero();
            StatusReport status = admin.status();
            assertThat(status.problems()).isEmpty();
            assertRaw(load.committed.size());
            assertCommitted(load.committed);
            assertThatThrownBy(() -> fx.plainExecute("INSERT INTO users (id, email) VALUES (-1, 'plain@example.com')"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23514"));
        }
    }

    /** Read raw: every value is an envelope, every row has an index value. */
    private static void assertRaw(long expectedRows) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*), count(*) FILTER (WHERE email NOT LIKE 'veil1:%' OR ssn NOT LIKE 'veil1:%'),"
                        + " count(*) FILTER (WHERE email_bidx IS NULL) FROM users")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(expectedRows);
            assertThat(rs.getLong(2)).as("plaintext values left").isZero();
            assertThat(rs.getLong(3)).as("rows without an index value").isZero();
        }
    }

    /** Through Veil: every row decrypts to what was last committed, and is found by its email. */
    private static void assertCommitted(Map<Long, AppLoad.Row> committed) throws SQLException {
        Map<Long, AppLoad.Row> read = new HashMap<>();
        try (Connection v = fx.veil(); Statement st = v.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, email, ssn FROM users")) {
            while (rs.next()) {
                read.put(rs.getLong(1), new AppLoad.Row(rs.getString(2), rs.getString(3)));
            }
        }
        assertThat(read.size()).isEqualTo(committed.size());
        long lost = committed.entrySet().stream().filter(e -> !e.getValue().equals(read.get(e.getKey()))).count();
        assertThat(lost).as("rows not as the application last committed them (lost updates)").isZero();
        System.out.printf("AdoptionUnderLoadIT: %d rows, all decrypted and as committed%n", read.size());
        // every row at the default size; at a million, the rows the application changed or inserted and a sample
        List<Map.Entry<Long, AppLoad.Row>> rows = new java.util.ArrayList<>(committed.entrySet());
        if (rows.size() > 200_000) {
            java.util.Collections.shuffle(rows, new java.util.Random(7));
            rows = rows.subList(0, 200_000);
        }
        try (Connection v = fx.veil(); PreparedStatement ps = v.prepareStatement("SELECT id FROM users WHERE email = ?")) {
            for (Map.Entry<Long, AppLoad.Row> e : rows) {
                ps.setString(1, e.getValue().email());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("found by email: row %d", e.getKey()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(e.getKey());
                }
            }
        }
    }
}
