package dev.veil.cli;

import static dev.veil.cli.CliFixture.SEEDED_VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.key.local.LocalKeysetGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code veil} jar as a child process against PostgreSQL: exit codes (0, 1, 2, 3), {@code --help}, the shape of
 * {@code --json} output, and messages without values. One ordered scenario over a table that starts as plaintext:
 * each step starts from the state the one before left. Interruption (4), dry runs and passwords have their own
 * classes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineCliIT {

    static final int ROWS = 2_000;
    static CliFixture cli;
    static Path notStorable;
    static Path brokenYaml;
    static Path drift;

    @BeforeAll
    static void setUp() throws Exception {
        cli = CliFixture.create(CommandLineCliIT.class, CliFixture.USERS_YAML).withPlaintextUsers(ROWS);
        notStorable = cli.writeConfig("age.yml", """
                  users:
                    age: {}
                """);
        brokenYaml = cli.writeConfig("broken.yml", """
                  users: [
                """);
        drift = cli.writeConfig("drift.yml", CliFixture.USERS_YAML.replace("    ssn: {}\n", "    ssn: {}\n    phone: {}\n"));
        expect(0, cli.veil("init"));
        expect(0, cli.veil("ddl", "--apply"));
    }

    @AfterAll
    static void tearDown() {
        if (cli != null) {
            cli.close();
        }
    }

    static VeilProcess.Result expect(int exitCode, VeilProcess.Result r) {
        assertThat(r.exitCode()).as("exit code of %s", r).isEqualTo(exitCode);
        assertThat(SEEDED_VALUE.matcher(r.stdout() + r.stderr()).find()).as("a seeded value in the output of %s", r)
                .isFalse();
        return r;
    }

    /** Runs with {@code --json}: exactly one JSON object on standard output, whatever the exit code. */
    static Map<String, Object> json(int exitCode, String... args) {
        return jsonWith(cli.config(), exitCode, args);
    }

    static Map<String, Object> jsonWith(Path config, int exitCode, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--json");
        return expect(exitCode, cli.veilWith(config, a.toArray(String[]::new))).json();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    /** The fields every job command's JSON carries. */
    static Map<String, Object> assertJob(Map<String, Object> o, String command) {
        assertThat(o).containsEntry("command", command)
                .containsKeys("rows_examined", "rows_changed", "rows_skipped", "seconds", "resumed");
        assertThat(o.get("rows_examined")).isInstanceOf(Long.class);
        assertThat(o.get("rows_changed")).isInstanceOf(Long.class);
        assertThat(o.get("rows_skipped")).isInstanceOf(Long.class);
        assertThat(o.get("seconds")).isInstanceOf(Number.class);
        assertThat(o.get("resumed")).isInstanceOf(Boolean.class);
        return o;
    }

    static Map<String, Object> column(Map<String, Object> status, String name) {
        return list(status.get("columns")).stream().map(CommandLineCliIT::obj)
                .filter(c -> name.equals(c.get("column"))).findFirst().orElseThrow();
    }

    static Stream<String> commands() {
        return Stream.of("", "init", "status", "ddl", "migrate", "migrate encrypt", "migrate finish", "migrate decrypt",
                "backfill", "rotate", "rotate master-key", "rotate data-key", "rotate index-key", "reencrypt", "retire",
                "retire data-key", "doctor");
    }

    @ParameterizedTest(name = "veil {0} --help")
    @MethodSource("commands")
    @Order(1)
    void helpExitsZeroAndShowsAnExample(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        VeilProcess.Result r = expect(0, VeilProcess.run(Map.of(), args));
        assertThat(r.stdout()).startsWith("Usage: veil" + (command.isEmpty() ? "" : " " + command))
                .containsPattern("Examples?:\\n  veil ");
        assertThat(r.stderr()).isEmpty();
    }

    static Stream<Arguments> usageErrors() {
        String url = cli.fx.database().url();
        String user = cli.fx.properties().getProperty("user", "postgres");
        Path config = cli.config();
        return Stream.of(
                Arguments.of("unknown option", cli.withConnection(config, "status", "--bogus")),
                Arguments.of("unknown command", List.of("bogus")),
                Arguments.of("no command", List.of()),
                Arguments.of("a group without its command", List.of("rotate")),
                Arguments.of("a password in the URL", List.of("status", "--url", url + "?password=secret", "--config",
                        config.toString())),
                Arguments.of("missing --column", cli.withConnection(config, "migrate", "encrypt")),
                Arguments.of("missing --version", cli.withConnection(config, "retire", "data-key", "--table", "users")),
                Arguments.of("shard out of range", cli.withConnection(config, "reencrypt", "--shard", "2/2")),
                Arguments.of("shard not k/n", cli.withConnection(config, "migrate", "encrypt", "--column", "users.email",
                        "--shard", "half")),
                Arguments.of("batch size 0", cli.withConnection(config, "reencrypt", "--batch-size", "0")),
                Arguments.of("not a duration", cli.withConnection(config, "backfill", "--lock-timeout", "2s")),
                Arguments.of("no --config", List.of("status", "--url", url, "--user", user)),
                Arguments.of("no --url", List.of("status", "--config", config.toString())),
                Arguments.of("not a PostgreSQL URL", List.of("status", "--url", "jdbc:mysql://127.0.0.1/app",
                        "--config", config.toString())),
                Arguments.of("configuration file missing", cli.withConnection(config.resolveSibling("missing.yml"),
                        "status")),
                Arguments.of("configuration is a directory", cli.withConnection(config.getParent(), "status")),
                Arguments.of("configuration not YAML", cli.withConnection(brokenYaml, "status")),
                Arguments.of("unknown table", cli.withConnection(config, "reencrypt", "--table", "accounts")),
                Arguments.of("unknown table to rotate", cli.withConnection(config, "rotate", "data-key", "--table",
                        "accounts")),
                Arguments.of("unknown column", cli.withConnection(config, "migrate", "encrypt", "--column",
                        "users.phone")),
                Arguments.of("column without table", cli.withConnection(config, "migrate", "finish", "--column",
                        "email")),
                Arguments.of("unknown column to re-encrypt", cli.withConnection(config, "reencrypt", "--table", "users",
                        "--column", "name")),
                Arguments.of("--column without --table", cli.withConnection(config, "reencrypt", "--column", "email")),
                Arguments.of("unknown index", cli.withConnection(config, "backfill", "--index", "users.name_bidx")),
                Arguments.of("configured column missing from the table", cli.withConnection(drift, "migrate",
                        "encrypt", "--column", "users.phone")),
                Arguments.of("column that cannot hold ciphertext", cli.withConnection(notStorable, "migrate", "encrypt",
                        "--column", "users.age")),
                Arguments.of("column that cannot hold ciphertext, re-encrypted", cli.withConnection(notStorable,
                        "reencrypt", "--table", "users", "--column", "age")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    @Order(2)
    void badUsageExitsTwoSaysWhatIsWrongAndChangesNothing(String why, List<String> args) throws Exception {
        String before = cli.state();
        VeilProcess.Result r = expect(2, VeilProcess.run(cli.env(), args));
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("veil").doesNotContain("\tat "); // a message, no stack trace
        assertThat(cli.state()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void badUsageWithJsonIsOneObjectNamingTheOutcome() {
        Map<String, Object> o = json(2, "reencrypt", "--table", "accounts");
        assertThat(o).containsEntry("command", "reencrypt").containsEntry("outcome", "usage")
                .containsEntry("exit_code", 2L);
        assertThat((String) o.get("error")).contains("accounts").contains("users");
    }

    @Test
    @Order(2)
    void aDatabaseThatRefusesExitsOne() {
        String missing = cli.fx.database().url().replaceFirst("/[^/?]+(\\?|$)", "/veil_no_such_database$1");
        VeilProcess.Result r = expect(1, VeilProcess.run(cli.env(), "status", "--url", missing, "--config",
                cli.config().toString(), "--user", cli.fx.properties().getProperty("user", "postgres")));
        assertThat(r.stderr()).contains("3D000");
        Map<String, Object> o = expect(1, VeilProcess.run(cli.env(), "status", "--json", "--url",
                "jdbc:postgresql://127.0.0.1:9/app", "--config", cli.config().toString())).json();
        assertThat(o).containsEntry("outcome", "failed").containsEntry("exit_code", 1L);
    }

    @Test
    @Order(3)
    void checksExitThreeWhilePlaintextIsLeft() throws Exception {
        String before = cli.state();
        Map<String, Object> status = json(3, "status", "--check");
        assertThat(status).containsEntry("ok", false);
        assertThat(column(status, "email")).containsEntry("plaintext_rows", (long) ROWS);
        assertThat(list(status.get("problems"))).anyMatch(p -> p.toString().contains("hold plaintext"));
        expect(0, cli.veil("status")); // without --check, problems are reported, not failed on

        Map<String, Object> finish = json(3, "migrate", "finish", "--column", "users.email");
        assertThat(finish).containsEntry("outcome", "problems").containsEntry("exit_code", 3L);
        assertThat((String) finish.get("error")).contains(ROWS + " row(s)").contains("Nothing was changed");

        Map<String, Object> doctor = json(3, "doctor");
        assertThat(doctor).containsEntry("ok", false);
        assertThat(list(doctor.get("problems"))).anyMatch(p -> p.toString().contains("backstop of users.email deferred"));
        assertThat(cli.state()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void migrateEncryptThenFinishLeavesEveryCheckPassing() throws Exception {
        VeilProcess.Result run = expect(0, cli.veil("migrate", "encrypt", "--column", "users.email", "--column",
                "users.ssn", "--batch-size", "300", "--json"));
        Map<String, Object> o = assertJob(run.json(), "migrate encrypt");
        assertThat(o).containsEntry("rows_examined", (long) ROWS).containsEntry("rows_changed", (long) ROWS)
                .containsEntry("rows_skipped", 0L).containsEntry("resumed", false).containsEntry("rows_remaining", 0L);
        assertThat(run.stderr()).contains("migrate-encrypt users [email,ssn]: starting");

        Map<String, Object> finish = json(0, "migrate", "finish", "--column", "users.email", "--column", "users.ssn");
        assertThat(list(finish.get("columns"))).hasSize(2);

        Map<String, Object> status = json(0, "status", "--check");
        assertThat(status).containsEntry("ok", true).containsEntry("problems", List.of());
        for (String name : List.of("email", "ssn")) {
            Map<String, Object> c = column(status, name);
            assertThat(c).containsEntry("table", "users").containsEntry("rows", (long) ROWS)
                    .containsEntry("plaintext_rows", 0L);
            Map<String, Object> versions = obj(c.get("rows_by_key_version"));
            assertThat(versions).containsExactly(Map.entry(c.get("primary_version").toString(), (long) ROWS));
        }
        Map<String, Object> index = obj(list(status.get("indexes")).get(0));
        assertThat(index).containsEntry("index", "users.email_bidx").containsEntry("rows_missing", 0L)
                .containsEntry("state", "ok");

        assertThat(json(0, "doctor")).containsEntry("ok", true);
        Map<String, Object> ddl = json(0, "ddl");
        assertThat(ddl).containsEntry("statements", List.of()).containsEntry("applied", 0L);
        expect(0, cli.veil("status", "--check")); // and in text
    }

    @Test
    @Order(5)
    void doctorExitsThreeOnDriftAndNamesTheDdl() throws Exception {
        Map<String, Object> o = jsonWith(drift, 3, "doctor");
        assertThat(list(o.get("ddl"))).extracting(s -> obj(s).get("sql").toString())
                .anyMatch(s -> s.contains("ADD COLUMN phone"));
        assertThat(jsonWith(drift, 3, "status", "--check").get("problems").toString())
                .contains("users.phone does not exist");

        cli.fx.plainExecute("DROP INDEX users_email_bidx_idx");
        Map<String, Object> dropped = json(3, "doctor");
        assertThat(list(dropped.get("ddl"))).extracting(s -> obj(s).get("sql").toString())
                .anyMatch(s -> s.contains("users_email_bidx_idx"));
        expect(0, cli.veil("ddl", "--apply"));
        expect(0, cli.veil("doctor"));
    }

    @Test
    @Order(6)
    void rotateDataKeyThenRetireRefusesUntilReencryptHasRun() throws Exception {
        long old = (Long) column(json(0, "status"), "email").get("primary_version");
        Map<String, Object> rotated = json(0, "rotate", "data-key", "--table", "users");
        assertThat(list(obj(rotated.get("report")).get("changes"))).singleElement().asString()
                .startsWith("added version ");
        Map<String, Object> status = json(3, "status", "--check");
        long primary = (Long) column(status, "email").get("primary_version");
        assertThat(primary).isNotEqualTo(old);
        assertThat(obj(column(status, "email").get("rows_by_key_version"))).containsOnlyKeys(Long.toString(old));

        Thread.sleep(1_200); // one key-cache TTL after the rotation, so only the values keep the old version alive
        Map<String, Object> refused = json(3, "retire", "data-key", "--table", "users", "--version",
                Long.toString(old));
        assertThat(refused).containsEntry("outcome", "problems");
        assertThat((String) refused.get("error")).contains("still use version " + old);
        expect(2, cli.veil("retire", "data-key", "--table", "users", "--version", Long.toString(primary)));
        expect(2, cli.veil("retire", "data-key", "--table", "users", "--version", "12345"));

        Map<String, Object> r = assertJob(json(0, "reencrypt", "--table", "users", "--batch-size", "500"), "reencrypt");
        assertThat(r).containsEntry("rows_examined", (long) ROWS).containsEntry("rows_changed", (long) ROWS)
                .containsEntry("resumed", false).containsEntry("rows_remaining", 0L);
        assertThat(obj(column(json(0, "status", "--check"), "ssn").get("rows_by_key_version")))
                .containsOnlyKeys(Long.toString(primary));
        Map<String, Object> retired = json(0, "retire", "data-key", "--table", "users", "--version",
                Long.toString(old));
        assertThat(list(obj(retired.get("report")).get("changes"))).anyMatch(c -> c.toString()
                .startsWith("destroyed version " + old));
        // nothing left to do: a second run examines nothing
        assertThat(json(0, "reencrypt", "--table", "users")).containsEntry("rows_examined", 0L);
    }

    @Test
    @Order(7)
    void rotateMasterKeyAndIndexKeyAndBackfillPrintOneObjectEach() throws Exception {
        Path newKey = cli.fx.masterKeyFile().resolveSibling("master-2.json");
        LocalKeysetGenerator.generate(newKey);
        Map<String, Object> rewrap = json(0, "rotate", "master-key", "--to", "local-keyset:" + newKey);
        assertThat(list(obj(rewrap.get("report")).get("changes")).get(0).toString()).startsWith("re-wrapped 2 data key");
        Path config = cli.config().resolveSibling("veil-2.yml");
        Files.writeString(config, Files.readString(cli.config()).replace(cli.fx.masterKeyFile().toString(),
                newKey.toString()));
        cli.useConfig(config);
        expect(0, cli.veil("doctor"));

        Map<String, Object> index = assertJob(json(0, "rotate", "index-key", "--index", "users.email_bidx", "--wait",
                "PT1.1S"), "rotate index-key");
        assertThat(index).containsEntry("resumed", false);
        assertThat(json(0, "status", "--check")).containsEntry("ok", true);

        cli.fx.plainExecute("UPDATE users SET email_bidx = NULL WHERE id % 7 = 0");
        Map<String, Object> backfill = assertJob(json(0, "backfill"), "backfill");
        assertThat(backfill).containsEntry("rows_changed", (long) ROWS / 7);
        assertThat(obj(list(json(0, "status", "--check").get("indexes")).get(0))).containsEntry("rows_missing", 0L);
        assertThat(obj(json(0, "init").get("report")).get("changes").toString()).doesNotContain("created");
    }

    @Test
    @Order(8)
    void migrateDecryptAndEncryptAgain() throws Exception {
        Map<String, Object> back = assertJob(json(0, "migrate", "decrypt", "--column", "users.ssn"), "migrate decrypt");
        assertThat(back).containsEntry("rows_changed", (long) ROWS);
        assertThat(column(json(3, "status", "--check"), "ssn")).containsEntry("plaintext_rows", (long) ROWS);
        assertThat(cli.scalar("SELECT count(*) FROM users WHERE ssn = '" + CliFixture.ssn(42) + "'")).isPositive();

        assertJob(json(0, "migrate", "encrypt", "--column", "users.ssn"), "migrate encrypt");
        json(0, "migrate", "finish", "--column", "users.ssn");
        expect(0, cli.veil("status", "--check"));
    }

    @Test
    @Order(9)
    void aValueThatDoesNotDecryptStopsTheJobNamingTheRowButNoValue() throws Exception {
        // a valid-looking envelope whose ciphertext was altered: the backstop accepts it, decryption fails
        cli.fx.plainExecute("UPDATE users SET email = overlay(email PLACING 'AAAA' FROM 40 FOR 4) WHERE id = 5");
        String before = cli.tableDigest("users");
        Map<String, Object> o = json(1, "migrate", "decrypt", "--column", "users.email");
        assertThat(o).containsEntry("outcome", "failed");
        assertThat((String) o.get("error")).contains("users.email").contains("(id)=(5)").doesNotContain("veil1:");
        assertThat(cli.tableDigest("users")).isEqualTo(before);
    }

    @ParameterizedTest(name = "a database error in {0} carries no value")
    @ValueSource(strings = {"migrate encrypt", "backfill"})
    @Order(10)
    void aDatabaseErrorDuringAJobCarriesNoValue(String command) throws Exception {
        // the server's DETAIL would print the failing row, pgjdbc's batch error the parameters
        try (CliFixture other = CliFixture.create(CommandLineCliIT.class, CliFixture.USERS_YAML)
                .withPlaintextUsers(100)) {
            expect(0, other.veil("init"));
            expect(0, other.veil("ddl", "--apply"));
            if (command.equals("migrate encrypt")) {
                other.fx.plainExecute("ALTER TABLE users ADD CONSTRAINT email_at CHECK (email LIKE '%@%')");
            } else {
                expect(0, other.veil("migrate", "encrypt", "--column", "users.email"));
                other.fx.plainExecute("UPDATE users SET email_bidx = NULL WHERE id = 3",
                        "ALTER TABLE users ADD CONSTRAINT bidx_kept CHECK (email_bidx IS NULL OR id <> 3)");
            }
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            if (command.equals("migrate encrypt")) {
                args.addAll(List.of("--column", "users.email"));
            }
            VeilProcess.Result text = expect(1, other.veil(args.toArray(String[]::new)));
            assertThat(text.stderr()).contains("violates check constraint").doesNotContain("veil1:")
                    .doesNotContain("\\x");
            args.add("--json");
            VeilProcess.Result json = expect(1, other.veil(args.toArray(String[]::new)));
            assertThat(json.json()).containsEntry("outcome", "failed");
            assertThat(json.stdout()).doesNotContain("veil1:").doesNotContain("name 3");
        }
    }
}
