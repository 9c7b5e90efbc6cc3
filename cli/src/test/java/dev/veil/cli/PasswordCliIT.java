package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The database password comes from {@code VEIL_DB_PASSWORD}, {@code PGPASSWORD} or {@code --password-file} and
 * never from the command line: it reaches the connection (seen by {@link PasswordProbe}, since the test server
 * trusts 127.0.0.1 and checks no password), and it appears neither in the child's command line — {@code
 * /proc/<pid>/cmdline}, {@link ProcessHandle.Info}, {@code ps} — nor in its output. A role with a password and
 * only the grants a job needs shows that the user of {@code --user} or of the URL is the one connecting.
 * (Running jobs needs SELECT and UPDATE on the table, on the key table — encryptions are reserved there — and
 * SELECT, INSERT, UPDATE, DELETE on the job table.)
 */
class PasswordCliIT {

    static final String ROLE = "veil_cli_role_" + ProcessHandle.current().pid();
    static final String SECRET = "pw-" + UUID.randomUUID();
    static final int ROWS = 5_000;
    static CliFixture cli;

    @BeforeAll
    static void setUp() throws Exception {
        cli = CliFixture.create(PasswordCliIT.class, CliFixture.USERS_YAML).withPlaintextUsers(ROWS);
        assertThat(cli.veil("init").exitCode()).isZero();
        assertThat(cli.veil("ddl", "--apply").exitCode()).isZero();
        cli.fx.plainExecute("DROP ROLE IF EXISTS " + ROLE,
                "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + SECRET + "'",
                "GRANT SELECT, UPDATE ON users TO " + ROLE,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON veil_jobs TO " + ROLE,
                "GRANT SELECT, UPDATE ON veil_data_keys TO " + ROLE); // UPDATE: encryptions are reserved there
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (cli != null) {
            try {
                cli.fx.plainExecute("DROP OWNED BY " + ROLE, "DROP ROLE IF EXISTS " + ROLE);
            } finally {
                cli.close();
            }
        }
    }

    /** Where the password comes from: the environment a child gets, and its extra arguments. */
    record Source(Map<String, String> env, List<String> args) {

        static Source of(String kind, String password) throws IOException {
            return switch (kind) {
                case "VEIL_DB_PASSWORD", "PGPASSWORD" -> new Source(Map.of(kind, password), List.of());
                case "--password-file" -> new Source(Map.of(), List.of("--password-file", file(password).toString()));
                default -> throw new IllegalArgumentException(kind);
            };
        }

        static Path file(String password) throws IOException {
            Path f = Files.createTempFile(cli.config().getParent(), "password-", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, password + "\n", StandardCharsets.UTF_8);
            return f;
        }
    }

    static List<String> args(List<String> extra, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(extra);
        return a;
    }

