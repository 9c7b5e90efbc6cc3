package dev.veil.admin.job;

import dev.veil.key.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One worker thread of an {@link OnlineJob}: its own connection, parts taken from a shared queue. Each batch's
 * transaction also reads the next batch's rows, and a second thread rewrites them (decrypts, encrypts, checks)
 * while this one writes the current batch: the crypto overlaps the server's work instead of adding to it. The
 * next batch is written, compare-and-swap, in its own transaction with its own checkpoint, so reading it one
 * transaction early changes no guarantee; after a failure, a stop or a crash it is simply read again.
 *
 * <p>A batch costs the round trips of its work and no more: the timeouts are set once for the connection's session
 * ({@link SessionTimeouts}, restored before the connection is given back), and the statements are prepared once
 * per worker.
 */
final class Worker {

    private final JobSpec spec;
    private final Batches sql;
    private final JobOptions options;
    private final OnlineJob.Totals totals;
    private final ConnectionFactory connections;
    private final Checkpoints checkpoints;
    private final OnlineJob.RetryPause retryPause;

    Worker(JobSpec spec, Batches sql, JobOptions options, OnlineJob.Totals totals,
            ConnectionFactory connections, Checkpoints checkpoints, OnlineJob.RetryPause retryPause) {
        this.retryPause = retryPause;
        this.connections = connections;
        this.checkpoints = checkpoints;
        this.spec = spec;
        this.sql = sql;
        this.options = options;
        this.totals = totals;
    }

