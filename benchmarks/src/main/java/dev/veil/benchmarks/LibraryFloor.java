package dev.veil.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.benchmarks.PatientsSchema.Patient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The library floor of {@link ColdStart}: the least a client-side-encrypting driver built on the libraries Veil uses
 * (pgjdbc, Tink, JSqlParser, the AWS SDK v2) must do in a fresh JVM before its first decrypted row, with no Veil code:
 * connect with pgjdbc; {@code AeadConfig.register()} and {@code PrfConfig.register()}; open the master key — a
 * cleartext Tink JSON keyset ({@code local}) or an AWS SDK {@code KmsClient} built as Veil builds it (URL-connection
 * HTTP client, endpoint override) ({@code kms}); read the two wrapped data keysets (AES-256-GCM, HMAC-SHA256-PRF) in
 * one query and unwrap them (Tink's encrypted keyset under the master AEAD, or one KMS {@code Decrypt} each); parse the
 * application's statement once with JSqlParser ({@link CCJSqlParser} directly, no parser thread); compute the
 * e-mail's HMAC-PRF; run the search through the index column and decrypt the row's three columns with AES-256-GCM.
 * What a driver would add to this — reading configuration, resolving names against the catalog, analysing and
 * rewriting the statement, caching — is its own share.
 *
 * <pre>
 * cold_floor      (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, heart_rate bytea, email_bidx bytea)
 * cold_floor_keys (master text, purpose text, wrapped bytea, PRIMARY KEY (master, purpose))
 * </pre>
 *
 * The rows are the same patients as {@link OrmSchema}'s tables (Tink ciphertext, associated data the column's
 * name; the index value the first 32 bytes of the PRF of the e-mail). {@link #create} (the parent) writes them and a
 * master keyset file; the child ({@link #main}) is started by {@link ColdStart}.
 */
final class LibraryFloor {

    static final String TABLE = "cold_floor";
    static final String KEYS = "cold_floor_keys";
    /** The statement the application sends (what a driver must parse before it knows what to encrypt). */
    static final String APPLICATION_SQL = "SELECT " + OrmSchema.COLUMNS + " FROM " + TABLE + " WHERE email = ?";
    /** The statement sent instead: the e-mail searched through its index column. */
    static final String SENT_SQL = "SELECT " + OrmSchema.COLUMNS + " FROM " + TABLE + " WHERE email_bidx = ?";
    private static final Map<String, String> KMS_CONTEXT = Map.of("table", TABLE);

    private LibraryFloor() {
    }

    /** Where the parent put the floor's master key: the keyset file, and the fake KMS key (or null). */
    record Keys(Path masterKeyset, URI kmsEndpoint, String kmsKeyArn) { }

    /**
     * Drops and creates the floor's tables, writes a new master keyset (owner-only file in {@code db}'s temp
     * directory), new data keysets wrapped by it and, when {@code kmsEndpoint} is given, by that KMS key as well,
     * and {@code rows} patients.
     */
    static Keys create(BenchmarkDatabase db, int rows, URI kmsEndpoint, String kmsKeyArn) throws SQLException {
        try {
            AeadConfig.register();
            PrfConfig.register();
            KeysetHandle master = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            Path file = db.writeFile("floor-master-keyset.json",
                    TinkJsonProtoKeysetFormat.serializeKeyset(master, InsecureSecretKeyAccess.get()));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Aead masterAead = master.getPrimitive(RegistryConfiguration.get(), Aead.class);
            KeysetHandle data = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            KeysetHandle index = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
            db.execute("DROP TABLE IF EXISTS " + TABLE + ", " + KEYS,
                    "CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                            + "heart_rate bytea, email_bidx bytea)",
                    "CREATE INDEX " + TABLE + "_email_bidx_idx ON " + TABLE + " (email_bidx)",
                    "CREATE TABLE " + KEYS + " (master text, purpose text, wrapped bytea, PRIMARY KEY (master, "
                            + "purpose))");
            try (Connection c = db.plain()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + KEYS + " VALUES (?, ?, ?)")) {
                    for (String purpose : List.of("aead", "prf")) {
                        KeysetHandle h = purpose.equals("aead") ? data : index;
                        ps.setString(1, "local");
                        ps.setString(2, purpose);
                        ps.setBytes(3, TinkProtoKeysetFormat.serializeEncryptedKeyset(h, masterAead, ad(purpose)));
                        ps.addBatch();
                        if (kmsEndpoint != null) {
                            ps.setString(1, "kms");
                            ps.setString(2, purpose);
                            ps.setBytes(3, kmsWrap(kmsEndpoint, kmsKeyArn,
                                    TinkProtoKeysetFormat.serializeKeyset(h, InsecureSecretKeyAccess.get())));
                            ps.addBatch();
                        }
                    }
                    ps.executeBatch();
                }
                seed(c, data.getPrimitive(RegistryConfiguration.get(), Aead.class),
                        index.getPrimitive(RegistryConfiguration.get(), PrfSet.class), rows);
            }
            db.execute("VACUUM ANALYZE " + TABLE);
            return new Keys(file, kmsEndpoint, kmsKeyArn);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the floor's keys", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void seed(Connection c, Aead aead, PrfSet prf, int rows) throws SQLException,
            GeneralSecurityException {
        Patient[] pool = Patient.pool(rows);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (name, ssn, email, heart_rate, email_bidx) VALUES (?, ?, ?, ?, ?)")) {
            for (Patient p : pool) {
                ps.setString(1, p.name());
                ps.setBytes(2, aead.encrypt(utf8(p.ssn()), utf8("ssn")));
                ps.setBytes(3, aead.encrypt(utf8(p.email()), utf8("email")));
                ps.setBytes(4, aead.encrypt(ByteBuffer.allocate(4).putInt(p.heartRate()).array(),
                        utf8("heart_rate")));
                ps.setBytes(5, prf.computePrimary(utf8(p.email()), 32));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static byte[] kmsWrap(URI endpoint, String arn, byte[] keyset) {
        try (KmsClient kms = kmsClient(endpoint)) {
            return kms.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromByteArray(keyset))
                    .encryptionContext(KMS_CONTEXT)).ciphertextBlob().asByteArray();
        }
    }

    /** A client as {@code AwsKmsMasterKey} builds one: URL-connection HTTP client, region, endpoint override. */
    private static KmsClient kmsClient(URI endpoint) {
        return KmsClient.builder()
                .region(Region.of(dev.veil.key.aws.FakeKmsServer.REGION))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint)
                .build();
    }

    /** The child's arguments for these keys: JDBC URL, master ({@code local} or {@code kms}), key, e-mail. */
    static List<String> arguments(String url, Keys keys, boolean kms, String email) {
        return kms ? List.of(url, "kms", keys.kmsEndpoint().toString(), keys.kmsKeyArn(), email)
                : List.of(url, "local", keys.masterKeyset().toString(), "-", email);
    }

    /** The child: the floor's work, then {@code first-row} on standard output. */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        boolean kms = args[1].equals("kms");
        String email = args[4];
        Properties credentials = new Properties();
        credentials.setProperty("user", System.getenv().getOrDefault("VEIL_BENCH_USER", "postgres"));
        String password = System.getenv("VEIL_BENCH_PASSWORD");
        if (password != null) {
            credentials.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(url, credentials)) {
            AeadConfig.register();
            PrfConfig.register();
            Aead aead;
            PrfSet prf;
            KmsClient client = kms ? kmsClient(URI.create(args[2])) : null;
            Aead master = kms ? null : TinkJsonProtoKeysetFormat.parseKeyset(
                    Files.readString(Path.of(args[2]), StandardCharsets.UTF_8), InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT purpose, wrapped FROM " + KEYS
                    + " WHERE master = ? ORDER BY purpose")) {
                ps.setString(1, kms ? "kms" : "local");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    aead = unwrap(rs.getBytes(2), "aead", master, client, args[3])
                            .getPrimitive(RegistryConfiguration.get(), Aead.class);
                    rs.next();
                    prf = unwrap(rs.getBytes(2), "prf", master, client, args[3])
                            .getPrimitive(RegistryConfiguration.get(), PrfSet.class);
                }
            }
            if (client != null) {
                client.close();
            }
            CCJSqlParser parser = new CCJSqlParser(new StringProvider(APPLICATION_SQL));
            parser.withSquareBracketQuotation(false).withBackslashEscapeCharacter(false);
            if (parser.Statements().size() != 1) {
                throw new IllegalStateException("one statement expected");
            }
            try (PreparedStatement ps = c.prepareStatement(SENT_SQL)) {
                ps.setBytes(1, prf.computePrimary(utf8(email), 32));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("row not found");
                    }
                    String ssn = new String(aead.decrypt(rs.getBytes(3), utf8("ssn")), StandardCharsets.UTF_8);
                    String found = new String(aead.decrypt(rs.getBytes(4), utf8("email")), StandardCharsets.UTF_8);
                    int heartRate = ByteBuffer.wrap(aead.decrypt(rs.getBytes(5), utf8("heart_rate"))).getInt();
                    if (!email.equals(found) || ssn.isEmpty() || heartRate <= 0) {
                        throw new IllegalStateException("row not found");
                    }
                }
            }
        }
        System.out.println("first-row");
    }

    private static KeysetHandle unwrap(byte[] wrapped, String purpose, Aead master, KmsClient kms, String arn)
            throws GeneralSecurityException {
        if (kms == null) {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, master, ad(purpose));
        }
        byte[] keyset = kms.decrypt(r -> r.keyId(arn).ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                .encryptionContext(KMS_CONTEXT)).plaintext().asByteArray();
        try {
            return TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get());
        } finally {
            Arrays.fill(keyset, (byte) 0);
        }
    }

    private static byte[] ad(String purpose) {
        return utf8(TABLE + "/" + purpose);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
