package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.veil.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A job command stopped by a signal (SIGINT as Ctrl-C sends it, SIGTERM as {@code Process.destroy()} and service
 * managers send it) finishes its batch, exits 4 and says so in its JSON; the same command again resumes from the
 * checkpoints ({@code "resumed": true}) and examines only the rest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InterruptCliIT {

    static final int ROWS = 10_000;
    static CliFixture cli;

    @BeforeAll
    static void setUp() throws Exception {
        cli = CliFixture.create(InterruptCliIT.class, CliFixture.USERS_YAML).withPlaintextUsers(ROWS);
        assertThat(cli.veil("init").exitCode()).isZero();
        assertThat(cli.veil("ddl", "--apply").exitCode()).isZero();
    }

    @AfterAll
    static void tearDown() {
        if (cli != null) {
            cli.close();
        }
    }

    /** Rows the job's committed batches examined, from the job table. */
    static long examined(String jobPrefix) throws Exception {
        return cli.scalar("SELECT coalesce(sum(rows_examined), 0) FROM veil_jobs WHERE job LIKE '" + jobPrefix + "%'");
    }

    static void awaitProgress(VeilProcess p, String jobPrefix) throws Exception {
        Await.until("the job commits its first batch", Duration.ofSeconds(60), () -> {
            assertThat(p.alive()).as("still running; stderr so far:\n%s", p.stderrSoFar()).isTrue();
            return examined(jobPrefix) > 0;
        });
    }

    /** Whether the child ignores the signal (inherited SIG_IGN: then no handler can be installed). */
    static boolean ignores(long pid, int signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }

    static Map<String, Object> stopped(VeilProcess.Result r, String signal) {
        assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
        assertThat(r.stderr()).contains("stopping after the current batch (signal " + signal + ")");
        Map<String, Object> o = r.json();
        assertThat(o).containsEntry("outcome", "interrupted").containsEntry("exit_code", 4L)
                .containsEntry("resumed", false);
        assertThat((Long) o.get("rows_examined")).isPositive().isLessThan(ROWS);
        return o;
    }

    static void resumed(VeilProcess.Result r, long examinedBefore) {
        assertThat(r.exitCode()).as("%s", r).isZero();
        Map<String, Object> o = r.json();
        assertThat(o).containsEntry("resumed", true).containsEntry("rows_examined", ROWS - examinedBefore)
                .containsEntry("rows_changed", ROWS - examinedBefore).containsEntry("rows_remaining", 0L);
        assertThat(r.stderr()).contains("resuming");
    }

    @Test
    @Order(1)
    void migrateEncryptStoppedByCtrlCExitsFourAndResumes() throws Exception {
        String[] args = {"migrate", "encrypt", "--column", "users.email", "--column", "users.ssn", "--batch-size", "100",
                "--max-rows-per-second", "2000", "--json"};
        Map<String, Object> first;
        try (VeilProcess p = cli.start(args)) {
            awaitProgress(p, "migrate-encrypt ");
            assumeFalse(ignores(p.pid(), 2), "SIGINT is ignored in this process tree (started in the background?)");
            p.signal("INT");
            first = stopped(p.await(Duration.ofSeconds(30)), "INT");
        }
        long examined = (Long) first.get("rows_examined");
        assertThat(examined("migrate-encrypt ")).isEqualTo(examined);
        Map<String, Object> status = cli.veil("status", "--json").json();
        assertThat(status.get("jobs").toString()).contains("migrate-encrypt users [email,ssn]");
        assertThat(cli.scalar("SELECT count(*) FROM users WHERE email LIKE 'veil1:%'")).isEqualTo(examined);

        resumed(cli.veil(args), examined);
        assertThat(cli.veil("migrate", "finish", "--column", "users.email", "--column", "users.ssn").exitCode())
                .isZero();
        assertThat(cli.veil("status", "--check").exitCode()).isZero();
    }

    @Test
    @Order(2)
    void reencryptStoppedBySigtermExitsFourAndResumes() throws Exception {
        assertThat(cli.veil("rotate", "data-key", "--table", "users").exitCode()).isZero();
        Thread.sleep(1_200); // one key-cache TTL
        String[] args = {"reencrypt", "--table", "users", "--batch-size", "100", "--max-rows-per-second", "2000",
                "--json"};
        Map<String, Object> first;
        try (VeilProcess p = cli.start(args)) {
            awaitProgress(p, "reencrypt ");
            p.process().destroy(); // SIGTERM
            first = stopped(p.await(Duration.ofSeconds(30)), "TERM");
        }
        assertThat(first).containsEntry("command", "reencrypt");
        long examined = (Long) first.get("rows_examined");
        assertThat(cli.veil("status", "--check").exitCode()).isEqualTo(3);

        resumed(cli.veil(args), examined);
        assertThat(cli.veil("status", "--check").exitCode()).isZero();
        assertThat(cli.veil("reencrypt", "--table", "users", "--json").json()).containsEntry("resumed", false)
                .containsEntry("rows_examined", 0L);
    }
}
