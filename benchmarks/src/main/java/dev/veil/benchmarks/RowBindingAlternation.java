package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * {@link RowBindingBenchmark}'s W3 and W4 for a shared, busy machine: the unbound and the bound table alternate pass
 * by pass in one JVM, so both see the same load, and the median of the per-pair ratios is reported. Not JMH (no
 * forks, no blackholes); the JMH benchmark is the reference on a quiet machine.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.RowBindingAlternation [pairs]</pre>
 */
public final class RowBindingAlternation {

    private RowBindingAlternation() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Patient[] pool = Patient.pool(1_024);
        try (BenchmarkDatabase db = BenchmarkDatabase.open(RowBindingBenchmark.YAML); Connection c = db.veil()) {
            db.execute("DROP TABLE IF EXISTS rb_unbound, rb_bound, " + PatientsSchema.KEY_TABLE,
                    "CREATE TABLE rb_unbound (id bigint PRIMARY KEY, name text, ssn bytea, email bytea, heart_rate bytea)",
                    "CREATE TABLE rb_bound (id bigint PRIMARY KEY, name text, ssn bytea, email bytea, heart_rate bytea)");
            String[] tables = {"rb_unbound", "rb_bound"};
            for (String t : tables) {
                insert(c, t, pool, 1, PatientsSchema.SEED_ROWS);
                db.execute("ANALYZE " + t);
            }
            double[][] read = new double[2][pairs];
            double[][] write = new double[2][pairs];
            for (int warm = 0; warm < 5; warm++) {
                for (String t : tables) {
                    select(c, t);
                }
            }
            for (int p = 0; p < pairs; p++) {
                for (int v = 0; v < 2; v++) {
                    int k = (p % 2 == 0) ? v : 1 - v; // alternate which variant goes first
                    long started = System.nanoTime();
                    select(c, tables[k]);
                    read[k][p] = (System.nanoTime() - started) / 1e6;
                    db.execute("DELETE FROM " + tables[k] + " WHERE id > " + PatientsSchema.SEED_ROWS);
                    started = System.nanoTime();
                    insert(c, tables[k], pool, PatientsSchema.SEED_ROWS + 1, 1_000);
                    write[k][p] = (System.nanoTime() - started) / 1e6;
                }
            }
            report("W3 select 10k rows", read);
            report("W4 batch insert 1k", write);
        }
    }

    private static void insert(Connection c, String table, Patient[] pool, long firstId, int rows)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (name, ssn, email, heart_rate, id) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                Patient p = pool[i & (pool.length - 1)];
                ps.setString(1, p.name());
                ps.setString(2, p.ssn());
                ps.setString(3, p.email());
                ps.setInt(4, p.heartRate());
                ps.setLong(5, firstId + i);
                ps.addBatch();
                if ((i + 1) % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static int select(Connection c, String table) throws SQLException {
        int rows = 0;
        long sum = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, ssn, email, heart_rate FROM " + table
                + " WHERE id <= ?")) {
            ps.setLong(1, PatientsSchema.SEED_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getLong(1) + rs.getString(2).length() + rs.getString(3).length()
                            + rs.getString(4).length() + ((Integer) rs.getObject(5));
                    rows++;
                }
            }
        }
        if (rows != PatientsSchema.SEED_ROWS || sum == 0) {
            throw new IllegalStateException(table + ": " + rows + " rows");
        }
        return rows;
    }

    private static void report(String what, double[][] ms) {
        int n = ms[0].length;
        double[] ratios = new double[n];
        for (int p = 0; p < n; p++) {
            ratios[p] = ms[1][p] / ms[0][p];
        }
        System.out.printf("%s: unbound median %.2f ms, bound median %.2f ms, bound ÷ unbound per pair: median %.3f "
                + "(quartiles %.3f–%.3f), %d pairs%n", what, median(ms[0]), median(ms[1]), median(ratios),
                quantile(ratios, 0.25), quantile(ratios, 0.75), n);
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}
