package dev.veil.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The baseline of {@link ReencryptBenchmark}: what a hand-written online rewrite of {@code email} and {@code ssn}
 * costs on plain pgjdbc with no crypto. It does the database work of Veil's job engine, statement for statement:
 * split the table into {@code workers} key ranges (count and {@code OFFSET}, as the engine does), then per worker
 * one connection walking its range by keyset pagination on the primary key, {@code batchSize} rows per batch, one
 * transaction per batch:
 * <ol>
 *   <li>{@code SELECT id, email, ssn … WHERE id > ? AND id < ? ORDER BY id LIMIT ?}</li>
 *   <li>a JDBC batch of {@code UPDATE … SET email = ?, ssn = ? WHERE id = ? AND email = ? AND ssn = ?} (a
 *       compare-and-swap write) for every row read, with the values as read</li>
 *   <li>a checkpoint: {@code UPDATE} of the range's row in a progress table, compare-and-swap on the last key, in
 *       the same transaction</li>
 *   <li>commit</li>
 * </ol>
 * What it leaves out of the engine's work: the crypto (decrypt, encrypt, decrypt again to verify), the per-batch
 * {@code SET LOCAL} timeouts, the server-side filter on the key version and the counts before and after the job.
 * Statements are prepared once per worker; the engine's are its own business (that is what is measured).
 */
final class KeysetRewrite {

    static final String PROGRESS_TABLE = "reencrypt_baseline_progress";

    private final BenchmarkDatabase db;
    private final String table;

    KeysetRewrite(BenchmarkDatabase db, String table) {
        this.db = db;
        this.table = table;
    }

    /** Drops and creates the progress table. */
    void create() throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + PROGRESS_TABLE,
                "CREATE TABLE " + PROGRESS_TABLE + " (part int PRIMARY KEY, last_id bigint, "
                        + "rows_written bigint NOT NULL DEFAULT 0, done boolean NOT NULL DEFAULT false)");
    }

    /** Rewrites every row once with {@code workers} threads over disjoint key ranges; returns the rows written. */
    long run(int workers, int batchSize) throws Exception {
        List<long[]> ranges = ranges(workers);
        ExecutorService pool = Executors.newFixedThreadPool(ranges.size());
        try {
            List<Future<Long>> running = new ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) {
                int part = i;
                running.add(pool.submit(() -> walk(part, ranges.get(part), batchSize)));
            }
            long written = 0;
            for (Future<Long> f : running) {
                written += f.get();
            }
            return written;
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code workers} ranges {@code (after, before)} of about equal row counts, and their progress rows. */
    private List<long[]> ranges(int workers) throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (Connection c = db.plain(); Statement st = c.createStatement()) {
            long rows = 0;
            if (workers > 1) { // one range, the whole table, needs no count (nor does the engine's)
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            }
            long after = Long.MIN_VALUE;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table
                    + " ORDER BY id OFFSET ? LIMIT 1")) {
                for (int i = 1; i <= workers; i++) {
                    long before = Long.MAX_VALUE;
                    if (i < workers) {
                        ps.setLong(1, rows * i / workers);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            before = rs.getLong(1);
                        }
                    }
                    out.add(new long[] {after, before});
                    after = before - 1;
                }
            }
            st.execute("DELETE FROM " + PROGRESS_TABLE);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PROGRESS_TABLE + " (part) VALUES (?)")) {
                for (int i = 0; i < out.size(); i++) {
                    ps.setInt(1, i);
                    ps.executeUpdate();
                }
            }
        }
        return out;
    }

    private long walk(int part, long[] range, int batchSize) throws SQLException {
        long written = 0;
        try (Connection c = db.plain();
                PreparedStatement select = c.prepareStatement("SELECT id, email, ssn FROM " + table
                        + " WHERE id > ? AND id < ? ORDER BY id LIMIT ?");
                PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET email = ?, ssn = ? "
                        + "WHERE id = ? AND email = ? AND ssn = ?");
                PreparedStatement checkpoint = c.prepareStatement("UPDATE " + PROGRESS_TABLE + " SET last_id = ?, "
                        + "rows_written = rows_written + ?, done = ? "
                        + "WHERE part = ? AND last_id IS NOT DISTINCT FROM ?")) {
            c.setAutoCommit(false);
            long last = range[0];
            Long previous = null;
            select.setLong(2, range[1]);
            select.setInt(3, batchSize);
            while (true) {
                select.setLong(1, last);
                int read = 0;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        String email = rs.getString(2);
                        byte[] ssn = rs.getBytes(3);
                        update.setString(1, email);
                        update.setBytes(2, ssn);
                        update.setLong(3, id);
                        update.setString(4, email);
                        update.setBytes(5, ssn);
                        update.addBatch();
                        last = id;
                        read++;
                    }
                }
                long changed = 0;
                if (read > 0) {
                    for (int n : update.executeBatch()) {
                        changed += n == Statement.SUCCESS_NO_INFO ? 1 : n;
                    }
                }
                boolean done = read < batchSize;
                checkpoint.setLong(1, last);
                checkpoint.setLong(2, changed);
                checkpoint.setBoolean(3, done);
                checkpoint.setInt(4, part);
                checkpoint.setObject(5, previous, java.sql.Types.BIGINT);
                if (checkpoint.executeUpdate() != 1) {
                    throw new IllegalStateException("part " + part + " was advanced by someone else");
                }
                c.commit();
                previous = last;
                written += changed;
                if (done) {
                    return written;
                }
            }
        }
    }
}
