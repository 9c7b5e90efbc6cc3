package dev.veil.benchmarks;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link ReencryptBenchmark}'s two variants alternating pass by pass on one table, for a machine shared with other
 * work: JMH runs all passes of one variant before the other, so load that comes and goes between them skews
 * their ratio; here each veil pass has a baseline pass right before it, and the ratio of each pair is printed,
 * then the medians. Same table, seed, passes and per-pass preparation as the benchmark (untimed VACUUM, job-table
 * cleanup, CHECKPOINT). A veil pass is {@code reencrypt}, timed alone; the {@code rotate data-key} before it (a
 * key-table transaction, no data row) is timed on its own, and each pair also prints the ratio with it included.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.ReencryptAlternation [workers] [batch] [pairs]
 * [rows]</pre> (defaults 1, 500, 8, 100000); the first pair warms up and is left out of the medians.
 */
public final class ReencryptAlternation {

    /** Held so the level sticks (JUL keeps loggers weakly): no INFO line per rotation. */
    private static final java.util.logging.Logger KEY_ADMINISTRATION_LOG =
            java.util.logging.Logger.getLogger(dev.veil.key.KeyAdministration.class.getName());

    private ReencryptAlternation() {
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : JobOptions.DEFAULT_BATCH_SIZE;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int rows = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        KEY_ADMINISTRATION_LOG.setLevel(java.util.logging.Level.WARNING);
        List<Double> plainRates = new ArrayList<>();
        List<Double> veilRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> rotationRatios = new ArrayList<>();
        try (BenchmarkDatabase db = BenchmarkDatabase.open(ReencryptSchema.TABLES_YAML)) {
            ReencryptSchema.create(db);
            try (VeilAdmin admin = VeilAdmin.open(db.veilConfig(), db::plain, db.databaseName())) {
                admin.init(false);
                try (Connection veil = db.veil()) {
                    ReencryptSchema.seed(db, veil, rows);
                    ReencryptSchema.verify(db, veil, rows);
                }
                KeysetRewrite baseline = new KeysetRewrite(db, ReencryptSchema.TABLE);
                baseline.create();
                ReencryptSchema.condition(db, baseline);
                JobOptions options = JobOptions.defaults().withBatchSize(batch).withWorkers(workers);
                for (int p = 0; p < pairs; p++) {
                    ReencryptSchema.prepare(db);
                    long started = System.nanoTime();
                    long written = baseline.run(workers, batch);
                    double plain = written / ((System.nanoTime() - started) / 1e9);
                    ReencryptSchema.prepare(db);
                    started = System.nanoTime();
                    admin.rotateDataKey(ReencryptSchema.TABLE, false);
                    long rotated = System.nanoTime();
                    List<JobResult> r = admin.reencrypt(ReencryptSchema.TABLE, null, options);
                    long finished = System.nanoTime();
                    double veil = r.get(0).rowsChanged() / ((finished - rotated) / 1e9);
                    double withRotation = r.get(0).rowsChanged() / ((finished - started) / 1e9);
                    if (written != rows || r.get(0).rowsChanged() != rows || r.get(0).remaining() != 0) {
                        throw new IllegalStateException("a pass did not write every row: plain " + written + ", veil "
                                + r.get(0));
                    }
                    System.out.printf("pair %d: plain %,.0f rows/s, veil %,.0f rows/s, veil / plain %.2f (with the rotation "
                            + "%.0f ms: %.2f), load %.1f%s%n", p, plain, veil, veil / plain, (rotated - started) / 1e6,
                            withRotation / plain, load(), p == 0 ? " (warm-up)" : "");
                    if (p > 0) {
                        plainRates.add(plain);
                        veilRates.add(veil);
                        ratios.add(veil / plain);
                        rotationRatios.add(withRotation / plain);
                    }
                }
                try (Connection veil = db.veil()) {
                    ReencryptSchema.verify(db, veil, rows);
                }
            }
        }
        System.out.printf("medians (%d workers, batches of %d, %,d rows): plain %,.0f rows/s, veil %,.0f rows/s, "
                + "veil / plain %.2f (with the rotation %.2f)%n", workers, batch, rows, median(plainRates),
                median(veilRates), median(ratios), median(rotationRatios));
    }

    /** The 1-minute load average, to report with each pair (−1 where the system does not say). */
    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
