package dev.veil.benchmarks;

import dev.veil.driver.VeilDriver;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.local.LocalKeysetGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;

/**
 * The PostgreSQL database the benchmarks run against, plus Veil YAML (and, unless another master key is given, a
 * fresh local master keyset) in a temp directory. Plain and Veil connections go to the same database.
 *
 * <p>The plain URL comes from the system property {@value #URL_PROPERTY}, else the environment variable
 * {@value #URL_ENV}, else {@value #DEFAULT_URL}; the database is created through the server's {@code postgres}
 * database when missing. User and password: {@code VEIL_BENCH_USER} (default {@code postgres}) and
 * {@code VEIL_BENCH_PASSWORD} (default none), unless the URL carries them.
 */
final class BenchmarkDatabase implements AutoCloseable {

    static final String URL_PROPERTY = "veil.bench.jdbc-url";
    static final String URL_ENV = "VEIL_BENCH_JDBC_URL";
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/veil_bench";
    private static final String PLAIN_PREFIX = "jdbc:postgresql://";

    private final String url;
    private final Properties properties;
    private final Path directory;
    private final Path config;
    private final String veilUrl;

    private BenchmarkDatabase(String url, Properties properties, Path directory, Path config) {
        this.url = url;
        this.properties = properties;
        this.directory = directory;
        this.config = config;
        this.veilUrl = "jdbc:veil:" + url.substring("jdbc:".length()) + (url.contains("?") ? "&" : "?")
                + "veil.config=" + config;
    }

    /**
     * Ensures the database exists and writes a new local master keyset and a configuration that encrypts
     * {@code tablesYaml} (the body of {@code tables:}) into a temp directory.
     */
    static BenchmarkDatabase open(String tablesYaml) throws SQLException {
        return open(null, tablesYaml);
    }

    /**
     * Like {@link #open(String)}, with the master key given by {@code masterKeyYaml} (the {@code master-key:} line
     * and any {@code master-key-options:}); {@code null} means a new local keyset in the temp directory.
     */
    static BenchmarkDatabase open(String masterKeyYaml, String tablesYaml) throws SQLException {
        String url = configuredUrl();
        Properties properties = credentials();
        createIfMissing(url, properties);
        try {
            Path dir = Files.createTempDirectory("veil-bench");
            if (masterKeyYaml == null) {
                Path key = dir.resolve("master-keyset.json");
                LocalKeysetGenerator.generate(key);
                masterKeyYaml = "master-key: local-keyset:" + key + "\n";
            }
            Path config = dir.resolve("veil.yml");
            Files.writeString(config, masterKeyYaml
                    + "key-table: " + PatientsSchema.KEY_TABLE + "\n"
                    + "tables:\n" + tablesYaml, StandardCharsets.UTF_8);
            return new BenchmarkDatabase(url, properties, dir, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the local master keyset", e);
        }
    }

    /** The plain pgjdbc URL (no credentials: those are in the connection properties). */
    String plainUrl() {
        return url;
    }

    /** The Veil URL, {@code jdbc:veil:postgresql://…?veil.config=<this run's YAML>}. */
    String veilUrl() {
        return veilUrl;
    }

    /** Writes {@code content} to {@code name} in this run's temp directory (deleted on close); returns its path. */
    Path writeFile(String name, String content) {
        try {
            return Files.writeString(directory.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The connection properties (user, password) of the plain and Veil connections. */
    Properties credentialsCopy() {
        Properties p = new Properties();
        p.putAll(properties);
        return p;
    }

    /** A pgjdbc connection, bypassing Veil. */
    Connection plain() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    /** A connection through Veil ({@code jdbc:veil:postgresql://…}). */
    Connection veil() throws SQLException {
        return DriverManager.getConnection(veilUrl, properties);
    }

    /**
     * The Veil runtime behind {@link #veil()} connections (the same instance the driver uses for them), e.g. to
     * attach a {@link dev.veil.key.KeyRingListener}; created, without connecting, if no connection exists yet.
     */
    VeilRuntime veilRuntime() throws SQLException {
        return VeilDriver.instance().runtime(veilUrl, properties);
    }

    /** The configuration {@link #veil()} connections use, as the driver reads it (for the administration API). */
    VeilConfig veilConfig() throws SQLException {
        Properties p = new Properties();
        p.setProperty("veil.config", config.toString());
        return VeilDriver.configFrom(p);
    }

    /** The database name, as the driver names it in the KMS encryption context. */
    String databaseName() {
        return VeilDriver.databaseName(url);
    }

    /** Runs DDL or setup SQL on a plain connection. */
    void execute(String... statements) throws SQLException {
        try (Connection c = plain(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Deletes the temp directory (key and configuration); tables stay for inspection until the next run. */
    @Override
    public void close() {
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }

    private static String configuredUrl() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null || url.isBlank()) {
            url = System.getenv(URL_ENV);
        }
        url = url == null || url.isBlank() ? DEFAULT_URL : url.trim();
        if (!url.startsWith(PLAIN_PREFIX)) {
            throw new IllegalArgumentException(URL_ENV + " must be a plain " + PLAIN_PREFIX + "host[:port]/database "
                    + "URL (Veil's prefix is added by the benchmark)");
        }
        return url;
    }

    private static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", envOr("VEIL_BENCH_USER", "postgres"));
        String password = System.getenv("VEIL_BENCH_PASSWORD");
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Connects to {@code postgres} on the same server and creates the URL's database if it does not exist. */
    private static void createIfMissing(String url, Properties properties) throws SQLException {
        int slash = url.indexOf('/', PLAIN_PREFIX.length());
        if (slash < 0) {
            throw new IllegalArgumentException(URL_ENV + " names no database: expected " + PLAIN_PREFIX
                    + "host[:port]/database");
        }
        int query = url.indexOf('?', slash);
        String database = query < 0 ? url.substring(slash + 1) : url.substring(slash + 1, query);
        String admin = url.substring(0, slash + 1) + "postgres" + (query < 0 ? "" : url.substring(query));
        try (Connection c = DriverManager.getConnection(admin, properties);
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created concurrently
                    throw e;
                }
            }
        }
    }
}
