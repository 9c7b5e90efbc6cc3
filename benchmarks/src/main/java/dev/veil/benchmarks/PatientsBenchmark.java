package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
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
 * W1–W4: the same JDBC code against pgjdbc on {@code plain_patients} and against Veil on {@code patients} (three
 * encrypted columns). The variant is the only difference; JMH runs the two back to back per workload.
 * Statements are prepared once per trial and reused; autocommit is on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class PatientsBenchmark {

    static final int BATCH_ROWS = 1_000;
    private static final int POOL = 1_024; // a power of two: next() masks

    @Param({"plain", "veil"})
    public String variant;

    private final Patient[] patients = Patient.pool(POOL);
    private BenchmarkDatabase db;
    private Connection connection;
    private String table;
    private PreparedStatement insert;
    private PreparedStatement selectById;
    private PreparedStatement selectUpToId;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchmarkDatabase.open(PatientsSchema.VEIL_TABLES_YAML);
        PatientsSchema.create(db);
        Variant v = Variant.of(variant);
        table = v.patientsTable();
        connection = v.connect(db);
        PatientsSchema.seed(db, connection, table);
        PatientsSchema.verify(db, connection, table);
        insert = connection.prepareStatement(PatientsSchema.insertSql(table));
        selectById = connection.prepareStatement(PatientsSchema.selectByIdSql(table));
        selectUpToId = connection.prepareStatement(PatientsSchema.selectUpToIdSql(table));
        selectUpToId.setLong(1, PatientsSchema.SEED_ROWS);
    }

    @Setup(Level.Iteration)
    public void startIteration() throws SQLException {
        PatientsSchema.removeWrites(db, table);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            connection.close();
        } finally {
            db.close();
        }
    }

    private int next() {
        return counter++ & (POOL - 1);
    }

    /** W1: one row, three encrypted values, reused PreparedStatement, autocommit (one commit per row). */
    @Benchmark
    public int w1InsertRow() throws SQLException {
        PatientsSchema.bind(insert, patients[next()]);
        return insert.executeUpdate();
    }

    /** W2: point SELECT by primary key, all five columns read. */
    @Benchmark
    public void w2SelectById(Blackhole bh) throws SQLException {
        selectById.setLong(1, 1 + (counter++ % PatientsSchema.SEED_ROWS));
        try (ResultSet rs = selectById.executeQuery()) {
            rs.next();
            PatientsSchema.read(rs, bh);
        }
    }

    /** W3: 10,000 rows, all five columns of each read (30,000 decryptions through Veil). */
    @Benchmark
    public int w3Select10kRows(Blackhole bh) throws SQLException {
        int rows = 0;
        try (ResultSet rs = selectUpToId.executeQuery()) {
            while (rs.next()) {
                PatientsSchema.read(rs, bh);
                rows++;
            }
        }
        return rows;
    }

    /** W4: 1,000 rows by addBatch/executeBatch (3,000 encryptions through Veil), one commit. */
    @Benchmark
    public int[] w4BatchInsert1k() throws SQLException {
        for (int i = 0; i < BATCH_ROWS; i++) {
            PatientsSchema.bind(insert, patients[next()]);
            insert.addBatch();
        }
        return insert.executeBatch();
    }
}
