package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
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
 * Point SELECT by e-mail: pgjdbc on {@code plain_patients} through a btree index on the {@code text} column, vs Veil
 * on {@code patients} through a blind index (HMAC-SHA256, 256 bits, the default) in {@code email_bidx} with a btree
 * index on it. 10,000 rows with distinct e-mails in both; the lookups cycle through 1,024 of them spread over the
 * table. Target: veil ≤ 1.10 × plain.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class BlindIndexBenchmark {

    private static final int LOOKUPS = 1_024; // a power of two: next() masks

    @Param({"plain", "veil"})
    public String variant;

    private final String[] emails = new String[LOOKUPS];
    private BenchmarkDatabase db;
    private Connection connection;
    private PreparedStatement selectByEmail;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchmarkDatabase.open(BlindIndexSchema.FAST_INDEX_YAML);
        BlindIndexSchema.create(db);
        Variant v = Variant.of(variant);
        String table = v.patientsTable();
        connection = v.connect(db);
        PatientsSchema.seed(db, connection, table);
        PatientsSchema.verify(db, connection, table);
        Patient[] seeded = Patient.pool(PatientsSchema.SEED_ROWS);
        BlindIndexSchema.verify(db, connection, table, seeded[41]);
        for (int i = 0; i < LOOKUPS; i++) {
            emails[i] = seeded[(int) ((long) i * PatientsSchema.SEED_ROWS / LOOKUPS)].email();
        }
        selectByEmail = connection.prepareStatement(BlindIndexSchema.selectByEmailSql(table));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            connection.close();
        } finally {
            db.close();
        }
    }

    /** {@code WHERE email = ?} on a reused PreparedStatement, one row, all five columns read. */
    @Benchmark
    public void selectByEmail(Blackhole bh) throws SQLException {
        BlindIndexSchema.selectByEmail(selectByEmail, emails[counter++ & (LOOKUPS - 1)], bh);
    }
}
