package dev.veil.admin.job;

import java.util.List;

/**
 * What one run of an online job did. Counts are this run's (a resumed run does not count finished batches again).
 *
 * @param command the command, e.g. {@code migrate encrypt}
 * @param rowsExamined rows read and looked at
 * @param rowsChanged rows written
 * @param rowsSkipped rows examined and left as they were (already done, or changed concurrently by the
 *     application, which always writes the target form)
 * @param seconds wall time of this run
 * @param resumed whether this run continued an interrupted one from its checkpoints
 * @param remaining rows still needing the job, counted after it (−1 when the job has no such count)
 * @param dryRun whether nothing was changed (a plan)
 * @param plan for a dry run, what a real run would do; otherwise what was done besides rows (DDL, key changes)
 */
public record JobResult(String command, long rowsExamined, long rowsChanged, long rowsSkipped, double seconds,
        boolean resumed, long remaining, boolean dryRun, List<String> plan) {

    public JobResult {
        plan = List.copyOf(plan);
    }
}
