package dev.veil.cli;

import dev.veil.testing.VeilFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@link VeilFixture} (database, master keyset, YAML) seen from the command line: the connection options a child
 * {@code veil} gets, a plaintext {@code users} table to start from, and digests of everything a command may change
 * (rows, key table, job table, catalog) to prove that a dry run changed nothing.
 */
final class CliFixture implements AutoCloseable {

    /** The configuration most tests use: two encrypted columns, one with a blind index; a key cache of 1 s. */
    static final String USERS_YAML = """
              users:
                email: { type: string, blind-index: email_bidx }
                ssn: {}
            allow-legacy-plaintext: true
            key-cache: { ttl: PT1S }
            """;

    /** What the seeded plaintext looks like; no output of the CLI may match it. */
    static final Pattern SEEDED_VALUE = Pattern.compile("user\\d+@example\\.com|\\d{3}-45-\\d{4}");

    final VeilFixture fx;
    private Path config;

    private CliFixture(VeilFixture fx) {
        this.fx = fx;
        this.config = fx.configFile();
    }

    static CliFixture create(Class<?> owner, String tablesYaml) {
        return new CliFixture(VeilFixture.create(owner, tablesYaml));
    }

    static String email(long id) {
        return "user" + id + "@example.com";
    }

    static String ssn(long id) {
        return String.format("%03d-45-%04d", id % 1000, id % 10_000);
    }

    /** {@code users (id, email UNIQUE, ssn, name, age int)} with {@code rows} rows of plaintext. */
    CliFixture withPlaintextUsers(int rows) throws SQLException {
        fx.plainExecute("CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, ssn text, name text, age int)");
        try (Connection c = fx.plain()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?, ?, ?)")) {
                for (long i = 1; i <= rows; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, email(i));
                    ps.setString(3, ssn(i));
                    ps.setString(4, "name " + i);
                    ps.setInt(5, (int) (i % 90));
                    ps.addBatch();
                    if (i % 5_000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
        return this;
    }

    /** The configuration commands get unless told otherwise (the fixture's, until {@link #useConfig}). */
    Path config() {
        return config;
    }

    void useConfig(Path file) {
        config = file;
    }

    /** Another configuration beside the fixture's, with the same master key unless {@code head} says otherwise. */
    Path writeConfig(String name, String tablesYaml) throws IOException {
        return writeConfig(name, "master-key: local-keyset:" + fx.masterKeyFile(), tablesYaml);
    }

    Path writeConfig(String name, String head, String tablesYaml) throws IOException {
        Path file = fx.configFile().resolveSibling(name);
        Files.writeString(file, head + "\ntables:\n" + tablesYaml);
        return file;
    }

    /** The plain URL (no credentials), the user, the configuration. */
    List<String> connection(Path config) {
        List<String> a = new ArrayList<>(List.of("--url", fx.database().url(), "--config", config.toString()));
        String user = fx.properties().getProperty("user");
        if (user != null) {
            a.add("--user");
            a.add(user);
        }
        return a;
    }

    /** The environment of a child: the fixture's password, if the server needs one. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        String password = fx.properties().getProperty("password");
        if (password != null) {
            env.put("VEIL_DB_PASSWORD", password);
        }
        return env;
    }

    /** {@code veil args… --url … --config … --user …} to the end. */
    VeilProcess.Result veil(String... args) {
        return veilWith(config(), args);
    }

    VeilProcess.Result veilWith(Path config, String... args) {
        return VeilProcess.run(env(), withConnection(config, args));
    }

    VeilProcess start(String... args) {
        return VeilProcess.start(env(), withConnection(config(), args));
    }

    List<String> withConnection(Path config, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(connection(config));
        return a;
    }

    long scalar(String sql) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String text(String sql) throws SQLException {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A digest of a table's rows (every column, raw), or {@code absent}. */
    String tableDigest(String table) throws SQLException {
        if (text("SELECT to_regclass('" + table + "')::text") == null) {
            return table + ": absent";
        }
        return table + ": " + scalar("SELECT count(*) FROM " + table) + " rows, md5 "
                + text("SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM " + table + " t");
    }

    /** Tables, columns, types, constraints and indexes of the fixture's database. */
    String catalogDigest() throws SQLException {
        return "catalog md5 " + text("""
                SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
                  SELECT c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) AS x
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   WHERE n.nspname = 'public'
                  UNION ALL
                  SELECT conrelid::regclass::text || ' ' || conname || ' ' || convalidated || ' '
                         || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                  UNION ALL
                  SELECT indexdef FROM pg_indexes WHERE schemaname = 'public') s
                """);
    }

    /** Everything a command may change: the rows, the key table, the job table and the catalog. */
    String state() throws SQLException {
        return String.join("\n", tableDigest("users"), tableDigest("veil_data_keys"), tableDigest("veil_jobs"),
                catalogDigest());
    }

    @Override
    public void close() {
        fx.close();
    }
}
