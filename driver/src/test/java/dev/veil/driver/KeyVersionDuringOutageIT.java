package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyScope;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.Await;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two runtimes stand for two JVMs; one of them meets a value under a key version it has not loaded while the KMS is
 * down (docs/failures.md, "a key version change during a KMS outage"). The reload is a refresh: every value the
 * cached keyset can read still reads, a write still encrypts within the block it reserved, and only the value under
 * the new version fails — VE002, retryable, not VE001 — until the KMS answers. Against {@link FakeKmsServer}.
 */
class KeyVersionDuringOutageIT {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static FakeKmsServer kms;
    static Path dir;
    static VeilConfig config;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-key-version-outage");
        kms = FakeKmsServer.start();
        kms.warmUp();
        Path yaml = dir.resolve("veil.yml");
        Files.writeString(yaml, "master-key: " + FakeKmsServer.uri(kms.createKey()) + "\n"
                + "master-key-options:\n"
                + "  region: " + FakeKmsServer.REGION + "\n"
                + "  endpoint: " + kms.endpoint() + "\n"
                + "  api-call-timeout: PT5S\n  api-call-attempt-timeout: PT2S\n  connect-timeout: PT1S\n"
                + "  max-attempts: 2\n"
                + "tables:\n  notes:\n    note: { type: string }\n", StandardCharsets.UTF_8);
        Properties p = new Properties();
        p.setProperty("veil.config", yaml.toString());
        config = VeilDriver.configFrom(p);
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, note bytea)");
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        kms.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void aValueUnderAVersionNotYetLoadedIsVe002DuringAKmsOutageWhileEverythingElseKeepsWorking() throws Exception {
        try (VeilRuntime a = VeilRuntime.create(config, DB::plainConnection, DB.name());
                VeilRuntime b = VeilRuntime.create(config, DB::plainConnection, DB.name())) {
            write(a, 1, "one"); // a caches the keyset (one version) and reserves a block under it
            try (KeyAdministration admin = VeilRuntime.keyRingBuilder(config, DB::plainConnection, DB.name())
                    .buildAdministration()) {
                admin.addVersion(KeyScope.tableEncryption("notes"));
            }
            write(b, 2, "two"); // b loads the keyset fresh: writes under the new version
            assertThat(read(b, 1)).isEqualTo("one");

            kms.stop();
            try {
                assertThat(read(a, 1)).isEqualTo("one");
                for (int i = 0; i < 2; i++) { // the reload, then its failure remembered: VE002 both times
                    SQLException e = (SQLException) catchThrowable(() -> read(a, 2));
                    assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class)
                            .hasMessageContaining("notes.note").hasMessageContaining("Retry later");
                    assertThat(e.getSQLState()).isEqualTo("VE002");
                    assertThat(e.getMessage()).doesNotContain("two");
                }
                write(a, 3, "three"); // within the block a reserved under the old version: still encrypts
                assertThat(read(a, 1)).as("the cached keyset was kept").isEqualTo("one");
                assertThat(read(a, 3)).isEqualTo("three");
            } finally {
                kms.restart();
            }
            assertThat(awaitRead(a, 2)).isEqualTo("two");
            assertThat(read(b, 3)).isEqualTo("three");
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    private static void write(VeilRuntime rt, int id, String note) throws SQLException {
        try (Connection c = new VeilConnection(DB.plainConnection(), rt);
                PreparedStatement ps = c.prepareStatement("INSERT INTO notes (id, note) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, note);
            ps.executeUpdate();
        }
    }

    private static String read(VeilRuntime rt, int id) throws SQLException {
        try (Connection c = new VeilConnection(DB.plainConnection(), rt);
                PreparedStatement ps = c.prepareStatement("SELECT note FROM notes WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Reads until the ring's retry backoff and the column's reload interval (1 s each) have passed. */
    private static String awaitRead(VeilRuntime rt, int id) throws Exception {
        return Await.success(Duration.ofSeconds(20), SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("VE002"), () -> read(rt, id));
    }
}
