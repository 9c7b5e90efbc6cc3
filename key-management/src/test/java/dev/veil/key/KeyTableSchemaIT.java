package dev.veil.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.key.IndexRotation.Phase;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Key tables created by an earlier Veil gain the later columns and keep their keys. */
class KeyTableSchemaIT {

    /** The key table of the first release: no encryptions_reserved, no rotation columns. */
    private static final String FIRST_RELEASE = " (table_name text NOT NULL, key_name text NOT NULL,"
            + " purpose text NOT NULL CHECK (purpose IN ('encryption', 'blind_index')), master_key_id text NOT NULL,"
            + " wrapped_keyset bytea NOT NULL, format smallint NOT NULL, primary_version bigint NOT NULL,"
            + " revision bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(),"
            + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (table_name, key_name, purpose))";
    /** The key table before index-key rotation: with encryptions_reserved, without the rotation columns. */
    private static final String BEFORE_ROTATION = " (table_name text NOT NULL, key_name text NOT NULL,"
            + " purpose text NOT NULL CHECK (purpose IN ('encryption', 'blind_index')), master_key_id text NOT NULL,"
            + " wrapped_keyset bytea NOT NULL, format smallint NOT NULL, primary_version bigint NOT NULL,"
            + " revision bigint NOT NULL DEFAULT 1, encryptions_reserved bigint NOT NULL DEFAULT 0,"
            + " created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (table_name, key_name, purpose))";
    private static final List<String> ADDED = List.of("encryptions_reserved", "rotation_phase", "rotation_version",
            "rotation_from_version", "rotation_changed_at");
    private static final KeyScope INDEX = KeyScope.blindIndex("public.patients", "email_bidx");
    private static final KeyScope TABLE_KEY = KeyScope.tableEncryption("public.patients");
    private static final byte[] MESSAGE = "alice@example.com".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = new byte[0];

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();
    /** Made with keys of the current Veil, which are copied into the old tables (bound to their scope, not table). */
    static byte[] indexValue;
    static byte[] ciphertext;

    @BeforeAll
    static void setUp() throws Exception {
        try (KeyRing ring = builder("current_keys").build()) {
            indexValue = ring.prf(INDEX).computePrimary(MESSAGE, 32);
            ciphertext = ring.aead(TABLE_KEY).encrypt("v".getBytes(StandardCharsets.UTF_8), AD);
        }
    }

    private static KeyRingBuilder builder(String table) {
        return DB.ringBuilder().keyTable(table).refreshExecutor(Runnable::run);
    }

    private static void oldTableWithTheKeys(String table, String ddl) throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + ddl);
            st.execute("INSERT INTO " + table + " (table_name, key_name, purpose, master_key_id, wrapped_keyset,"
                    + " format, primary_version) SELECT table_name, key_name, purpose, master_key_id, wrapped_keyset,"
                    + " format, primary_version FROM current_keys");
        }
    }

    private static List<String> columns(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.plainConnection(); PreparedStatement ps = c.prepareStatement("SELECT column_name FROM"
                + " information_schema.columns WHERE table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void keysWorkAndRotate(String table) throws Exception {
        try (KeyRing ring = builder(table).build(); KeyAdministration admin = builder(table).buildAdministration()) {
            assertThat(ring.prf(INDEX).computePrimary(MESSAGE, 32)).isEqualTo(indexValue);
            assertThat(ring.aead(TABLE_KEY).decrypt(ciphertext, AD)).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
            assertThat(admin.indexRotations()).isEmpty();
            IndexRotation r = admin.beginIndexRotation(INDEX);
            assertThat(admin.advanceIndexRotation(INDEX, r.phase()).phase()).isEqualTo(Phase.WRITE_NEW);
        }
    }

    @Test
    void aTableOfTheFirstReleaseGainsEveryLaterColumnAndItsKeysKeepWorking() throws Exception {
        oldTableWithTheKeys("first_release_keys", FIRST_RELEASE);
        keysWorkAndRotate("first_release_keys");
        assertThat(columns("first_release_keys")).containsSubsequence(ADDED);
    }

    @Test
    void aTableWithoutTheRotationColumnsGainsThemAndItsKeysKeepWorking() throws Exception {
        oldTableWithTheKeys("before_rotation_keys", BEFORE_ROTATION);
        keysWorkAndRotate("before_rotation_keys");
        assertThat(columns("before_rotation_keys")).containsSubsequence(ADDED);
    }

    @Test
    void aUserWithoutAlterPrivilegeNeedsItOnlyForTheReservationColumnAndIsToldTheAlterToRun() throws Exception {
        String role = "veil_keys_app_" + ProcessHandle.current().pid();
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + role);
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'app'");
        } catch (SQLException e) {
            Assumptions.abort("the test user cannot create roles: " + e.getMessage());
        }
        try {
            try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
                st.execute(new DataKeyTable(DB::plainConnection, "dba_keys").createSql());
                st.execute("GRANT SELECT, INSERT, UPDATE ON dba_keys TO " + role);
            }
            oldTableWithTheKeys("dba_before_rotation_keys", BEFORE_ROTATION);
            oldTableWithTheKeys("dba_first_release_keys", FIRST_RELEASE);
            try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
                st.execute("GRANT SELECT, INSERT, UPDATE ON dba_before_rotation_keys, dba_first_release_keys TO "
                        + role);
            }
            Properties app = DB.properties();
            app.setProperty("user", role);
            app.setProperty("password", "app");
            ConnectionFactory asApp = () -> DriverManager.getConnection(DB.url(), app);

            try (KeyRing ring = builder("dba_keys").connections(asApp).build();
                    KeyAdministration admin = builder("dba_keys").connections(asApp).buildAdministration()) {
                ring.prf(INDEX);
                admin.beginIndexRotation(INDEX);
            }

            // without the rotation columns the keys work; only rotation is refused, naming the ALTER to run
            try (KeyRing ring = builder("dba_before_rotation_keys").connections(asApp).build();
                    KeyAdministration admin = builder("dba_before_rotation_keys").connections(asApp)
                            .buildAdministration()) {
                assertThat(ring.prf(INDEX).computePrimary(MESSAGE, 32)).isEqualTo(indexValue);
                assertThat(ring.aead(TABLE_KEY).decrypt(ciphertext, AD))
                        .isEqualTo("v".getBytes(StandardCharsets.UTF_8));
                assertThat(admin.indexRotations()).isEmpty();
                assertThat(admin.indexRotation(INDEX)).isEmpty();
                assertThatThrownBy(() -> admin.beginIndexRotation(INDEX)).isInstanceOf(KeyException.class)
                        .hasMessageContaining("lacks the index-key rotation columns")
                        .hasMessageContaining("have its owner run: ALTER TABLE dba_before_rotation_keys"
                                + " ADD COLUMN IF NOT EXISTS rotation_phase text,");
                assertThat(admin.versions(INDEX)).hasSize(1);
            }
            assertThat(columns("dba_before_rotation_keys")).doesNotContain("rotation_phase");

            // without encryptions_reserved the ring cannot count encryptions: it refuses, naming the ALTER
            try (KeyRing ring = builder("dba_first_release_keys").connections(asApp).build()) {
                assertThatThrownBy(() -> ring.prf(INDEX)).isInstanceOf(KeyException.class)
                        .hasMessageContaining("lacks the columns encryptions_reserved, rotation_phase,")
                        .hasMessageContaining("have its owner run: ALTER TABLE dba_first_release_keys"
                                + " ADD COLUMN IF NOT EXISTS encryptions_reserved bigint NOT NULL DEFAULT 0,");
            }
        } finally {
            try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }
}
