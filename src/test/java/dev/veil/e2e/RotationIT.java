package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.VeilDriver;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyVersion;
import dev.veil.key.StoredKey;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.TestDatabaseExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key rotation with {@link KeyAdministration} while data is read and written through the Veil driver: a new data-key
 * version for a column, then a re-wrap of every data key under a new KMS master key, after which the old master key
 * is deleted and a driver that knows only the new one reads everything.
 */
class RotationIT {

    private static final String TABLES = """
              patients:
                ssn: { type: string }
                email: { type: string }
            """;

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static Path dir;
    static FakeKmsServer kms;

    @BeforeAll
    static void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("veil-rotation");
        kms = FakeKmsServer.start();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE patients (id serial PRIMARY KEY, name text NOT NULL, ssn bytea, email text)");
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        kms.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void rowsStayReadableAcrossANewDataKeyVersionAndAReWrapUnderANewMasterKey() throws Exception {
        String oldArn = kms.createKey();
        String newArn = kms.createKey();
        Path oldConfig = KmsVeil.writeConfig(dir, "old.yml", kms, oldArn, null, TABLES);
        String oldUrl = KmsVeil.url(DB.database(), oldConfig, "rotation-old");
        KeyScope ssn = KeyScope.tableEncryption("patients"); // the data key of patients.ssn (and .email): the table's
        Map<String, String> expected = new LinkedHashMap<>();

        // 1. rows written with the first data-key version
        try (Connection c = veil(oldUrl)) {
            for (int i = 0; i < 5; i++) {
                insert(c, "before-" + i, "111-00-000" + i, "before" + i + "@example.com", expected);
            }
        }

        // 2. a new primary version for patients.ssn
        long firstVersion;
        long secondVersion;
        try (KeyAdministration admin = administration(oldArn)) {
            assertThat(admin.list()).extracting(StoredKey::scope)
                    .containsExactly(ssn);
            firstVersion = primary(admin.versions(ssn)).id();
            KeyVersion added = admin.addVersion(ssn);
            secondVersion = added.id();
            assertThat(added.primary()).isTrue();
            assertThat(admin.versions(ssn)).extracting(KeyVersion::id)
                    .containsExactlyInAnyOrder(firstVersion, secondVersion);
        }
        assertThat(secondVersion).isNotEqualTo(firstVersion);

        // a running driver picks the new version up at its next refresh; invalidate() makes that now
        KeyRing running = VeilDriver.instance().runtime(oldUrl, DB.properties()).keys();
        running.invalidate(ssn);
        try (Connection c = veil(oldUrl)) {
            for (int i = 0; i < 5; i++) {
                insert(c, "after-" + i, "222-00-000" + i, "after" + i + "@example.com", expected);
            }
            assertThat(readAll(c)).isEqualTo(expected);
        }
        Map<String, Long> keyIds = ssnKeyIds();
        assertThat(keyIds).hasSize(10);
        keyIds.forEach((name, id) -> assertThat(id).as(name)
                .isEqualTo(name.startsWith("before-") ? firstVersion : secondVersion));
        try (Connection c = veil(KmsVeil.url(DB.database(), oldConfig, "rotation-old-fresh"))) {
            assertThat(readAll(c)).as("a fresh runtime reads both versions").isEqualTo(expected);
        }

        // disabling the old version makes its rows undecryptable (VE001) until it is enabled again
        try (KeyAdministration admin = administration(oldArn)) {
            admin.disableVersion(ssn, firstVersion);
            running.invalidate(ssn);
            try (Connection c = veil(oldUrl)) {
                assertThatThrownBy(() -> readAll(c)).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("VE001"));
            }
            admin.enableVersion(ssn, firstVersion);
            running.invalidate(ssn);
            try (Connection c = veil(oldUrl)) {
                assertThat(readAll(c)).isEqualTo(expected);
            }
        }

        // 3. re-wrap every data key under the new master key, then delete the old one
        try (KeyAdministration admin = administration(oldArn)) {
            assertThat(admin.rewrap(FakeKmsServer.uri(newArn))).as("data keys re-wrapped").isEqualTo(1);
            assertThat(admin.rewrap(FakeKmsServer.uri(newArn))).as("a repeated run has nothing left to do").isZero();
        }
        assertThat(masterKeyIds()).containsOnly(FakeKmsServer.uri(newArn)).hasSize(1);
        assertThat(ssnKeyIds()).as("no data row changed").isEqualTo(keyIds);
        kms.deleteKey(oldArn);
        kms.resetCounts();

        Path newConfig = KmsVeil.writeConfig(dir, "new.yml", kms, newArn, null, TABLES);
        try (Connection c = veil(KmsVeil.url(DB.database(), newConfig, "rotation-new"))) {
            assertThat(readAll(c)).isEqualTo(expected);
            insert(c, "rewrapped-0", "333-00-0000", "rewrapped@example.com", expected);
            assertThat(readAll(c)).isEqualTo(expected);
        }
        assertThat(kms.calls("Decrypt")).as("one unwrap per data key, all under the new master key").isEqualTo(1);
        assertThat(kms.calls("Encrypt")).isZero();

        // a driver still configured with only the old master key can no longer use the keys
        try (Connection c = veil(KmsVeil.url(DB.database(), oldConfig, "rotation-old-after"))) {
            assertThatThrownBy(() -> readAll(c)).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getMessage()).contains("patients.").contains(newArn));
        }
    }

    private static KeyAdministration administration(String masterArn) throws Exception {
        return KeyRing.builder()
                .masterKey(FakeKmsServer.uri(masterArn))
                .masterKeyOptions(kms.options())
                .database(DB.name())
                .connections(DB::plainConnection)
                .buildAdministration();
    }

    private static KeyVersion primary(List<KeyVersion> versions) {
        return versions.stream().filter(KeyVersion::primary).findFirst().orElseThrow();
    }

    private static Connection veil(String url) throws SQLException {
        return DriverManager.getConnection(url, DB.properties());
    }

    private static void insert(Connection c, String name, String ssn, String email, Map<String, String> expected)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (name, ssn, email) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, ssn);
            ps.setString(3, email);
            ps.executeUpdate();
        }
        expected.put(name, ssn + " " + email);
    }

    private static Map<String, String> readAll(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, ssn, email FROM patients ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
            }
        }
        return out;
    }

    /** The Tink key id in each stored ssn ciphertext: {@code 'V' 0x01 | 0x01 | key id (4 bytes) | …}. */
    private static Map<String, Long> ssnKeyIds() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, ssn FROM patients ORDER BY id")) {
            while (rs.next()) {
                byte[] stored = rs.getBytes(2);
                assertThat(stored).startsWith('V', 1, 1);
                out.put(rs.getString(1), Integer.toUnsignedLong(ByteBuffer.wrap(stored, 3, 4).getInt()));
            }
        }
        return out;
    }

    private static List<String> masterKeyIds() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT master_key_id FROM veil_data_keys")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
