package dev.veil.admin.job;

import dev.veil.key.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link JobSpec} online: the table is split into parts (key ranges) once per job; each worker takes parts
 * of this process's shard and walks them in key order in batches of one short transaction each — read, rewrite,
 * compare-and-swap write, checkpoint — so a crash loses at most the batch in flight and the next run resumes from
 * the checkpoints. A row the application changed after it was read is left alone (the application writes the
 * target form itself).
 */
public final class OnlineJob {

    private static final int RETRIES = 8;

    private final ConnectionFactory connections;
    private final Checkpoints checkpoints;
    private final RetryPause retryPause;

    /** How a worker waits between the attempts of a batch; {@link #THREAD} outside tests. */
    @FunctionalInterface
    interface RetryPause {
        RetryPause THREAD = pause -> Thread.sleep(pause.toMillis());

        void sleep(Duration pause) throws InterruptedException;
    }

    public OnlineJob(ConnectionFactory connections, Checkpoints checkpoints) {
        this(connections, checkpoints, RetryPause.THREAD);
    }

    /** A test seam: {@code retryPause} records (or shortens) the back-off between a batch's attempts. */
    OnlineJob(ConnectionFactory connections, Checkpoints checkpoints, RetryPause retryPause) {
        this.connections = connections;
        this.checkpoints = checkpoints;
        this.retryPause = retryPause;
    }

