package dev.veil.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A database of its own, a fresh local master keyset and a YAML configuration, for one test class: create it in
 * {@code @BeforeAll} (or {@code @BeforeEach}), close it after. Lives beside {@link TestDatabase} in the
 * key-management test-jar, the one home of the shared test fixtures (it needs the Veil driver only at run time,
 * through {@link DriverManager}), so the driver, the CLI and the end-to-end suite use the same one.
 */
public final class VeilFixture implements AutoCloseable {

    private final TestDatabase database;
    private final Path directory;
    private final Path config;
    private final Path masterKey;

    private VeilFixture(TestDatabase database, Path directory, Path config, Path masterKey) {
        this.database = database;
        this.directory = directory;
        this.config = config;
        this.masterKey = masterKey;
    }

    /**
     * @param owner the test class (names the database)
     * @param tablesYaml the {@code tables:} section body, indented by two spaces per level as in the README
     */
    public static VeilFixture create(Class<?> owner, String tablesYaml) {
        Path key = TestMasterKeys.fresh(owner.getSimpleName());
        Path dir = key.getParent();
        try {
            Path config = dir.resolve("veil.yml");
            Files.writeString(config, "master-key: local-keyset:" + key + "\n" + "tables:\n" + tablesYaml,
                    StandardCharsets.UTF_8);
            return new VeilFixture(TestDatabase.create(owner), dir, config, key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public TestDatabase database() {
        return database;
    }

    public Path configFile() {
        return config;
    }

    public Path masterKeyFile() {
        return masterKey;
    }

    /** {@code jdbc:veil:postgresql://…?veil.config=…} */
    public String veilUrl() {
        String url = database.veilUrl();
        return url + (url.contains("?") ? "&" : "?") + "veil.config=" + config;
    }

    /** A connection through Veil. */
    public Connection veil() throws SQLException {
        return DriverManager.getConnection(veilUrl(), database.properties());
    }

    /** A plain pgjdbc connection: what the database (and its DBA) sees. */
    public Connection plain() throws SQLException {
        return database.plainConnection();
    }

    /** Runs DDL or setup SQL on a plain connection. */
    public void plainExecute(String... statements) throws SQLException {
        try (Connection c = plain(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    public Properties properties() {
        return database.properties();
    }

    @Override
    public void close() {
        database.drop();
        TestMasterKeys.delete(directory);
    }
}
