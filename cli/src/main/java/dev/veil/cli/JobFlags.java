package dev.veil.cli;

import dev.veil.admin.job.JobOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of the online job commands. */
final class JobFlags {

    @Option(names = "--dry-run", description = "print the plan (rows, DDL, key changes) and change nothing")
    boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
            description = "rows per batch, one short transaction each (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-rows-per-second", paramLabel = "N", defaultValue = "0",
            description = "limit the rate over all workers (default: no limit)")
    long maxRowsPerSecond;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "threads, each over its own key ranges (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--shard", paramLabel = "K/N", defaultValue = "0/1",
            description = "work on slice K of N (0-based), so N machines can split a table (default: all of it)")
    String shard;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "PT2S",
            description = "lock_timeout of each batch; a batch that waits longer is retried "
                    + "(default: ${DEFAULT-VALUE})")
    Duration lockTimeout;

    JobOptions options(Progress progress) {
        return JobOptions.defaults().withBatchSize(batchSize).withMaxRowsPerSecond(maxRowsPerSecond)
                .withWorkers(workers).withShard(JobOptions.Shard.parse(shard))
                .withTimeouts(lockTimeout, Duration.ofSeconds(60)).withDryRun(dryRun).withProgress(progress)
                .withControl(Stop.INSTANCE);
    }
}