    /** Runs (or resumes) the job; a dry run only counts. */
    public JobResult run(JobSpec spec, JobOptions options, List<String> plan) throws JobException {
        List<String> key = spec.shape().requireKey(spec.command());
        Batches sql = new Batches(spec, key);
        long started = System.nanoTime();
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            if (options.dryRun()) {
                long rows = count(c, spec);
                List<String> p = new ArrayList<>(plan);
                p.add(0, rows + " row(s) of " + spec.shape().table() + " to examine, in batches of "
                        + options.batchSize() + " (" + spec.command() + ")");
                return new JobResult(spec.command(), 0, 0, 0, seconds(started), false, rows, true, p);
            }
            checkpoints.ensure(c);
            List<Checkpoints.Part> parts = partsFor(c, spec, key, options);
            boolean resumed = false;
            ConcurrentLinkedQueue<Checkpoints.Part> mine = new ConcurrentLinkedQueue<>();
            for (Checkpoints.Part p : parts) {
                if (p.part() % options.shard().count() == options.shard().index()) {
                    resumed |= p.done() || p.last() != null;
                    if (!p.done()) {
                        mine.add(p);
                    }
                }
            }
            // a count is a scan of the whole table: only for a listener that shows it
            long estimate = spec.filter() == null || options.progress() == JobProgress.NONE ? -1 : count(c, spec);
            options.progress().started(spec.id(), estimate, resumed);
            Totals totals = new Totals(options);
            JobException failure = runWorkers(spec, sql, options, mine, totals);
            options.progress().finished();
            long remaining = failure == null && spec.filter() != null ? count(c, spec) : -1;
            JobResult result = new JobResult(spec.command(), totals.examined.get(), totals.changed.get(),
                    totals.skipped.get(), seconds(started), resumed, remaining, false, plan);
            if (failure != null) {
                throw failure.kind() == JobException.Kind.INTERRUPTED ? failure.withResult(result) : failure;
            }
            return result;
        } catch (SQLException e) {
            throw JobException.failed(spec.command() + " on " + spec.shape().table() + " failed (SQLState "
                    + e.getSQLState() + "): " + SafeMessages.of(e) + "; finished batches are kept, run it again to resume", e);
        }
    }

    private JobException runWorkers(JobSpec spec, Batches sql, JobOptions options,
            ConcurrentLinkedQueue<Checkpoints.Part> parts, Totals totals) {
        int n = Math.max(1, Math.min(options.workers(), parts.size()));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "veil-job-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                running.add(pool.submit(() -> {
                    new Worker(spec, sql, options, totals, connections, checkpoints, retryPause).drain(parts);
                    return null;
                }));
            }
            JobException first = null;
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    totals.abort = true;
                    JobException a = e.getCause() instanceof JobException ? (JobException) e.getCause()
                            : JobException.failed(spec.command() + " failed: " + e.getCause(), e.getCause());
                    if (first == null || first.kind() == JobException.Kind.INTERRUPTED) {
                        first = a;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    totals.abort = true;
                    first = new JobException(JobException.Kind.INTERRUPTED, spec.command() + " was interrupted", null,
                            null);
                }
            }
            return first;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The job's parts: the stored ones, or new ones (boundaries computed now) for a new or finished job. */
    private List<Checkpoints.Part> partsFor(Connection c, JobSpec spec, List<String> key, JobOptions options)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "veil job " + spec.id());
                lock.execute();
            }
            List<Checkpoints.Part> parts = checkpoints.parts(c, spec.id());
            boolean finished = !parts.isEmpty() && parts.stream().allMatch(Checkpoints.Part::done);
            if (parts.isEmpty() || finished) {
                int count = options.shard().count() * options.workers();
                checkpoints.create(c, spec.id(), bounds(c, spec, key, count), count);
                parts = checkpoints.parts(c, spec.id());
            } else if (parts.get(0).parts() % options.shard().count() != 0) {
                throw new SQLException("job " + spec.id() + " was started with " + parts.get(0).parts()
                        + " parts, which do not split into " + options.shard().count() + " shards; use a shard count "
                        + "that divides " + parts.get(0).parts(), "22023");
            }
            c.commit();
            return parts;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * {@code count + 1} boundaries splitting the table into {@code count} key ranges of about equal size (one range,
     * the whole table, needs no count).
     */
    private static List<String[]> bounds(Connection c, JobSpec spec, List<String> key, int count) throws SQLException {
        List<String[]> out = new ArrayList<>();
        out.add(null);
        if (count == 1) {
            out.add(null);
            return out;
        }
        long rows;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + spec.shape().table().sql())) {
            rs.next();
            rows = rs.getLong(1);
        }
        StringBuilder cols = new StringBuilder();
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            // aliased: an output column named like the key column would make ORDER BY sort by its text form
            cols.append(i == 0 ? "" : ", ").append(TableShape.q(key.get(i))).append("::text AS veil_key_").append(i);
            order.append(i == 0 ? "" : ", ").append(TableShape.q(key.get(i)));
        }
        String sql = "SELECT " + cols + " FROM " + spec.shape().table().sql() + " ORDER BY " + order + " OFFSET ? LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i < count && rows >= count; i++) {
                ps.setLong(1, rows * i / count);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String[] b = new String[key.size()];
                        for (int j = 0; j < b.length; j++) {
                            b[j] = rs.getString(j + 1);
                        }
                        out.add(b);
                    }
                }
            }
        }
        out.add(null); // fewer boundaries than parts (a small table): Checkpoints.create pads with finished parts
        return out;
    }

    private static long count(Connection c, JobSpec spec) throws SQLException {
        String sql = "SELECT count(*) FROM " + spec.shape().table().sql()
                + (spec.filter() == null ? "" : " WHERE " + spec.filter());
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1e6) / 1e3;
    }

    /** Counters shared by the workers, and the rate limit. */
    static final class Totals {
        final AtomicLong examined = new AtomicLong();
        final AtomicLong changed = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final long started = System.nanoTime();
        final long rate;
        volatile boolean abort;

        Totals(JobOptions options) {
            this.rate = options.maxRowsPerSecond();
        }

        /** Sleeps as long as the rows examined so far are ahead of the rate limit. */
        void pace() throws InterruptedException {
            if (rate <= 0) {
                return;
            }
            long due = started + (long) (examined.get() * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    static int retries() {
        return RETRIES;
    }

    /** The pause after a batch's failed attempt {@code attempt} (1-based): 100 ms doubling, at most 2 s. */
    static Duration backoff(int attempt) {
        return Duration.ofMillis(Math.min(2000, 50L << attempt));
    }
}
