package dev.veil.benchmarks;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
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

/**
 * Re-encryption throughput: one operation is one pass over a table of {@code rows} rows with two
 * encrypted columns ({@link ReencryptSchema}), seeded through Veil once per trial.
 * <ul>
 *   <li>{@code veil}: {@link VeilAdmin#reencrypt} of the table with {@code batchSize} and {@code workers}, after an
 *       untimed {@code rotate data-key} ({@link VeilAdmin#rotateDataKey}, a key-table transaction touching no data
 *       row; its time is printed with each iteration): every row is decrypted, encrypted under the new primary
 *       version, verified and written back by the online job engine.</li>
 *   <li>{@code plain}: the baseline in the same run, {@link KeysetRewrite}: plain pgjdbc walking the same table the
 *       same way (keyset pagination, same batch size, compare-and-swap UPDATE batch and a checkpoint per batch
 *       transaction, same number of workers over disjoint key ranges) and writing the values back as read.</li>
 * </ul>
 * Target: veil ÷ plain ≥ 0.8 in rows/s with 1 worker, and veil with 2 workers faster than with 1.
 *
 * <p>Single-shot iterations: an operation takes seconds and changes the table (dead tuples, a new key version), so
 * each one is timed alone, with an untimed {@code VACUUM}, job-table cleanup and {@code CHECKPOINT} before it so
 * every pass starts from the same state (no dead tuples, every page's first change writing a full-page image, no
 * checkpoint of an earlier pass competing for the disk). The score is seconds per pass; rows/s is {@code rows}
 * divided by it (each iteration also prints its own).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ReencryptBenchmark {

    /** Held so the level sticks (JUL keeps loggers weakly): one INFO line per rotation would split JMH's lines. */
    private static final java.util.logging.Logger KEY_ADMINISTRATION_LOG =
            java.util.logging.Logger.getLogger(dev.veil.key.KeyAdministration.class.getName());

    @Param({"plain", "veil"})
    public String variant;

    @Param({"1", "2"})
    public int workers;

    @Param({"500", "1000"})
    public int batchSize;

    @Param({"100000"})
    public int rows;

    private BenchmarkDatabase db;
    private VeilAdmin admin;
    private KeysetRewrite baseline;

    /** The measured pass's own wall time, for the rows/s line printed after each iteration. */
    private long passNanos;

    /** The untimed rotation before a veil pass. */
    private long rotationNanos;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        KEY_ADMINISTRATION_LOG.setLevel(java.util.logging.Level.WARNING);
        db = BenchmarkDatabase.open(ReencryptSchema.TABLES_YAML);
        ReencryptSchema.create(db);
        admin = VeilAdmin.open(db.veilConfig(), db::plain, db.databaseName());
        admin.init(false); // the data key, the blind-index key and the job table
        try (Connection veil = db.veil()) {
            ReencryptSchema.seed(db, veil, rows);
            ReencryptSchema.verify(db, veil, rows);
        }
        baseline = new KeysetRewrite(db, ReencryptSchema.TABLE);
        baseline.create();
        ReencryptSchema.condition(db, baseline);
    }

    @Setup(Level.Iteration)
    public void beforePass() throws Exception {
        ReencryptSchema.prepare(db);
        if (veil()) {
            long started = System.nanoTime();
            admin.rotateDataKey(ReencryptSchema.TABLE, false); // a new primary version for the pass to re-encrypt to
            rotationNanos = System.nanoTime() - started;
        }
    }

    @TearDown(Level.Iteration)
    public void afterPass() {
        System.out.printf(veil() ? "(%,.0f rows/s; rotation before it %.0f ms) " : "(%,.0f rows/s) ",
                rows / (passNanos / 1e9), rotationNanos / 1e6);
    }

    private boolean veil() {
        return "veil".equals(variant.toLowerCase(Locale.ROOT));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try (Connection veil = db.veil()) {
            ReencryptSchema.verify(db, veil, rows); // still readable after all the passes
        } finally {
            admin.close();
            db.close();
        }
    }

    /** One pass over the table; fails unless every row was written. */
    @Benchmark
    public long pass() throws Exception {
        long started = System.nanoTime();
        long n = veil() ? reencrypt() : baseline.run(workers, batchSize);
        passNanos = System.nanoTime() - started;
        if (n != rows) {
            throw new IllegalStateException(variant + " wrote " + n + " rows, expected " + rows);
        }
        return n;
    }

    private long reencrypt() throws Exception {
        List<JobResult> r = admin.reencrypt(ReencryptSchema.TABLE, null,
                JobOptions.defaults().withBatchSize(batchSize).withWorkers(workers));
        if (r.size() != 1 || r.get(0).remaining() != 0) {
            throw new IllegalStateException("reencrypt left values under an old key version: " + r);
        }
        return r.get(0).rowsChanged();
    }
}
