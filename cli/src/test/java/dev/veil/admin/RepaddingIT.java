package dev.veil.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.driver.VeilDriver;
import dev.veil.testing.VeilFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Switching a column's {@code pad:} on for values already stored: {@code veil reencrypt} alone leaves them (they are
 * under the primary key version), {@code veil reencrypt --all} re-pads every one, and again to switch it off.
 */
class RepaddingIT {

    static final int ROWS = 300;
    static VeilFixture fx;
    static Path paddedConfig;

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(RepaddingIT.class, "  notes:\n    body: {}\n    title: { type: string }\n");
        fx.plainExecute("CREATE TABLE notes (id bigint PRIMARY KEY, body bytea, title text)");
        try (Connection v = fx.veil(); PreparedStatement ps = v.prepareStatement(
                "INSERT INTO notes (id, body, title) VALUES (?, ?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                ps.setLong(1, i);
                ps.setString(2, i % 7 == 0 ? null : "note " + "x".repeat(i % 50));
                ps.setString(3, "t" + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        paddedConfig = fx.configFile().resolveSibling("padded.yml");
        Files.writeString(paddedConfig, Files.readString(fx.configFile()).replace("body: {}",
                "body: { pad: { buckets: power-of-two, max: 128 } }"));
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    static VeilAdmin open(Path config) throws Exception {
        Properties p = new Properties();
        p.setProperty("veil.config", config.toString());
        return VeilAdmin.open(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    @Test
    void reencryptAllRepadsWhatIsStoredAndUnpadsItAgain() throws Exception {
        Set<Integer> before = lengths();
        assertThat(before).as("unpadded: many lengths").hasSizeGreaterThan(40);
        String titles = titles();

        try (VeilAdmin admin = open(paddedConfig)) {
            JobResult usual = admin.reencrypt("notes", null, JobOptions.defaults()).get(0);
            assertThat(usual.rowsChanged()).as("everything is under the primary version already").isZero();
            assertThat(lengths()).isEqualTo(before);

            JobResult all = admin.reencrypt("notes", "body", true, JobOptions.defaults().withBatchSize(64)
                    .withWorkers(2)).get(0);
            assertThat(all.rowsChanged()).isEqualTo(ROWS - ROWS / 7);
        }
        assertThat(lengths()).as("padded: the buckets 16, 32 and 64 (+ 35)").containsExactly(16 + 35, 32 + 35, 64 + 35);
        assertThat(titles()).as("other columns untouched").isEqualTo(titles);
        assertValuesReadBack(paddedConfig);
        assertValuesReadBack(fx.configFile());

        try (VeilAdmin admin = open(fx.configFile())) {
            admin.reencrypt("notes", "body", true, JobOptions.defaults());
        }
        assertThat(lengths()).isEqualTo(before);
        assertValuesReadBack(fx.configFile());
    }

    static void assertValuesReadBack(Path config) throws SQLException {
        String url = fx.database().veilUrl();
        try (Connection v = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "veil.config="
                + config, fx.properties()); Statement st = v.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, body FROM notes ORDER BY id")) {
            int n = 0;
            while (rs.next()) {
                int i = rs.getInt(1);
                assertThat(rs.getString(2)).isEqualTo(i % 7 == 0 ? null : "note " + "x".repeat(i % 50));
                n++;
            }
            assertThat(n).isEqualTo(ROWS);
        }
    }

    static Set<Integer> lengths() throws SQLException {
        Set<Integer> out = new TreeSet<>();
        try (Connection c = fx.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT DISTINCT length(body) FROM notes WHERE body IS NOT NULL")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    static String titles() throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT md5(string_agg(title, ',' ORDER BY id)) FROM notes")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
