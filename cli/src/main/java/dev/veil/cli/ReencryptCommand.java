package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "reencrypt", description = {"Re-encrypt every value not under its data key's primary version (after "
        + "veil rotate data-key), online and resumable. Only rows that need it are read (the server filters on the "
        + "ciphertext header).", "",
        "Examples:",
        "  veil reencrypt --table patients --url … --config veil.yml",
        "  veil reencrypt --all --table patients --column notes --url … --config veil.yml   (re-pad after pad: changed)",
        "  veil reencrypt --workers 2 --max-rows-per-second 20000 --url … --config veil.yml   (every table)"})
final class ReencryptCommand extends JobCommand {

    @Option(names = "--table", paramLabel = "TABLE", description = "default: every configured table")
    String table;

    @Option(names = "--column", paramLabel = "COLUMN", description = "only this column of --table")
    String column;

    @Option(names = "--all", description = "every value, also those already under the primary version: after "
            + "changing a column's pad:, to re-pad (or un-pad) what is stored")
    boolean all;

    @Override
    String name() {
        return "reencrypt";
    }

    @Override
    List<JobResult> run(VeilAdmin admin, JobOptions options) throws AdminException {
        if (column != null && table == null) {
            throw AdminException.usage("--column needs --table");
        }
        return admin.reencrypt(table, column, all, options);
    }
}
