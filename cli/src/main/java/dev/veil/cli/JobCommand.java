package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.util.List;
import picocli.CommandLine.Mixin;

/** A command that runs online jobs: job options, progress on standard error, the job summary. */
abstract class JobCommand extends AdminCommand {

    @Mixin
    JobFlags flags;

    abstract List<JobResult> run(VeilAdmin admin, JobOptions options) throws AdminException;

    @Override
    int execute(VeilAdmin admin) throws AdminException {
        Progress progress = new Progress(err, System.console() != null && !json);
        List<JobResult> results = run(admin, flags.options(progress));
        print(jobFields(results), jobLines(results));
        return 0;
    }
}
