package dev.veil.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The peer: Apache ShardingSphere-JDBC 5.5.2's encrypt feature on the same table shape, configured as its
 * documentation shows — the AES encryptor for every encrypted column (ciphertext stored Base64 in a text column) and
 * an MD5 assisted-query column for the searchable e-mail. Only on the class path with the {@code peers} Maven profile
 * ({@code mvn -B package -Ppeers -pl benchmarks -am}); its driver is found by {@link DriverManager} through the
 * {@code jdbc:shardingsphere:} URL, so nothing here compiles against it.
 *
 * <pre>
 * orm_sharding (id bigserial PRIMARY KEY, name text, ssn_cipher text, email_cipher text, email_assisted text,
 *               heart_rate_cipher text)                                index on email_assisted
 * </pre>
 *
 * The application's SQL names the logical columns ({@code ssn}, {@code email}, {@code heart_rate}), exactly the
 * texts the plain and Veil sides run. ShardingSphere returns a decrypted {@code heart_rate} as text (its AES
 * encryptor encrypts {@code String.valueOf(value)}); reading it costs the same {@code getObject} call.
 */
final class ShardingPeer {

    static final String TABLE = "orm_sharding";
    static final String DRIVER = "org.apache.shardingsphere.driver.ShardingSphereDriver";

    private ShardingPeer() {
    }

    /** Whether ShardingSphere-JDBC is on the class path (the {@code peers} profile). */
    static boolean available() {
        try {
            Class.forName(DRIVER);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Drops and creates the physical table and its assisted-query index (on a plain connection). */
    static void create(BenchmarkDatabase db) throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, name text, ssn_cipher text, "
                        + "email_cipher text, email_assisted text, heart_rate_cipher text)",
                "CREATE INDEX " + TABLE + "_email_assisted_idx ON " + TABLE + " (email_assisted)");
    }

    /** Writes ShardingSphere's YAML for {@code db} (a fresh random AES key) and returns its JDBC URL. */
    static String url(BenchmarkDatabase db) {
        byte[] key = new byte[24];
        ThreadLocalRandom.current().nextBytes(key);
        Properties credentials = db.credentialsCopy();
        String password = credentials.getProperty("password");
        String yaml = "databaseName: veil_bench_peer\n"
                + "mode:\n  type: Standalone\n  repository:\n    type: JDBC\n"
                + "dataSources:\n"
                + "  ds:\n"
                + "    dataSourceClassName: com.zaxxer.hikari.HikariDataSource\n"
                + "    driverClassName: org.postgresql.Driver\n"
                + "    jdbcUrl: " + db.plainUrl() + "\n"
                + "    username: " + credentials.getProperty("user", "postgres") + "\n"
                + (password == null ? "" : "    password: " + password + "\n")
                + "    maximumPoolSize: 4\n"
                + "    minimumIdle: 1\n"
                + "rules:\n"
                + "- !ENCRYPT\n"
                + "  tables:\n"
                + "    " + TABLE + ":\n"
                + "      columns:\n"
                + column("ssn", false) + column("email", true) + column("heart_rate", false)
                + "  encryptors:\n"
                + "    aes_encryptor:\n"
                + "      type: AES\n"
                + "      props:\n"
                + "        aes-key-value: " + Base64.getEncoder().encodeToString(key) + "\n"
                + "        digest-algorithm-name: SHA-1\n"
                + "    md5_encryptor:\n"
                + "      type: MD5\n"
                + "props:\n"
                + "  sql-show: false\n";
        Path file = db.writeFile("sharding.yaml", yaml);
        return "jdbc:shardingsphere:absolutepath:" + file;
    }

    private static String column(String name, boolean searchable) {
        return "        " + name + ":\n"
                + "          cipher:\n"
                + "            name: " + name + "_cipher\n"
                + "            encryptorName: aes_encryptor\n"
                + (searchable
                        ? "          assistedQuery:\n"
                                + "            name: " + name + "_assisted\n"
                                + "            encryptorName: md5_encryptor\n"
                        : "");
    }

    /**
     * Fails fast when the peer does not do what it claims: {@code patient}'s e-mail finds exactly that row through it
     * (through the assisted-query column: the plan is an index scan), and the physical table holds no plaintext.
     */
    static void verify(BenchmarkDatabase db, Connection peer, PatientsSchema.Patient patient) throws SQLException {
        try (PreparedStatement ps = peer.prepareStatement("SELECT " + OrmSchema.COLUMNS + " FROM " + TABLE
                + " WHERE email = ?")) {
            ps.setString(1, patient.email());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !patient.ssn().equals(rs.getString(3)) || !patient.email().equals(rs.getString(4))
                        || !String.valueOf(patient.heartRate()).equals(String.valueOf(rs.getObject(5)))
                        || rs.next()) {
                    throw new IllegalStateException(TABLE + ": " + patient.name() + "'s e-mail does not find exactly "
                            + "that row through ShardingSphere");
                }
            }
        }
        try (Connection c = db.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE email_cipher LIKE '%@%' "
                        + "OR ssn_cipher ~ '^[0-9]{3}-' OR email_assisted IS NULL")) {
            rs.next();
            if (rs.getLong(1) != 0) {
                throw new IllegalStateException(TABLE + " holds plaintext or rows without an assisted-query value");
            }
        }
    }

    /** A connection through ShardingSphere (its data source is created on the first one for {@code url}). */
    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }
}
