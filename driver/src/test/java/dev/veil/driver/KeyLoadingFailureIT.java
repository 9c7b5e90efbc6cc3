package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.key.KeyAccessDeniedException;
import dev.veil.key.KeyUnavailableException;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.Await;
import dev.veil.testing.TestDatabaseExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A data key that cannot be loaded fails the same way whether it is loaded at connect ({@code key-cache: { eager: true
 * }}) or on first use: VE002 ({@link SQLTransientConnectionException}, retryable) while the KMS is down, VE003
 * ({@link SQLInvalidAuthorizationSpecException}) when it refuses access, with the key-management exception as the
 * cause. Only a configuration the key ring refuses is VE020. Against {@link FakeKmsServer} through the AWS SDK.
 */
class KeyLoadingFailureIT {

    private static final AtomicInteger LABELS = new AtomicInteger();

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static FakeKmsServer kms;
    static Path dir;
    static String arn;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-key-loading");
        kms = FakeKmsServer.start();
        kms.warmUp();
        arn = kms.createKey();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id serial PRIMARY KEY, note bytea)");
        }
        try (Connection c = veil(config(arn, false))) { // the table's data key exists before any outage
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes (note) VALUES (?)")) {
                ps.setString(1, "written before");
                ps.executeUpdate();
            }
        }
    }

    @AfterAll
    static void tearDown() {
        kms.close();
    }

    @AfterEach
    void healKms() throws Exception {
        kms.fault(FakeKmsServer.Fault.NONE);
        kms.restart();
        kms.enableKey(arn);
    }

    @ParameterizedTest(name = "eager={0}")
    @ValueSource(booleans = {true, false})
    void duringAKmsOutageTheKeyIsUnavailableVe002EagerOrLazyAndTheNextAttemptRecovers(boolean eager)
            throws Exception {
        Path config = config(arn, eager);
        kms.stop(); // connection refused: the SDK fails fast
        SQLException e = firstFailure(config, eager);
        assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class)
                .isNotInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining("notes").hasMessageContaining("Retry later")
                .hasCauseInstanceOf(KeyUnavailableException.class);
        assertThat(e.getSQLState()).isEqualTo(VeilSqlState.KEY_UNAVAILABLE.state());
        assertThat(e.getMessage()).doesNotContain("written before");

        kms.restart();
        try (Connection c = veil(config)) { // eager: a new runtime (the failed one was not kept); lazy: after backoff
            assertThat(awaitNotes(c)).containsExactly("written before");
        }
    }

    @ParameterizedTest(name = "eager={0}")
    @ValueSource(booleans = {true, false})
    void aKmsThatAnswersWithErrorsIsVe002EagerOrLazy(boolean eager) throws Exception {
        kms.fault(FakeKmsServer.Fault.INTERNAL_ERROR);
        SQLException e = firstFailure(config(arn, eager), eager);
        assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class)
                .hasCauseInstanceOf(KeyUnavailableException.class);
        assertThat(e.getSQLState()).isEqualTo("VE002");
    }

    @ParameterizedTest(name = "eager={0}")
    @ValueSource(booleans = {true, false})
    void aKmsThatRefusesAccessIsVe003EagerOrLazy(boolean eager) throws Exception {
        kms.fault(FakeKmsServer.Fault.ACCESS_DENIED);
        SQLException denied = firstFailure(config(arn, eager), eager);
        assertThat((Throwable) denied).isInstanceOf(SQLInvalidAuthorizationSpecException.class)
                .hasMessageContaining("notes").hasMessageContaining(arn)
                .hasCauseInstanceOf(KeyAccessDeniedException.class);
        assertThat(denied.getSQLState()).isEqualTo(VeilSqlState.KEY_ACCESS_DENIED.state());

        kms.fault(FakeKmsServer.Fault.NONE);
        kms.disableKey(arn);
        SQLException disabled = firstFailure(config(arn, eager), eager);
        assertThat((Throwable) disabled).isInstanceOf(SQLInvalidAuthorizationSpecException.class);
        assertThat(disabled.getSQLState()).isEqualTo("VE003");
    }

    @Test
    void aConfigurationTheKeyRingRefusesStaysVe020AtConnectEvenWhenEager() throws Exception {
        Path bad = write("bad-option.yml", "master-key: " + FakeKmsServer.uri(arn) + "\n"
                + "master-key-options:\n  region: " + FakeKmsServer.REGION + "\n  endpoint: " + kms.endpoint() + "\n"
                + "  api-call-timeout: not-a-duration\n"
                + "key-cache: { eager: true }\ntables:\n  notes:\n    note: { type: string }\n");
        assertThatThrownBy(() -> veil(bad)).isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining("bad-option.yml").hasMessageContaining("api-call-timeout")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE020"));
    }

    /** Decision: an eager load that fails for a reason retrying cannot fix is found at connect, so it is VE020. */
    @Test
    void eagerLoadingUnderAMasterKeyThatDidNotWrapTheKeyIsVe020NamingTheTableAndTheFix() throws Exception {
        String other = kms.createKey();
        Path config = config(other, true);
        assertThatThrownBy(() -> veil(config)).isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining(config.getFileName().toString())
                .hasMessageContaining("key-cache eager").hasMessageContaining("notes")
                .hasMessageContaining("is wrapped by master key " + FakeKmsServer.uri(arn))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE020"));
    }

    /** Eager: the connect fails. Lazy: the connect succeeds (no KMS call) and the first read fails. */
    private static SQLException firstFailure(Path config, boolean eager) throws SQLException {
        if (eager) {
            try (Connection c = veil(config)) {
                throw new AssertionError("eager key loading connected during a KMS fault");
            } catch (SQLException e) {
                return e;
            }
        }
        try (Connection c = veil(config)) {
            try {
                readNotes(c);
                throw new AssertionError("read a value during a KMS fault with a cold key cache");
            } catch (SQLException e) {
                assertThat(c.isValid(5)).as("the connection itself is healthy").isTrue();
                return e;
            }
        }
    }

    private static List<String> awaitNotes(Connection c) throws Exception {
        return Await.success(Duration.ofSeconds(20), SQLException.class, e -> { }, () -> readNotes(c));
    }

    private static List<String> readNotes(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT note FROM notes ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A config of its own per call, so each connects with a fresh runtime (cold key cache). */
    private static Path config(String keyArn, boolean eager) throws Exception {
        return write("veil-" + LABELS.incrementAndGet() + ".yml", "master-key: " + FakeKmsServer.uri(keyArn) + "\n"
                + "master-key-options:\n"
                + "  region: " + FakeKmsServer.REGION + "\n"
                + "  endpoint: " + kms.endpoint() + "\n"
                + "  api-call-timeout: PT5S\n  api-call-attempt-timeout: PT2S\n  connect-timeout: PT1S\n"
                + "  max-attempts: 2\n"
                + "key-cache: { eager: " + eager + " }\n"
                + "tables:\n  notes:\n    note: { type: string }\n");
    }

    private static Path write(String name, String yaml) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private static Connection veil(Path config) throws SQLException {
        String url = DB.veilUrl();
        return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "veil.config="
                + URLEncoder.encode(config.toString(), StandardCharsets.UTF_8), DB.properties());
    }
}
