package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import dev.veil.key.KeyRingListener;
import dev.veil.key.aws.FakeKmsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * W2 and W4 through Veil with the master key as the only difference: a local Tink keyset file ({@code local}) or
 * an AWS KMS key ({@code kms}) served by {@link FakeKmsServer} on 127.0.0.1. Once the data-key cache is warm
 * (the trial setup writes and reads every column), neither should touch its master key again, so the two
 * should measure the same.
 *
 * <p>Each operation's secondary results count what happened during that iteration: {@code masterKeyCalls}
 * (wrap/unwrap calls the key ring made, from a {@link KeyRingListener}; both variants) and {@code kmsRequests}
 * (HTTP requests the fake KMS received, SDK retries included; 0 for {@code local}). JMH sums them over the
 * measurement iterations; both should be 0. The setup's own calls are printed at the end of the setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class MasterKeyBenchmark {

    private static final int POOL = 1_024; // a power of two: next() masks

    @Param({"local", "kms"})
    public String masterKey;

    private final Patient[] patients = Patient.pool(POOL);
    private final LongAdder masterKeyCalls = new LongAdder();
    private FakeKmsServer kms;
    private BenchmarkDatabase db;
    private Connection connection;
    private PreparedStatement insert;
    private PreparedStatement selectById;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchmarkDatabase.open(masterKeyYaml(), PatientsSchema.VEIL_TABLES_YAML);
        db.veilRuntime().addKeyRingListener(new KeyRingListener() {
            @Override
            public void masterKeyCall(String masterKeyId, String operation, Duration duration, Outcome outcome) {
                masterKeyCalls.increment();
            }
        });
        PatientsSchema.create(db);
        String table = PatientsSchema.VEIL_TABLE;
        connection = db.veil();
        PatientsSchema.seed(db, connection, table);
        PatientsSchema.verify(db, connection, table);
        insert = connection.prepareStatement(PatientsSchema.insertSql(table));
        selectById = connection.prepareStatement(PatientsSchema.selectByIdSql(table));
        System.out.printf(Locale.ROOT, "%n[%s] setup (data keys created, 10,000 rows seeded, row 42 read): "
                + "%d master-key calls, %d KMS requests (%d Encrypt, %d Decrypt)%n", masterKey, masterKeyCalls(),
                kmsRequests(), kms == null ? 0 : kms.calls("Encrypt"), kms == null ? 0 : kms.calls("Decrypt"));
    }

    /** The YAML lines naming the master key: {@code null} (a new local keyset) or the fake KMS's key. */
    private String masterKeyYaml() {
        switch (masterKey) {
            case "local":
                return null;
            case "kms":
                // Nagle off on the fake's side, as the key-management tests run it (setup only: no calls later).
                System.setProperty("sun.net.httpserver.nodelay", "true");
                try {
                    kms = FakeKmsServer.start(); // also sets fake AWS credentials as system properties
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start the fake KMS", e);
                }
                return "master-key: " + FakeKmsServer.uri(kms.createKey()) + "\n"
                        + "master-key-options: { region: " + FakeKmsServer.REGION + ", endpoint: " + kms.endpoint()
                        + " }\n";
            default:
                throw new IllegalArgumentException("masterKey must be local or kms, not " + masterKey);
        }
    }

    long masterKeyCalls() {
        return masterKeyCalls.sum();
    }

    long kmsRequests() {
        return kms == null ? 0 : kms.totalCalls();
    }

    @Setup(Level.Iteration)
    public void startIteration() throws SQLException {
        PatientsSchema.removeWrites(db, PatientsSchema.VEIL_TABLE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            connection.close();
        } finally {
            db.close();
            if (kms != null) {
                kms.close();
            }
        }
    }

    private int next() {
        return counter++ & (POOL - 1);
    }

    /** Master-key activity during one iteration; JMH reports each field as a secondary result ({@code #}). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class KeyCalls {

        /** Wrap/unwrap calls the key ring made to the master key (local keyset or KMS). */
        public long masterKeyCalls;
        /** HTTP requests the fake KMS received (0 with a local keyset). */
        public long kmsRequests;

        private long masterKeyCallsBefore;
        private long kmsRequestsBefore;

        @Setup(Level.Iteration)
        public void start(MasterKeyBenchmark benchmark) {
            masterKeyCallsBefore = benchmark.masterKeyCalls();
            kmsRequestsBefore = benchmark.kmsRequests();
        }

        @TearDown(Level.Iteration)
        public void stop(MasterKeyBenchmark benchmark) {
            masterKeyCalls = benchmark.masterKeyCalls() - masterKeyCallsBefore;
            kmsRequests = benchmark.kmsRequests() - kmsRequestsBefore;
        }
    }

    /** W2 ({@link PatientsBenchmark#w2SelectById}): point SELECT by primary key, all five columns read. */
    @Benchmark
    public void w2SelectById(Blackhole bh, KeyCalls calls) throws SQLException {
        selectById.setLong(1, 1 + (counter++ % PatientsSchema.SEED_ROWS));
        try (ResultSet rs = selectById.executeQuery()) {
            rs.next();
            PatientsSchema.read(rs, bh);
        }
    }

    /** W4 ({@link PatientsBenchmark#w4BatchInsert1k}): 1,000 rows by addBatch/executeBatch, one commit. */
    @Benchmark
    public int[] w4BatchInsert1k(KeyCalls calls) throws SQLException {
        for (int i = 0; i < PatientsBenchmark.BATCH_ROWS; i++) {
            PatientsSchema.bind(insert, patients[next()]);
            insert.addBatch();
        }
        return insert.executeBatch();
    }
}
