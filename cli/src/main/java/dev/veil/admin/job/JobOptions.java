package dev.veil.admin.job;

import java.time.Duration;
import java.util.Objects;

/**
 * How an online job runs: batch size, rate, parallelism, slice, timeouts, and whether it only plans.
 *
 * @param batchSize rows per batch; each batch is one short transaction
 * @param maxRowsPerSecond a ceiling on rows examined per second over all workers; 0 for none
 * @param workers threads, each over its own key ranges and connection
 * @param shard which slice of the table this process works on ({@link Shard#ALL} for all of it)
 * @param lockTimeout {@code lock_timeout} of each batch (a batch waiting longer is retried)
 * @param statementTimeout {@code statement_timeout} of each batch
 * @param dryRun plan only: count, report, change nothing
 * @param progress told after every batch; never null
 * @param control asked before every batch whether to stop; never null
 */
public record JobOptions(int batchSize, long maxRowsPerSecond, int workers, Shard shard, Duration lockTimeout,
        Duration statementTimeout, boolean dryRun, JobProgress progress, JobControl control) {

    public static final int DEFAULT_BATCH_SIZE = 500;

    public JobOptions {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        progress = progress == null ? JobProgress.NONE : progress;
        control = control == null ? JobControl.NEVER : control;
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("batch size must be between 1 and 100000, was " + batchSize);
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be between 1 and 64, was " + workers);
        }
        if (maxRowsPerSecond < 0) {
            throw new IllegalArgumentException("max rows per second must be 0 (no limit) or more");
        }
    }

    /** 500-row batches, no rate limit, one worker, the whole table, 2 s lock timeout, 60 s statement timeout. */
    public static JobOptions defaults() {
        return new JobOptions(DEFAULT_BATCH_SIZE, 0, 1, Shard.ALL, Duration.ofSeconds(2), Duration.ofSeconds(60),
                false, JobProgress.NONE, JobControl.NEVER);
    }

    public JobOptions withBatchSize(int n) {
        return new JobOptions(n, maxRowsPerSecond, workers, shard, lockTimeout, statementTimeout, dryRun, progress,
                control);
    }

    public JobOptions withMaxRowsPerSecond(long n) {
        return new JobOptions(batchSize, n, workers, shard, lockTimeout, statementTimeout, dryRun, progress, control);
    }

    public JobOptions withWorkers(int n) {
        return new JobOptions(batchSize, maxRowsPerSecond, n, shard, lockTimeout, statementTimeout, dryRun, progress,
                control);
    }

    public JobOptions withShard(Shard s) {
        return new JobOptions(batchSize, maxRowsPerSecond, workers, s, lockTimeout, statementTimeout, dryRun, progress,
                control);
    }

    public JobOptions withTimeouts(Duration lock, Duration statement) {
        return new JobOptions(batchSize, maxRowsPerSecond, workers, shard, lock, statement, dryRun, progress, control);
    }

    public JobOptions withDryRun(boolean d) {
        return new JobOptions(batchSize, maxRowsPerSecond, workers, shard, lockTimeout, statementTimeout, d, progress,
                control);
    }

    public JobOptions withProgress(JobProgress p) {
        return new JobOptions(batchSize, maxRowsPerSecond, workers, shard, lockTimeout, statementTimeout, dryRun, p,
                control);
    }

    public JobOptions withControl(JobControl c) {
        return new JobOptions(batchSize, maxRowsPerSecond, workers, shard, lockTimeout, statementTimeout, dryRun,
                progress, c);
    }

    /**
     * Slice {@code index} of {@code count} (0-based): a job's key ranges are split among the slices, so several
     * machines can work on one table without overlapping.
     */
    public record Shard(int index, int count) {

        public static final Shard ALL = new Shard(0, 1);

        public Shard {
            if (count < 1 || count > 1024 || index < 0 || index >= count) {
                throw new IllegalArgumentException("a shard is k/n with 0 <= k < n <= 1024, was " + index + "/"
                        + count);
            }
        }

        /** Parses {@code k/n}. */
        public static Shard parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("a shard is written k/n (e.g. 0/4), was '" + text + "'");
            }
            try {
                return new Shard(Integer.parseInt(text.substring(0, slash).trim()),
                        Integer.parseInt(text.substring(slash + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a shard is written k/n (e.g. 0/4), was '" + text + "'", e);
            }
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }
}
