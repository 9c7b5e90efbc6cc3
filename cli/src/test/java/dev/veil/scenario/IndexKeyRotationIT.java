package dev.veil.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.StatusReport;
import dev.veil.admin.VeilAdmin;
import dev.veil.driver.VeilDriver;
import dev.veil.testing.VeilFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotating a blind-index key online: two application processes (JVMs of their own, key caches refreshing every
 * two seconds on their own schedule) search by email in a loop — and insert rows — from before the rotation
 * starts until after the old key is gone. Not one search misses; afterwards the index key has one version, not
 * the old one, and every row is indexed under it.
 */
class IndexKeyRotationIT {

    static final long ROWS = Long.getLong("veil.scenario.rows", 50_000) / 5;
    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(IndexKeyRotationIT.class, """
                  users:
                    email: { type: string, blind-index: email_bidx }
                    ssn: {}
                key-cache: { ttl: PT2S }
                """);
        fx.plainExecute("CREATE TABLE users (id bigint PRIMARY KEY, email text, ssn text, name text, email_bidx bytea)");
        try (Connection v = fx.veil(); java.sql.PreparedStatement ps = v.prepareStatement(
                "INSERT INTO users (id, email, ssn, name) VALUES (?, ?, ?, ?)")) {
            v.setAutoCommit(false);
            for (long i = 1; i <= ROWS; i++) {
                ps.setLong(1, i);
                ps.setString(2, SearchLoop.email(i));
                ps.setString(3, "123-45-6789");
                ps.setString(4, "n");
                ps.addBatch();
                if (i % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            v.commit();
        }
        fx.plainExecute("CREATE UNIQUE INDEX ON users (email_bidx)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @Test
    void noSearchMissesWhileTheKeyIsReplaced() throws Exception {
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        Path stop = fx.configFile().resolveSibling("stop");
        List<Process> apps = new ArrayList<>();
        List<CompletableFuture<List<String>>> outputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SearchLoop.class.getName(), fx.veilUrl(),
                    Long.toString(ROWS), Integer.toString(i), stop.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            apps.add(proc);
            BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            outputs.add(CompletableFuture.supplyAsync(() -> out.lines().toList()));
        }
        try (VeilAdmin admin = VeilAdmin.open(VeilDriver.configFrom(p), fx::plain, fx.database().name())) {
            List<String> before = admin.status().indexes().get(0).keyVersions();
            assertThat(before).hasSize(1);
            Thread.sleep(1_000);
            JobResult r = admin.rotateIndexKey("users.email_bidx", Duration.ofSeconds(3), JobOptions.defaults());
            assertThat(r.rowsChanged()).isGreaterThanOrEqualTo(ROWS);
            System.out.printf("IndexKeyRotationIT: %d rows re-indexed of %d examined in %.1f s%n", r.rowsChanged(),
                    r.rowsExamined(), r.seconds());
            Thread.sleep(3_000); // the processes keep searching with the new key only
            Files.writeString(stop, "stop");
            long searches = 0;
            for (int i = 0; i < apps.size(); i++) {
                assertThat(apps.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
                List<String> lines = outputs.get(i).get(10, TimeUnit.SECONDS);
                String last = lines.get(lines.size() - 1);
                Matcher m = Pattern.compile("searches=(\\d+) misses=(\\d+) inserts=(\\d+)").matcher(last);
                assertThat(m.matches()).as(String.join("\n", lines)).isTrue();
                assertThat(Long.parseLong(m.group(2))).as("misses of process %d: %s", i, lines).isZero();
                searches += Long.parseLong(m.group(1));
            }
            assertThat(searches).isGreaterThan(1_000);
            System.out.printf("IndexKeyRotationIT: %d searches by 2 processes, 0 misses%n", searches);

            StatusReport.IndexStatus after = admin.status().indexes().get(0);
            assertThat(after.state()).isEqualTo("ok");
            assertThat(after.keyVersions()).hasSize(1).doesNotContainAnyElementsOf(before);
            assertThat(after.keyVersions().get(0)).endsWith(":primary");
        } finally {
            apps.forEach(Process::destroyForcibly);
        }
        try (Connection c = fx.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM users WHERE email_bidx IS NULL")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
