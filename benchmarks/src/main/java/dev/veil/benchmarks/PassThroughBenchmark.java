package dev.veil.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * A statement that touches no encrypted table ({@code plain_patients}), through pgjdbc and through Veil. Each
 * operation prepares, binds, executes, reads one row and closes, so Veil's per-statement work (plan-cache lookup,
 * wrappers) is inside the measurement. Expected ratio ≈ 1.0.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class PassThroughBenchmark {

    private static final String SQL = PatientsSchema.selectByIdSql(PatientsSchema.PLAIN_TABLE);

    @Param({"plain", "veil"})
    public String variant;

    private BenchmarkDatabase db;
    private Connection connection;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchmarkDatabase.open(PatientsSchema.VEIL_TABLES_YAML);
        PatientsSchema.create(db);
        try (Connection plain = db.plain()) {
            PatientsSchema.seed(db, plain, PatientsSchema.PLAIN_TABLE);
        }
        connection = Variant.of(variant).connect(db);
        PatientsSchema.verify(db, connection, PatientsSchema.PLAIN_TABLE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            connection.close();
        } finally {
            db.close();
        }
    }

    /** Prepare, bind, execute, read all columns of one row, close. */
    @Benchmark
    public void plainTableSelectById(Blackhole bh) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SQL)) {
            ps.setLong(1, 1 + (counter++ % PatientsSchema.SEED_ROWS));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                PatientsSchema.read(rs, bh);
            }
        }
    }
}
