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
 * The cost of row binding end to end: W1, W3 and W4 of {@link PatientsBenchmark} through Veil on two tables that
 * differ only in {@code row-binding: true} — {@code rb_unbound} and {@code rb_bound}, both with a client-assigned
 * {@code bigint} key (row binding needs the key at write time) and the same three encrypted columns. What the bound
 * table adds: the typed row-key encoding in each value's associated data, encryption deferred to execution (the
 * values are kept until the key is bound), and on reads one hidden key column per row and the key's encoding per
 * value. {@link RowKeyBenchmark} measures the per-value part without the database.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class RowBindingBenchmark {

    static final String YAML = "  rb_unbound:\n    ssn: {}\n    email: {}\n    heart_rate: { type: int }\n"
            + "  rb_bound:\n    row-binding: true\n    ssn: {}\n    email: {}\n    heart_rate: { type: int }\n";
    private static final int POOL = 1_024;
    private static final int SEED = PatientsSchema.SEED_ROWS;

    @Param({"unbound", "bound"})
    public String variant;

    private final Patient[] patients = Patient.pool(POOL);
    private BenchmarkDatabase db;
    private Connection connection;
    private String table;
    private PreparedStatement insert;
    private PreparedStatement selectUpToId;
    private long nextId;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchmarkDatabase.open(YAML);
        table = "rb_" + variant;
        db.execute("DROP TABLE IF EXISTS rb_unbound, rb_bound, " + PatientsSchema.KEY_TABLE,
                "CREATE TABLE rb_unbound (id bigint PRIMARY KEY, name text, ssn bytea, email bytea, heart_rate bytea)",
                "CREATE TABLE rb_bound (id bigint PRIMARY KEY, name text, ssn bytea, email bytea, heart_rate bytea)");
        connection = db.veil();
        insert = connection.prepareStatement("INSERT INTO " + table
                + " (name, ssn, email, heart_rate, id) VALUES (?, ?, ?, ?, ?)");
        nextId = 1;
        for (int i = 0; i < SEED; i++) {
            bindNext();
            insert.addBatch();
            if ((i + 1) % 1000 == 0) {
                insert.executeBatch();
            }
        }
        insert.executeBatch();
        db.execute("ANALYZE " + table);
        selectUpToId = connection.prepareStatement("SELECT id, name, ssn, email, heart_rate FROM " + table
                + " WHERE id <= ?");
        selectUpToId.setLong(1, SEED);
        try (ResultSet rs = selectUpToId.executeQuery()) {
            int rows = 0;
            while (rs.next()) {
                if (!patients[(int) ((rs.getLong(1) - 1) & (POOL - 1))].ssn().equals(rs.getString(3))) {
                    throw new IllegalStateException(table + " does not read back as written");
                }
                rows++;
            }
            if (rows != SEED) {
                throw new IllegalStateException(table + " holds " + rows + " seed rows");
            }
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() throws SQLException {
        db.execute("DELETE FROM " + table + " WHERE id > " + SEED, "VACUUM " + table);
        nextId = SEED + 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            connection.close();
        } finally {
            db.close();
        }
    }

    private void bindNext() throws SQLException {
        Patient p = patients[counter++ & (POOL - 1)];
        insert.setString(1, p.name());
        insert.setString(2, p.ssn());
        insert.setString(3, p.email());
        insert.setInt(4, p.heartRate());
        insert.setLong(5, nextId++);
    }

    /** W1: one row, three encrypted values, the key bound last. */
    @Benchmark
    public int w1InsertRow() throws SQLException {
        bindNext();
        return insert.executeUpdate();
    }

    /** W3: 10,000 rows, all five columns read (30,000 decryptions, each with its row's key when bound). */
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

    /** W4: 1,000 rows by addBatch/executeBatch (3,000 encryptions, each bound to its row's key when bound). */
    @Benchmark
    public int[] w4BatchInsert1k() throws SQLException {
        for (int i = 0; i < PatientsBenchmark.BATCH_ROWS; i++) {
            bindNext();
            insert.addBatch();
        }
        return insert.executeBatch();
    }
}
