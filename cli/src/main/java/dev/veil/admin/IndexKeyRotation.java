package dev.veil.admin;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.job.JobSpec;
import dev.veil.admin.job.TableShape;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.key.IndexRotation;
import dev.veil.key.KeyException;
import dev.veil.key.KeyScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code veil rotate index-key}: replaces a blind-index key online with no missed search, across any number of
 * processes whose key caches refresh on their own schedule. The phases are recorded in the key table
 * ({@link IndexRotation}); the driver writes index values with the keyset's primary version and searches with
 * every enabled one, so each phase is safe once every process has seen the one before it — which is why this
 * waits one key-cache refresh between phases:
 * <ol>
 *   <li>{@code search-both}: the new key is added, enabled, not primary (writes old, searches both) — wait;</li>
 *   <li>{@code write-new}: the new key becomes primary (writes new, searches both) — wait;</li>
 *   <li>{@code reindex}: every row's value is recomputed with the new key (an online job, resumable);</li>
 *   <li>{@code retire-old}: the old key is disabled (searches new only), then deleted from the keyset.</li>
 * </ol>
 * A rerun resumes from the recorded phase (and the job's checkpoints).
 */
final class IndexKeyRotation {

    private final AdminContext ctx;

    IndexKeyRotation(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** The recorded phase of the index's rotation, or null when none is in progress. */
    static String phaseOf(AdminContext ctx, ConfiguredIndex ix) throws KeyException {
        Optional<IndexRotation> r = ctx.keys.indexRotation(ix.definition().keyScope());
        return r.map(x -> "rotating:" + x.phase().configName()).orElse(null);
    }

    /** The default wait between two phases: the configured key-cache TTL and a margin for clock and scheduling. */
    Duration defaultWait() {
        return ctx.config.keyCacheTtl().plusSeconds(5);
    }

    JobResult rotate(String indexName, Duration wait, JobOptions options) throws AdminException {
        ConfiguredIndex ix = ctx.schema.index(indexName);
        ConfiguredSchema.Table table = ctx.schema.tableOf(ix);
        if (ix.definition().domain().isPresent()) {
            throw AdminException.usage("blind index " + ix.qualified() + " shares its key with the other indexes of "
                    + "join domain " + ix.definition().domain().get() + ": joins compare their values directly, and "
                    + "they would stop matching while rows are re-keyed. Rotating a join domain's key online is not "
                    + "supported; nothing was changed");
        }
        KeyScope scope = ix.definition().keyScope();
        List<String> plan = new ArrayList<>();
        try {
            TableShape shape;
            try (Connection c = ctx.open()) {
                shape = ctx.shape(c, table.name());
            }
            if (!"bytea".equals(shape.type(ix.name()))) {
                throw AdminException.usage("blind index " + ix.qualified() + " has no bytea companion column; run veil "
                        + "ddl --apply first");
            }
            Optional<IndexRotation> recorded = ctx.keys.indexRotation(scope);
            if (options.dryRun()) {
                plan.add(recorded.map(r -> "resume the rotation of " + scope + " in phase " + r.phase().configName())
                        .orElse("add a new key version to " + scope + " (search-both), wait " + wait));
                plan.add("make it primary (write-new), wait " + wait);
                plan.add("recompute every row's index value (reindex), disable and delete the old version");
                JobSpec spec = ctx.jobs.index("rotate index-key", "reindex " + ix.qualified(), shape, table, ix, false);
                return ctx.run(spec, options, plan);
            }
            IndexRotation r = recorded.isPresent() ? recorded.get() : ctx.keys.beginIndexRotation(scope);
            boolean resumed = recorded.isPresent();
            plan.add(resumed ? "resumed in phase " + r.phase().configName() : "added version " + r.newVersion()
                    + " (search-both)");
            JobResult job = null;
            while (r.phase() != IndexRotation.Phase.DONE) {
                switch (r.phase()) {
                    case SEARCH_BOTH, WRITE_NEW -> {
                        waitOut(r, wait, options);
                        r = advance(scope, r, plan);
                    }
                    case REINDEX -> {
                        ctx.refresh(scope);
                        options.progress().phase("reindex: recomputing " + ix.qualified() + " with version "
                                + r.newVersion());
                        JobSpec spec = ctx.jobs.index("rotate index-key", "reindex " + ix.qualified() + " to "
                                + r.newVersion(), shape, table, ix, false);
                        job = ctx.run(spec, options, List.of());
                        r = advance(scope, r, plan);
                    }
                    case RETIRE_OLD -> r = advance(scope, r, plan);
                    default -> throw new IllegalStateException("unexpected phase " + r.phase());
                }
            }
            ctx.refresh(scope);
            if (job == null) {
                return new JobResult("rotate index-key", 0, 0, 0, 0, resumed, -1, false, plan);
            }
            return new JobResult("rotate index-key", job.rowsExamined(), job.rowsChanged(), job.rowsSkipped(),
                    job.seconds(), resumed || job.resumed(), -1, false, plan);
        } catch (KeyException e) {
            throw AdminContext.failure("the rotation of " + scope + " cannot go on; run the command again to resume "
                    + "from the recorded phase", e);
        } catch (SQLException e) {
            throw AdminContext.failure("cannot read the shape of " + table.name(), e);
        }
    }

    private IndexRotation advance(KeyScope scope, IndexRotation r, List<String> plan) throws KeyException {
        IndexRotation next = ctx.keys.advanceIndexRotation(scope, r.phase());
        plan.add(next.phase().configName() + (next.phase() == IndexRotation.Phase.DONE
                ? ": version " + r.oldVersion() + " deleted" : ""));
        ctx.refresh(scope);
        return next;
    }

    /** Waits until {@code wait} has passed since the phase was recorded (database clock), checking for a stop. */
    private void waitOut(IndexRotation r, Duration wait, JobOptions options) throws KeyException, AdminException {
        Instant until = r.changedAt().plus(wait);
        options.progress().phase(r.phase().configName() + ": waiting until " + until + " so every process has seen it");
        while (true) {
            Instant now = ctx.keys.databaseTime();
            if (!now.isBefore(until)) {
                return;
            }
            if (options.control().stopRequested()) {
                throw new AdminException(AdminException.Outcome.INTERRUPTED, "stopped in phase "
                        + r.phase().configName() + " of the rotation of " + r.scope() + "; run the command again to "
                        + "resume");
            }
            try {
                Thread.sleep(Math.min(500, Duration.between(now, until).toMillis() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException(AdminException.Outcome.INTERRUPTED, "interrupted while waiting; run again");
            }
        }
    }
}
