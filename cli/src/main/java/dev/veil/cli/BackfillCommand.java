package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "backfill", description = {"Compute missing blind-index values (rows written before the index was "
        + "declared), online. Afterwards searches through the index are no longer refused with VE013.", "",
        "Examples:",
        "  veil backfill --url … --config veil.yml                       (every configured index)",
        "  veil backfill --index users.email_bidx --workers 2 --url … --config veil.yml"})
final class BackfillCommand extends JobCommand {

    @Option(names = "--index", paramLabel = "TABLE.INDEX", description = "repeatable; default: every blind index")
    List<String> indexes = List.of();

    @Override
    String name() {
        return "backfill";
    }

    @Override
    List<JobResult> run(VeilAdmin admin, JobOptions options) throws AdminException {
        return admin.backfill(indexes, options);
    }
}