    void drain(Queue<Checkpoints.Part> parts) throws SQLException, JobException, InterruptedException {
        ExecutorService rewriting = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "veil-job-rewriter");
            t.setDaemon(true);
            return t;
        });
        try (Connection c = connections.open();
                SessionTimeouts timeouts = SessionTimeouts.set(c, options.lockTimeout(), options.statementTimeout());
                Statements st = new Statements(c)) {
            c.setAutoCommit(false);
            Checkpoints.Part p;
            while ((p = parts.poll()) != null) {
                walk(st, p, rewriting);
            }
        } finally {
            rewriting.shutdownNow();
        }
    }

    /** The worker's prepared statements, one connection's, each prepared on first use and kept for every batch. */
    private final class Statements implements AutoCloseable {

        final Connection c;
        final PreparedStatement update;
        final Checkpoints.Recorder checkpoint;
        /** By {@code hasLower, inclusiveLower, hasUpper} (bits 2, 1, 0). */
        private final PreparedStatement[] selects = new PreparedStatement[8];

        Statements(Connection c) throws SQLException {
            this.c = c;
            this.update = c.prepareStatement(sql.update());
            Checkpoints.Recorder r;
            try {
                r = checkpoints.recorder(c);
            } catch (SQLException | RuntimeException e) {
                update.close();
                throw e;
            }
            this.checkpoint = r;
        }

        PreparedStatement select(boolean hasLower, boolean inclusiveLower, boolean hasUpper) throws SQLException {
            int i = (hasLower ? 4 : 0) | (inclusiveLower ? 2 : 0) | (hasUpper ? 1 : 0);
            if (selects[i] == null) {
                selects[i] = c.prepareStatement(sql.select(hasLower, inclusiveLower, hasUpper));
            }
            return selects[i];
        }

        @Override
        public void close() throws SQLException {
            SQLException first = null;
            for (AutoCloseable s : new AutoCloseable[] {update, checkpoint, selects[0], selects[1], selects[2],
                    selects[3], selects[4], selects[5], selects[6], selects[7]}) {
                try {
                    if (s != null) {
                        s.close();
                    }
                } catch (Exception e) {
                    first = first != null ? first : e instanceof SQLException q ? q : new SQLException(e);
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** Walks one part batch by batch until it is finished, a stop is requested or a batch fails. */
    private void walk(Statements st, Checkpoints.Part part, ExecutorService rewriting)
            throws SQLException, JobException, InterruptedException {
        String[] last = part.last();
        boolean hasUpper = part.upper() != null;
        Ahead ahead = null;
        try {
            while (true) {
                if (totals.abort || options.control().stopRequested() || Thread.currentThread().isInterrupted()) {
                    totals.abort = true;
                    throw new JobException(JobException.Kind.INTERRUPTED, spec.command() + " stopped on request after "
                            + "a committed batch; run the same command again to resume", null, null);
                }
                totals.pace();
                Batch b = batch(st, part, last, hasUpper, ahead, rewriting);
                ahead = b.next;
                last = b.last == null ? last : b.last;
                if (b.finished) {
                    return;
                }
            }
        } finally {
            if (ahead != null) {
                ahead.rewritten.cancel(true);
            }
        }
    }

    /** The rows of the next batch, read by the transaction before it, and their rewrite (under way or done). */
    private record Ahead(List<JobSpec.Row> rows, Future<Object[][]> rewritten) { }

    private record Batch(String[] last, boolean finished, Ahead next) { }

    /**
     * One transaction: (read,) write, checkpoint, read ahead, commit; retried on lock and serialization conflicts.
     */
    private Batch batch(Statements st, Checkpoints.Part part, String[] previous, boolean hasUpper, Ahead ahead,
            ExecutorService rewriting) throws SQLException, JobException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryBatch(st, part, previous, hasUpper, ahead, rewriting);
            } catch (SQLException e) {
                st.c.rollback();
                if (!retryable(e) || attempt >= OnlineJob.retries()) {
                    throw e;
                }
                retryPause.sleep(OnlineJob.backoff(attempt));
            } catch (JobException | InterruptedException | RuntimeException e) {
                st.c.rollback();
                throw e;
            }
        }
    }

    /**
     * Writes the batch after {@code previous} — its rows as {@code ahead} read them, or read now — and reads the
     * one after it, whose rewrite starts on the {@code rewriting} thread; an attempt that does not commit cancels
     * that rewrite (a retry reads those rows again).
     */
    private Batch tryBatch(Statements st, Checkpoints.Part part, String[] previous, boolean hasUpper, Ahead ahead,
            ExecutorService rewriting) throws SQLException, JobException, InterruptedException {
        List<JobSpec.Row> rows = ahead != null ? ahead.rows : read(st, part, previous, hasUpper);
        boolean finished = rows.size() < options.batchSize();
        String[] last = rows.isEmpty() ? previous : rows.get(rows.size() - 1).key();
        Ahead next = null;
        boolean committed = false;
        try {
            if (!finished) {
                List<JobSpec.Row> nextRows = read(st, part, last, hasUpper);
                next = new Ahead(nextRows, rewriting.submit(() -> spec.rewriter().rewriteAll(nextRows)));
            }
            Object[][] rewritten = ahead != null ? await(ahead.rewritten) : spec.rewriter().rewriteAll(rows);
            long changed = write(st.update, rows, rewritten);
            long skipped = rows.size() - changed;
            if (!st.checkpoint.advance(spec.id(), part.part(), previous, last, finished, rows.size(), changed,
                    skipped)) {
                throw JobException.failed("part " + part.part() + " of job " + spec.id() + " was advanced by "
                        + "another process at the same time; run each shard (--shard k/n) in one process only", null);
            }
            st.c.commit();
            committed = true;
            totals.examined.addAndGet(rows.size());
            totals.changed.addAndGet(changed);
            totals.skipped.addAndGet(skipped);
            options.progress().advanced(totals.examined.get(), totals.changed.get());
            return new Batch(last, finished, next);
        } finally {
            if (!committed && next != null) {
                next.rewritten.cancel(true);
            }
        }
    }

    /** Up to one batch of rows after {@code previous} (from the part's lower bound when null), in key order. */
    private List<JobSpec.Row> read(Statements st, Checkpoints.Part part, String[] previous, boolean hasUpper)
            throws SQLException {
        boolean hasLower = previous != null || part.lower() != null;
        List<JobSpec.Row> rows = new ArrayList<>(options.batchSize());
        PreparedStatement select = st.select(hasLower, previous == null, hasUpper);
        int at = 1;
        if (hasLower) {
            at = sql.bindKey(select, at, previous != null ? previous : part.lower());
        }
        if (hasUpper) {
            at = sql.bindKey(select, at, part.upper());
        }
        select.setInt(at, options.batchSize());
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(sql.row(rs));
            }
        }
        return rows;
    }

    /** The compare-and-swap writes of the rows that changed; returns how many rows they updated. */
    private long write(PreparedStatement update, List<JobSpec.Row> rows, Object[][] rewritten) throws SQLException {
        update.clearBatch(); // nothing left over from an attempt that failed
        int writes = 0;
        for (int i = 0; i < rewritten.length; i++) {
            if (rewritten[i] != null) {
                sql.bindWrite(update, rows.get(i), rewritten[i]);
                update.addBatch();
                writes++;
            }
        }
        long changed = 0;
        if (writes > 0) {
            for (int n : update.executeBatch()) {
                changed += n == Statement.SUCCESS_NO_INFO ? 1 : n;
            }
        }
        return changed;
    }

    /** The result of a rewrite on the rewriting thread, its failure thrown as it was. */
    private static Object[][] await(Future<Object[][]> rewritten)
            throws SQLException, JobException, InterruptedException {
        try {
            return rewritten.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException s) {
                throw s;
            }
            if (cause instanceof JobException a) {
                throw a;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Lock timeout, statement timeout, serialization failure, deadlock: the batch is retried. */
    static boolean retryable(SQLException e) {
        String s = e.getSQLState();
        return "55P03".equals(s) || "57014".equals(s) || "40001".equals(s) || "40P01".equals(s);
    }
}
