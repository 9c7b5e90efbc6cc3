package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.key.local.LocalKeysetGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code --dry-run} changes nothing: before and after each dry run the digests of the rows, the key table, the job
 * table and the catalog are equal — and the same command without {@code --dry-run} then does change them, so the
 * dry run had something to do. One ordered scenario from plaintext to a retired data-key version.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DryRunCliIT {

    static final int ROWS = 3_000;
    static CliFixture cli;
    static long oldVersion;

    @BeforeAll
    static void setUp() throws Exception {
        cli = CliFixture.create(DryRunCliIT.class, CliFixture.USERS_YAML).withPlaintextUsers(ROWS);
    }

    @AfterAll
    static void tearDown() {
        if (cli != null) {
            cli.close();
        }
    }

    /** Runs {@code args… --dry-run --json}: exit 0, nothing changed; returns the JSON. */
    static Map<String, Object> dryRun(String... args) throws Exception {
        String before = cli.state();
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--dry-run");
        a.add("--json");
        VeilProcess.Result r = cli.veil(a.toArray(String[]::new));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(cli.state()).as("state after %s", r).isEqualTo(before);
        return r.json();
    }

    /** Runs {@code args…} for real: exit 0, and something changed. */
    static void realRunChanges(String... args) throws Exception {
        String before = cli.state();
        VeilProcess.Result r = cli.veil(args);
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(cli.state()).isNotEqualTo(before);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> report(Map<String, Object> o) {
        assertThat(o.get("report")).isInstanceOf(Map.class);
        Map<String, Object> r = (Map<String, Object>) o.get("report");
        assertThat(r).containsEntry("dry_run", true);
        return r;
    }

    static void assertPlan(Map<String, Object> job, long rows) {
        assertThat(job).containsEntry("dry_run", true).containsEntry("rows_changed", 0L)
                .containsEntry("rows_remaining", rows);
        assertThat(job.get("jobs").toString()).contains(rows + " row(s) of users to examine");
    }

    @Test
    @Order(1)
    void onAFreshDatabaseNothingIsCreated() throws Exception {
        assertThat(cli.state()).contains("veil_data_keys: absent", "veil_jobs: absent");
        assertThat(report(dryRun("init")).get("changes").toString()).contains("would create users.*/encryption",
                "would create users.email_bidx/blind_index");
        assertPlan(dryRun("migrate", "encrypt", "--column", "users.ssn"), ROWS);
        assertThat(cli.state()).contains("veil_data_keys: absent", "veil_jobs: absent");
        realRunChanges("init");
        assertThat(report(dryRun("init")).get("changes").toString()).doesNotContain("would create")
                .contains("kept users.*/encryption");
    }

    @Test
    @Order(2)
    void migrateEncryptDryRunChangesNoRow() throws Exception {
        String before = cli.state();
        VeilProcess.Result ddl = cli.veil("ddl"); // without --apply, ddl only prints
        assertThat(ddl.exitCode()).isZero();
        assertThat(ddl.stdout()).contains("ADD COLUMN email_bidx");
        assertThat(cli.state()).isEqualTo(before);
        realRunChanges("ddl", "--apply");

        assertPlan(dryRun("migrate", "encrypt", "--column", "users.email", "--column", "users.ssn"), ROWS);
        VeilProcess.Result text = cli.veil("migrate", "encrypt", "--column", "users.email", "--dry-run");
        assertThat(text.stdout()).startsWith("plan (dry run, nothing changed):");
        realRunChanges("migrate", "encrypt", "--column", "users.email", "--column", "users.ssn");
        realRunChanges("migrate", "finish", "--column", "users.email", "--column", "users.ssn");
    }

    @Test
    @Order(3)
    void backfillDryRunComputesNoIndexValue() throws Exception {
        cli.fx.plainExecute("UPDATE users SET email_bidx = NULL WHERE id % 10 = 0");
        assertPlan(dryRun("backfill"), ROWS / 10);
        realRunChanges("backfill");
    }

    @Test
    @Order(4)
    void rotateDataKeyAndReencryptDryRunsChangeNeitherKeysNorRows() throws Exception {
        oldVersion = primaryVersion();
        assertThat(report(dryRun("rotate", "data-key", "--table", "users")).get("changes").toString())
                .contains("would add a new primary version to users.*/encryption");
        realRunChanges("rotate", "data-key", "--table", "users");
        Thread.sleep(1_200); // one key-cache TTL
        assertPlan(dryRun("reencrypt", "--table", "users"), ROWS);
        assertPlan(dryRun("reencrypt"), ROWS);
        realRunChanges("reencrypt", "--table", "users");
    }

    @Test
    @Order(5)
    void retireDryRunKeepsTheVersion() throws Exception {
        assertThat(report(dryRun("retire", "data-key", "--table", "users", "--version", Long.toString(oldVersion)))
                .get("changes").toString()).contains("would destroy version " + oldVersion);
        realRunChanges("retire", "data-key", "--table", "users", "--version", Long.toString(oldVersion));
    }

    @Test
    @Order(6)
    void rotateMasterKeyDryRunRewrapsNothing() throws Exception {
        Path newKey = cli.fx.masterKeyFile().resolveSibling("master-2.json");
        LocalKeysetGenerator.generate(newKey);
        assertThat(report(dryRun("rotate", "master-key", "--to", "local-keyset:" + newKey)).get("changes").toString())
                .contains("would re-wrap users.*/encryption", "would re-wrap users.email_bidx/blind_index");
        realRunChanges("rotate", "master-key", "--to", "local-keyset:" + newKey);
        cli.useConfig(cli.writeConfig("veil-2.yml", "master-key: local-keyset:" + newKey, CliFixture.USERS_YAML));
    }

    @Test
    @Order(7)
    void migrateDecryptDryRunKeepsTheBackstopsAndTheCiphertext() throws Exception {
        assertPlan(dryRun("migrate", "decrypt", "--column", "users.ssn"), ROWS);
        realRunChanges("migrate", "decrypt", "--column", "users.ssn");
    }

    static long primaryVersion() {
        Map<String, Object> status = cli.veil("status", "--json").json();
        return (Long) ((Map<?, ?>) ((List<?>) status.get("columns")).get(0)).get("primary_version");
    }
}
