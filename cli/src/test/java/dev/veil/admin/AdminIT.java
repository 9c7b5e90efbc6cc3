package dev.veil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobProgress;
import dev.veil.admin.job.JobResult;
import dev.veil.driver.VeilDriver;
import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.testing.VeilFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The administration API end to end on one table that starts as plaintext: init, ddl, migrate encrypt, finish
 * (backstop), status, backfill, data-key rotation, re-encryption with an interrupted run resumed, retirement and
 * master-key rotation. One ordered scenario: each step starts from the state the one before left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminIT {

    static final int ROWS = 2_000;
    static VeilFixture fx;
    static VeilAdmin admin;
    static final Map<Long, String> EMAILS = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(AdminIT.class, """
                  users:
                    email: { type: string, blind-index: email_bidx }
                    ssn: {}
                allow-legacy-plaintext: true
                key-cache: { ttl: PT1S }
                """);
        fx.plainExecute("CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, ssn text, name text)");
        try (Connection c = fx.plain(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO users VALUES (?, ?, ?, ?)")) {
            for (long i = 1; i <= ROWS; i++) {
                String email = "user" + i + "@example.com";
                EMAILS.put(i, email);
                ps.setLong(1, i);
                ps.setString(2, email);
                ps.setString(3, i % 10 == 0 ? null : String.format("%03d-45-%04d", i % 1000, i));
                ps.setString(4, "name " + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        admin = open(fx.configFile());
    }

    static VeilAdmin open(Path config) throws Exception {
        Properties p = new Properties();
        p.setProperty("veil.config", config.toString());
        return VeilAdmin.open(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    @AfterAll
    static void tearDown() {
        if (admin != null) {
            admin.close();
        }
        fx.close();
    }

    @Test
    @Order(1)
    void initCreatesKeysAndDdlPlansCompanionsAndDefersTheBackstop() throws Exception {
        KeyReport init = admin.init(false);
        assertThat(init.changes()).anyMatch(c -> c.startsWith("created ")).hasSize(2);
        assertThat(admin.init(false).changes()).allMatch(c -> c.startsWith("kept "));

        List<DdlStatement> ddl = admin.ddl().statements();
        assertThat(ddl).extracting(DdlStatement::sql).contains("ALTER TABLE users ADD COLUMN email_bidx bytea")
                .anyMatch(s -> s.startsWith("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_bidx_idx"));
        assertThat(admin.ddl().notes()).anyMatch(n -> n.contains("backstop of users.email deferred"));
        assertThat(ddl).filteredOn(s -> !s.required()).extracting(DdlStatement::sql).containsExactlyInAnyOrder(
                "ALTER TABLE users ALTER COLUMN email SET STORAGE EXTERNAL",
                "ALTER TABLE users ALTER COLUMN ssn SET STORAGE EXTERNAL");
        admin.applyDdl();
        assertThat(admin.ddl().statements()).isEmpty();
        assertThat(storage("email")).isEqualTo("e");
        assertThat(storage("ssn")).isEqualTo("e");
        assertThat(storage("name")).isEqualTo("x"); // not an encrypted column
    }

    @Test
    @Order(2)
    void anEncryptedColumnStoredExtendedIsAdviceNotAProblem() throws Exception {
        fx.plainExecute("ALTER TABLE users ALTER COLUMN ssn SET STORAGE EXTENDED");
        DoctorReport r = admin.doctor();
        assertThat(r.ddl()).extracting(DdlStatement::sql)
                .containsExactly("ALTER TABLE users ALTER COLUMN ssn SET STORAGE EXTERNAL");
        assertThat(r.checks()).anyMatch(c -> c.startsWith("advice: encrypted column users.ssn is stored EXTENDED"));
        assertThat(r.problems()).noneMatch(p -> p.contains("STORAGE"));
        admin.applyDdl();
        assertThat(storage("ssn")).isEqualTo("e");
    }

    private static String storage(String column) throws SQLException {
        try (Connection c = fx.plain(); PreparedStatement ps = c.prepareStatement("SELECT attstorage FROM "
                + "pg_attribute WHERE attrelid = 'users'::regclass AND attname = ?")) {
            ps.setString(1, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    @Order(3)
    void migrateEncryptConvertsEveryRowAndIndexesIt() throws Exception {
        List<JobResult> r = admin.migrateEncrypt(List.of("users.email", "users.ssn"), JobOptions.defaults()
                .withBatchSize(300).withWorkers(2));
        assertThat(r).hasSize(1);
        assertThat(r.get(0).rowsChanged()).isEqualTo(ROWS);
        assertThat(r.get(0).remaining()).isZero();
        assertThat(r.get(0).resumed()).isFalse();
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FILTER (WHERE email NOT LIKE 'veil1:%'), count(*) FILTER (WHERE ssn NOT LIKE "
                        + "'veil1:%'), count(*) FILTER (WHERE email_bidx IS NULL) FROM users")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
            assertThat(rs.getLong(2)).isZero();
            assertThat(rs.getLong(3)).isZero();
        }
        try (Connection v = fx.veil(); PreparedStatement ps = v.prepareStatement("SELECT id, ssn FROM users WHERE email = ?")) {
            for (long id : new long[] {1, 77, ROWS - 1}) {
                ps.setString(1, EMAILS.get(id));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(id);
                    assertThat(rs.getString(2)).isEqualTo(String.format("%03d-45-%04d", id % 1000, id));
                }
            }
        }
        // a second run finds nothing to do
        assertThat(admin.migrateEncrypt(List.of("users.email"), JobOptions.defaults()).get(0).rowsExamined()).isZero();
    }

    @Test
    @Order(4)
    void finishValidatesTheBackstopSoPlaintextAroundVeilIsRejected() throws Exception {
        FinishReport f = admin.migrateFinish(List.of("users.email", "users.ssn"));
        assertThat(f.next()).contains("allow-legacy-plaintext");
        try (Connection c = fx.plain(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("INSERT INTO users (id, email) VALUES (-1, 'mallory@example.com')"))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("23514");
            assertThatThrownBy(() -> st.execute("UPDATE users SET ssn = '123-45-6789' WHERE id = 1"))
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23514");
        }
        StatusReport s = admin.status();
        assertThat(s.problems()).isEmpty();
        assertThat(s.columns()).allSatisfy(col -> assertThat(col.plaintextRows()).isZero());
        assertThat(s.columns().get(0).rowsByKeyVersion()).hasSize(1);
    }

    @Test
    @Order(5)
    void backfillFillsMissingIndexValues() throws Exception {
        fx.plainExecute("UPDATE users SET email_bidx = NULL WHERE id % 7 = 0");
        List<JobResult> r = admin.backfill(List.of(), JobOptions.defaults());
        assertThat(r.get(0).rowsChanged()).isEqualTo(ROWS / 7);
        assertThat(admin.status().indexes().get(0).rowsMissing()).isZero();
        try (Connection v = fx.veil(); PreparedStatement ps = v.prepareStatement("SELECT id FROM users WHERE email = ?")) {
            ps.setString(1, EMAILS.get(14L));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    @Order(6)
    void rotateDataKeyThenReencryptResumesAfterAStop() throws Exception {
        KeyReport rotated = admin.rotateDataKey("users", false);
        assertThat(rotated.changes()).hasSize(1);
        StatusReport before = admin.status();
        long primary = before.columns().get(0).primaryVersion();
        assertThat(before.problems()).anyMatch(p -> p.contains("not the primary"));

        AtomicInteger batches = new AtomicInteger();
        JobOptions stopping = JobOptions.defaults().withBatchSize(100)
                .withControl(() -> batches.get() >= 5)
                .withProgress(new JobProgress() {
                    @Override
                    public void advanced(long examined, long changed) {
                        batches.incrementAndGet();
                    }
                });
        assertThatThrownBy(() -> admin.reencrypt("users", null, stopping)).isInstanceOf(AdminException.class)
                .satisfies(e -> assertThat(((AdminException) e).outcome()).isEqualTo(AdminException.Outcome.INTERRUPTED))
                .satisfies(e -> assertThat(((AdminException) e).result().rowsChanged()).isEqualTo(500));

        JobResult rest = admin.reencrypt("users", null, JobOptions.defaults().withBatchSize(100)).get(0);
        assertThat(rest.resumed()).isTrue();
        assertThat(rest.rowsExamined()).isEqualTo(ROWS - 500);
        assertThat(rest.remaining()).isZero();
        StatusReport after = admin.status();
        assertThat(after.problems()).isEmpty();
        assertThat(after.columns()).allSatisfy(c -> assertThat(c.rowsByKeyVersion().keySet())
                .containsExactly(Long.toString(primary)));
        String old = before.columns().get(0).rowsByKeyVersion().keySet().stream()
                .filter(v -> !v.equals(Long.toString(primary))).findFirst().orElseThrow();

        Thread.sleep(1_100); // one key-cache TTL after the rotation
        KeyReport retired = admin.retireDataKey("users", Long.parseLong(old), false);
        assertThat(retired.changes()).anyMatch(c -> c.startsWith("destroyed version " + old));
        try (Connection v = fx.veil(); Statement st = v.createStatement();
                ResultSet rs = st.executeQuery("SELECT email FROM users WHERE id = 5")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(EMAILS.get(5L));
        }
    }

    @Test
    @Order(7)
    void retireRefusesAVersionStillInUse() throws Exception {
        long primary = admin.status().columns().get(0).primaryVersion();
        admin.rotateDataKey("users", false);
        Thread.sleep(1_100);
        assertThatThrownBy(() -> admin.retireDataKey("users", primary, false)).isInstanceOf(AdminException.class)
                .satisfies(e -> assertThat(((AdminException) e).outcome()).isEqualTo(AdminException.Outcome.PROBLEMS))
                .hasMessageContaining("still use version " + primary);
        admin.reencrypt("users", null, JobOptions.defaults().withBatchSize(1_000).withWorkers(2));
        Thread.sleep(1_100);
        admin.retireDataKey("users", primary, false);
    }

    @Test
    @Order(8)
    void rotateMasterKeyRewrapsKeysAndTouchesNoRow() throws Exception {
        String rowsBefore = digest();
        Path newKey = fx.masterKeyFile().resolveSibling("master-2.json");
        LocalKeysetGenerator.generate(newKey);
        KeyReport r = admin.rotateMasterKey("local-keyset:" + newKey, false);
        assertThat(r.changes().get(0)).startsWith("re-wrapped 2 data key(s)");
        assertThat(digest()).isEqualTo(rowsBefore);

        Path config = fx.configFile().resolveSibling("veil-2.yml");
        Files.writeString(config, Files.readString(fx.configFile()).replace(fx.masterKeyFile().toString(),
                newKey.toString()));
        try (VeilAdmin second = open(config)) {
            assertThat(second.doctor().problems()).isEmpty();
            assertThat(second.status().problems()).isEmpty();
        }
    }

    static String digest() throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
