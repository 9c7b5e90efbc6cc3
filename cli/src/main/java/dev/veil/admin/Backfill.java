package dev.veil.admin;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.job.JobSpec;
import dev.veil.admin.job.TableShape;
import dev.veil.driver.schema.ConfiguredIndex;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@code veil backfill}: computes the blind-index values of rows written before the index existed. */
final class Backfill {

    private final AdminContext ctx;

    Backfill(AdminContext ctx) {
        this.ctx = ctx;
    }

    List<JobResult> run(List<String> names, JobOptions options) throws AdminException {
        List<ConfiguredIndex> indexes = new ArrayList<>();
        if (names.isEmpty()) {
            indexes.addAll(ctx.config.blindIndexes());
        } else {
            for (String n : names) {
                indexes.add(ctx.schema.index(n));
            }
        }
        List<JobResult> out = new ArrayList<>();
        for (ConfiguredIndex ix : indexes) {
            ConfiguredSchema.Table t = ctx.schema.tableOf(ix);
            TableShape shape;
            try (Connection c = ctx.open()) {
                shape = ctx.shape(c, t.name());
            } catch (SQLException e) {
                throw AdminContext.failure("cannot read the shape of " + t.name(), e);
            }
            if (!"bytea".equals(shape.type(ix.name()))) {
                throw AdminException.usage("blind index " + ix.qualified() + " has no bytea companion column; run veil "
                        + "ddl --apply first");
            }
            JobSpec spec = ctx.jobs.index("backfill", "backfill " + ix.qualified(), shape, t, ix, true);
            out.add(ctx.run(spec, options, List.of()));
        }
        return out;
    }
}
