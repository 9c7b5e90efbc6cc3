package dev.veil.admin.job;

import dev.veil.admin.AdminException;
import dev.veil.admin.JobOptions;
import dev.veil.key.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/** One worker thread of an {@link OnlineJob}: its own connection, parts taken from a shared queue. */
final class Worker {

    private final JobSpec spec;
    private final Batches sql;
    private final JobOptions options;
    private final OnlineJob.Totals totals;
    private final String setTimeouts;
    private final ConnectionFactory connections;
    private final Checkpoints checkpoints;

    Worker(JobSpec spec, Batches sql, JobOptions options, OnlineJob.Totals totals,
            ConnectionFactory connections, Checkpoints checkpoints) {
        this.connections = connections;
        this.checkpoints = checkpoints;
        this.spec = spec;
        this.sql = sql;
        this.options = options;
        this.totals = totals;
        this.setTimeouts = "SET LOCAL lock_timeout = '" + options.lockTimeout().toMillis() + "ms'; "
                + "SET LOCAL statement_timeout = '" + options.statementTimeout().toMillis() + "ms'";
    }

    void drain(Queue<Checkpoints.Part> parts) throws SQLException, AdminException, InterruptedException {
        try (Connection c = jobConnection()) {
            Checkpoints.Part p;
            while ((p = parts.poll()) != null) {
                walk(c, p);
            }
        }
    }

    private Connection jobConnection() throws SQLException {
        Connection c = connections.open();
        c.setAutoCommit(false);
        return c;
    }

    /** Walks one part batch by batch until it is finished, a stop is requested or a batch fails. */
    private void walk(Connection c, Checkpoints.Part part) throws SQLException, AdminException, InterruptedException {
        String[] last = part.last();
        boolean hasUpper = part.upper() != null;
        try (PreparedStatement update = c.prepareStatement(sql.update())) {
            while (true) {
                if (totals.abort || options.control().stopRequested() || Thread.currentThread().isInterrupted()) {
                    totals.abort = true;
                    throw new OnlineJob.JobStopped(spec.command() + " stopped on request after a committed batch; "
                            + "run the same command again to resume", null);
                }
                totals.pace();
                Batch b = batch(c, part, last, hasUpper, update);
                last = b.last == null ? last : b.last;
                if (b.finished) {
                    return;
                }
            }
        }
    }

    private record Batch(String[] last, boolean finished) { }

    /** One transaction: read, rewrite, write, checkpoint, commit; retried on lock and serialization conflicts. */
    private Batch batch(Connection c, Checkpoints.Part part, String[] previous, boolean hasUpper,
            PreparedStatement update) throws SQLException, AdminException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryBatch(c, part, previous, hasUpper, update);
            } catch (SQLException e) {
                c.rollback();
                if (!retryable(e) || attempt >= OnlineJob.retries()) {
                    throw e;
                }
                Thread.sleep(Math.min(2000, 50L << attempt));
            } catch (AdminException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Batch tryBatch(Connection c, Checkpoints.Part part, String[] previous, boolean hasUpper,
            PreparedStatement update) throws SQLException, AdminException {
        try (Statement st = c.createStatement()) {
            st.execute(setTimeouts);
        }
        boolean hasLower = previous != null || part.lower() != null;
        List<JobSpec.Row> rows = new ArrayList<>(options.batchSize());
        try (PreparedStatement select = c.prepareStatement(sql.select(hasLower, previous == null, hasUpper))) {
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
        }
        Object[][] rewritten = spec.rewriter().rewriteAll(rows);
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
        boolean finished = rows.size() < options.batchSize();
        String[] last = rows.isEmpty() ? previous : rows.get(rows.size() - 1).key();
        long skipped = rows.size() - changed;
        if (!checkpoints.advance(c, spec.id(), part.part(), previous, last, finished, rows.size(), changed, skipped)) {
            throw AdminException.failed("part " + part.part() + " of job " + spec.id() + " was advanced by another "
                    + "process at the same time; run each shard (--shard k/n) in one process only", null);
        }
        c.commit();
        totals.examined.addAndGet(rows.size());
        totals.changed.addAndGet(changed);
        totals.skipped.addAndGet(skipped);
        options.progress().advanced(totals.examined.get(), totals.changed.get());
        return new Batch(last, finished);
    }

    /** Lock timeout, statement timeout, serialization failure, deadlock: the batch is retried. */
    static boolean retryable(SQLException e) {
        String s = e.getSQLState();
        return "55P03".equals(s) || "57014".equals(s) || "40001".equals(s) || "40P01".equals(s);
    }
}
