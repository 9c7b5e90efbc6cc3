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
 * {@link BlindIndexBenchmark}'s Veil lookup through a slow ({@code slow: argon2id}) blind index: every search pays
 * one Argon2id run in the JVM before the query. {@code cost}: {@code production} is the default cost
 * (m = 19456 KiB, t = 2, p = 1); {@code test} the documented test-suite profile
 * ({@code argon2id-cost: { memory-kib: 64, iterations: 1, parallelism: 1 }}, no real resistance). Compare with
 * {@code BlindIndexBenchmark.selectByEmail} ({@code veil}: the fast index) for the Argon2id share.
 *
 * <p>Seeding 10,000 rows at production cost would take minutes, so {@value #LOOKUP_ROWS} rows are written through
 * Veil (each paying its Argon2id run) and the table is padded to 10,000 rows with copies carrying random index
 * values ({@link BlindIndexSchema#padVeilTable}): the btree is as large as in {@link BlindIndexBenchmark}. The
 * lookups cycle through the {@value #LOOKUP_ROWS} real rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class Argon2idLookupBenchmark {

    static final int LOOKUP_ROWS = 128; // a power of two: next() masks

    @Param({"test", "production"})
    public String cost;

    private final String[] emails = new String[LOOKUP_ROWS];
    private BenchmarkDatabase db;
    private Connection connection;
    private PreparedStatement selectByEmail;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchmarkDatabase.open(BlindIndexSchema.tablesYaml(indexYaml()));
        BlindIndexSchema.create(db);
        String table = PatientsSchema.VEIL_TABLE;
        connection = db.veil();
        PatientsSchema.seed(db, connection, table, LOOKUP_ROWS);
        BlindIndexSchema.padVeilTable(db, PatientsSchema.SEED_ROWS);
        PatientsSchema.verify(db, connection, table);
        Patient[] seeded = Patient.pool(LOOKUP_ROWS);
        BlindIndexSchema.verify(db, connection, table, seeded[41]);
        for (int i = 0; i < LOOKUP_ROWS; i++) {
            emails[i] = seeded[i].email();
        }
        selectByEmail = connection.prepareStatement(BlindIndexSchema.selectByEmailSql(table));
    }

    private String indexYaml() {
        String index = "{ name: " + BlindIndexSchema.INDEX_COLUMN + ", slow: argon2id";
        switch (cost) {
            case "production":
                return index + " }";
            case "test":
                return index + ", argon2id-cost: { memory-kib: 64, iterations: 1, parallelism: 1 } }";
            default:
                throw new IllegalArgumentException("cost must be test or production, not " + cost);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            connection.close();
        } finally {
            db.close();
        }
    }

    /** {@code WHERE email = ?} through the Argon2id index: one Argon2id run, one query, all five columns read. */
    @Benchmark
    public void selectByEmail(Blackhole bh) throws SQLException {
        BlindIndexSchema.selectByEmail(selectByEmail, emails[counter++ & (LOOKUP_ROWS - 1)], bh);
    }
}
