package dev.veil.benchmarks;

import dev.veil.key.aws.FakeKmsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The second peer: the AWS Advanced JDBC Wrapper's KMS encryption plugin ({@code wrapperPlugins=sqlParser,
 * kmsEncryption}, package {@code software.amazon.jdbc.plugin.encryption}) on the same table shape, set up as the
 * wrapper's documentation and its own PostgreSQL integration test do. No released artifact has the plugin, so it
 * runs only when a jar of the wrapper built from its source is added to the class path ({@code -cp
 * benchmarks.jar:<wrapper jar>}); its driver is found by {@link DriverManager} through the {@code
 * jdbc:aws-wrapper:postgresql:} URL, so nothing here compiles against it.
 *
 * <pre>
 * encrypt.key_storage, encrypt.encryption_metadata   the plugin's metadata tables (its default schema)
 * DOMAIN encrypted_data AS bytea CHECK (length(VALUE) &gt;= 45)
 * orm_aws (id bigserial PRIMARY KEY, name text, ssn encrypted_data, email encrypted_data,
 *          heart_rate encrypted_data)
 * </pre>
 *
 * One data key per column, generated under a key of the in-process {@link FakeKmsServer} ({@code GenerateDataKey},
 * the ciphertext blob stored Base64 in {@code key_storage} with a random 32-byte HMAC key, as the wrapper's
 * {@code KeyManagementUtility} and integration test do). The plugin has no endpoint property: its {@code KmsClient}
 * is pointed at the fake by the AWS SDK's standard {@code aws.endpointUrlKms} system property (and fake
 * credentials), set by {@link #start()} for this JVM and passed to cold-start children by {@link #childJvmArgs()}.
 *
 * <p>The plugin encrypts each value with AES-256-GCM under a random IV, so the same e-mail never encrypts to the
 * same bytes: it has no equality search, and W2 by e-mail ({@link OrmSide.Shape#ORM}) is not supported on this
 * side ({@link #verify} checks that such a search finds nothing, rather than assuming it).
 */
final class AwsWrapperPeer implements AutoCloseable {

    static final String TABLE = "orm_aws";
    static final String PLUGIN = "software.amazon.jdbc.plugin.encryption.KmsEncryptionConnectionPlugin";
    static final String SCHEMA = "encrypt";
    private static final String ENDPOINT_PROPERTY = "aws.endpointUrlKms";
    private static final List<String> ENCRYPTED = List.of("ssn", "email", "heart_rate");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The wrapper logs each plugin's start at INFO (java.util.logging); held so the level set here stays. */
    private static final Logger WRAPPER_LOG = Logger.getLogger("software.amazon.jdbc");

    private final FakeKmsServer kms;
    private final String keyArn;

    private AwsWrapperPeer(FakeKmsServer kms) {
        this.kms = kms;
        this.keyArn = kms.createKey();
    }

    /** Whether the wrapper with the KMS encryption plugin is on the class path. */
    static boolean available() {
        try {
            Class.forName(PLUGIN, false, AwsWrapperPeer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Starts the fake KMS on 127.0.0.1 with one master key, and points this JVM's AWS SDK clients at it. */
    static AwsWrapperPeer start() {
        try {
            WRAPPER_LOG.setLevel(Level.WARNING);
            FakeKmsServer kms = FakeKmsServer.start();
            System.setProperty(ENDPOINT_PROPERTY, kms.endpoint().toString());
            return new AwsWrapperPeer(kms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JVM options for a child that connects through the peer: the fake's endpoint and the fake credentials. */
    List<String> childJvmArgs() {
        return List.of("-D" + ENDPOINT_PROPERTY + "=" + kms.endpoint(),
                "-Daws.accessKeyId=" + System.getProperty("aws.accessKeyId"),
                "-Daws.secretAccessKey=" + System.getProperty("aws.secretAccessKey"));
    }

    /** {@code Decrypt} and {@code GenerateDataKey} requests the fake KMS has answered. */
    String kmsCalls() {
        return "GenerateDataKey " + kms.calls("GenerateDataKey") + ", Decrypt " + kms.calls("Decrypt");
    }

    /**
     * Drops and creates the plugin's metadata schema, the {@code encrypted_data} domain and the table, and registers
     * a new data key for each encrypted column (on a plain connection).
     */
    void create(BenchmarkDatabase db) throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + TABLE, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE",
                "DROP DOMAIN IF EXISTS encrypted_data CASCADE",
                "CREATE DOMAIN encrypted_data AS bytea CHECK (length(VALUE) >= 45)",
                "CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + SCHEMA + ".key_storage (id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL, "
                        + "master_key_arn VARCHAR(512) NOT NULL, encrypted_data_key TEXT NOT NULL, "
                        + "hmac_key BYTEA NOT NULL, key_spec VARCHAR(50) DEFAULT 'AES_256', "
                        + "created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP, "
                        + "last_used_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP)",
                "CREATE TABLE " + SCHEMA + ".encryption_metadata (table_name VARCHAR(255) NOT NULL, "
                        + "column_name VARCHAR(255) NOT NULL, encryption_algorithm VARCHAR(50) NOT NULL, "
                        + "key_id INTEGER NOT NULL, created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP, "
                        + "updated_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (table_name, column_name), "
                        + "FOREIGN KEY (key_id) REFERENCES " + SCHEMA + ".key_storage(id))",
                "CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, name text, ssn encrypted_data, "
                        + "email encrypted_data, heart_rate encrypted_data)");
        try (KmsClient client = KmsClient.builder().region(Region.of(FakeKmsServer.REGION))
                .endpointOverride(kms.endpoint()).build();
                Connection c = db.plain();
                PreparedStatement key = c.prepareStatement("INSERT INTO " + SCHEMA + ".key_storage (name, "
                        + "master_key_arn, encrypted_data_key, hmac_key, key_spec) VALUES (?, ?, ?, ?, 'AES_256') "
                        + "RETURNING id");
                PreparedStatement column = c.prepareStatement("INSERT INTO " + SCHEMA + ".encryption_metadata "
                        + "(table_name, column_name, encryption_algorithm, key_id) VALUES (?, ?, 'AES-256-GCM', ?)")) {
            for (String name : ENCRYPTED) {
                SdkBytes blob = client.generateDataKey(b -> b.keyId(keyArn).keySpec("AES_256")).ciphertextBlob();
                byte[] hmacKey = new byte[32];
                RANDOM.nextBytes(hmacKey);
                key.setString(1, "key-" + TABLE + "-" + name);
                key.setString(2, keyArn);
                key.setString(3, Base64.getEncoder().encodeToString(blob.asByteArray()));
                key.setBytes(4, hmacKey);
                int id;
                try (ResultSet rs = key.executeQuery()) {
                    rs.next();
                    id = rs.getInt(1);
                }
                column.setString(1, TABLE);
                column.setString(2, name);
                column.setInt(3, id);
                column.executeUpdate();
            }
        }
    }

    /** The wrapper's URL for {@code db}: {@code jdbc:aws-wrapper:postgresql://…} with the two plugins. */
    static String url(BenchmarkDatabase db) {
        String plain = db.plainUrl();
        return "jdbc:aws-wrapper:" + plain.substring("jdbc:".length()) + (plain.contains("?") ? "&" : "?")
                + "wrapperPlugins=sqlParser,kmsEncryption&kms.region=" + FakeKmsServer.REGION;
    }

    /** A connection through the wrapper and its plugins. */
    static Connection connect(BenchmarkDatabase db) throws SQLException {
        return DriverManager.getConnection(url(db), db.credentialsCopy());
    }

    /**
     * Fails fast when the peer does not do what it claims: {@code patient} (row {@code id}) reads back decrypted
     * through it; the stored columns are ciphertexts of the plugin's format ({@code [HMAC 32][type 1][IV 12][AES-GCM
     * ciphertext and tag]}) with no plaintext in them; and a search by the e-mail finds nothing (no equality
     * search: W2 by e-mail is not supported).
     */
    static void verify(BenchmarkDatabase db, Connection peer, long id, PatientsSchema.Patient patient)
            throws SQLException {
        try (PreparedStatement ps = peer.prepareStatement("SELECT " + OrmSchema.COLUMNS + " FROM " + TABLE
                + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !patient.name().equals(rs.getString(2)) || !patient.ssn().equals(rs.getString(3))
                        || !patient.email().equals(rs.getString(4))
                        || !String.valueOf(patient.heartRate()).equals(String.valueOf(rs.getObject(5)))) {
                    throw new IllegalStateException(TABLE + ": row " + id + " does not read back as written through "
                            + "the AWS wrapper's KMS plugin");
                }
            }
        }
        try (PreparedStatement ps = peer.prepareStatement("SELECT " + OrmSchema.COLUMNS + " FROM " + TABLE
                + " WHERE email = ?")) {
            ps.setString(1, patient.email());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalStateException(TABLE + ": a search by e-mail found a row; W2 by e-mail could run");
                }
            }
        }
        // the seed's SSN for row id (PatientsSchema.Patient.pool), to look for it in the stored bytes
        String seededSsn = "lpad(((100 + (id - 1) % 900))::text, 3, '0') || '-' || lpad(((id - 1) % 100)::text, 2, "
                + "'0') || '-' || lpad((id - 1)::text, greatest(4, length((id - 1)::text)), '0')";
        try (Connection c = db.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE position(convert_to("
                        + "'example.com', 'UTF8') in email) > 0 OR position(convert_to(" + seededSsn + ", 'UTF8') in "
                        + "ssn) > 0 OR length(ssn) < 32 + 1 + 12 + 11 + 16 OR length(heart_rate) <> 32 + 1 + 12 + 4 "
                        + "+ 16")) {
            rs.next();
            if (rs.getLong(1) != 0) {
                throw new IllegalStateException(TABLE + " holds plaintext or values not of the plugin's format");
            }
        }
    }

    @Override
    public void close() {
        System.clearProperty(ENDPOINT_PROPERTY);
        kms.close();
    }
}