    static void assertNoSecret(VeilProcess.Result r) {
        assertThat(r.stdout() + r.stderr()).as("output of %s", r.command()).doesNotContain(SECRET);
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"VEIL_DB_PASSWORD", "PGPASSWORD", "--password-file"})
    void thePasswordReachesTheConnectionAndNotTheOutput(String kind) throws Exception {
        Source source = Source.of(kind, SECRET);
        try (PasswordProbe probe = new PasswordProbe()) {
            VeilProcess.Result r = VeilProcess.run(source.env(), args(source.args(), "status", "--url", probe.url(),
                    "--user", ROLE, "--config", cli.config().toString()));
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1); // the server refused the login
            assertThat(r.stderr()).contains("28P01");
            assertNoSecret(r);
            assertThat(probe.passwords()).isNotEmpty().containsOnly(SECRET);
            assertThat(probe.users()).containsOnly(ROLE);
        }
    }

    @Test
    void aPasswordFileComesBeforeVeilDbPasswordWhichComesBeforePgpassword() throws Exception {
        try (PasswordProbe probe = new PasswordProbe()) {
            Map<String, String> env = Map.of("VEIL_DB_PASSWORD", "from-veil-env", "PGPASSWORD", "from-pg-env");
            List<String> connect = List.of("status", "--url", probe.url(), "--user", ROLE, "--config",
                    cli.config().toString());
            VeilProcess.run(env, args(List.of("--password-file", Source.file("from-file").toString()),
                    connect.toArray(String[]::new)));
            assertThat(probe.passwords()).containsOnly("from-file");
            probe.clear();
            VeilProcess.run(env, connect);
            assertThat(probe.passwords()).containsOnly("from-veil-env");
            probe.clear();
            VeilProcess.run(Map.of("PGPASSWORD", "from-pg-env"), connect);
            assertThat(probe.passwords()).containsOnly("from-pg-env");
        }
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"VEIL_DB_PASSWORD", "PGPASSWORD", "--password-file"})
    void thePasswordIsNotInTheProcessListWhileAJobRuns(String kind) throws Exception {
        Source source = Source.of(kind, SECRET);
        List<String> args = args(source.args(), "migrate", "encrypt", "--column", "users.ssn", "--batch-size", "50",
                "--max-rows-per-second", "250", "--json", "--url", cli.fx.database().url(), "--user", ROLE, "--config",
                cli.config().toString());
        Map<String, String> env = new HashMap<>(source.env());
        try (VeilProcess p = VeilProcess.start(env, args)) {
            long before = examined();
            // connected, password read, batches committing as ROLE
            Await.until("the job commits a batch as " + ROLE, Duration.ofSeconds(60), () -> {
                assertThat(p.alive()).as("still running: %s", p.stderrSoFar()).isTrue();
                return examined() != before;
            });
            String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"),
                    StandardCharsets.UTF_8).replace('\0', ' ');
            assertThat(cmdline).contains("veil.jar", "migrate", "encrypt", ROLE).doesNotContain(SECRET);
            ProcessHandle.Info info = ProcessHandle.of(p.pid()).orElseThrow().info();
            assertThat(info.commandLine().orElse("")).doesNotContain(SECRET);
            assertThat(String.join(" ", info.arguments().orElse(new String[0]))).doesNotContain(SECRET);
            assertThat(ps()).contains("veil.jar").doesNotContain(SECRET);

            p.process().destroy();
            VeilProcess.Result r = p.await(Duration.ofSeconds(30));
            assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
            assertNoSecret(r);
        }
    }

    @Test
    void theUserOfTheUrlOrOfUserConnectsWithItsGrantsOnly() throws Exception {
        String url = cli.fx.database().url();
        String withUser = url + (url.contains("?") ? "&" : "?") + "user=" + ROLE;
        String config = cli.config().toString();
        VeilProcess.Result status = VeilProcess.run(Map.of("VEIL_DB_PASSWORD", SECRET), "status", "--url", withUser,
                "--config", config);
        assertThat(status.exitCode()).as("%s", status).isZero();
        assertNoSecret(status);

        String before = cli.state();
        // the role does not own the table, so it may not drop a constraint: the database refuses, exit 1
        for (List<String> a : List.of(List.of("--url", withUser), List.of("--url", url, "--user", ROLE))) {
            VeilProcess.Result r = VeilProcess.run(Map.of("PGPASSWORD", SECRET), args(a, "migrate", "decrypt",
                    "--column", "users.email", "--config", config));
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            assertThat(r.stderr()).contains("42501", "must be owner of table users");
            assertNoSecret(r);
        }
        assertThat(cli.state()).isEqualTo(before);
        VeilProcess.Result owner = cli.veil("migrate", "decrypt", "--column", "users.email", "--dry-run");
        assertThat(owner.exitCode()).as("the same command as the owner: %s", owner).isZero();
    }

    static long examined() throws Exception {
        return cli.scalar("SELECT coalesce(sum(rows_examined), 0) FROM veil_jobs");
    }

    static String ps() throws Exception {
        Process ps = new ProcessBuilder("ps", "-eo", "pid=,args=").redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
