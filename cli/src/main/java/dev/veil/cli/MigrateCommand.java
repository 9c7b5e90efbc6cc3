package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.FinishReport;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "migrate", description = {"Adopt Veil on columns that hold plaintext, online (see "
        + "docs/rotation-and-migration.md).", "",
        "Example:",
        "  veil migrate encrypt --column users.email --url … --config veil.yml"},
        subcommands = {MigrateCommand.Encrypt.class, MigrateCommand.Finish.class,
                MigrateCommand.Decrypt.class})
final class MigrateCommand extends CommandGroup {



    @Command(mixinStandardHelpOptions = true,
            name = "encrypt", description = {"Encrypt the plaintext values of the columns in place and fill their "
            + "blind indexes, online: batches of one short transaction, each row written only if unchanged since it "
            + "was read, checkpoints so an interrupted run resumes. Run it while the application runs with the "
            + "columns configured and legacy-plaintext: true on them.", "",
            "Example:",
            "  veil migrate encrypt --column users.email --column users.ssn --url … --config veil.yml"})
    static final class Encrypt extends JobCommand {

        @Option(names = "--column", paramLabel = "TABLE.COLUMN", required = true, description = "repeatable")
        List<String> columns;

        @Override
        String name() {
            return "migrate encrypt";
        }

        @Override
        List<JobResult> run(VeilAdmin admin, JobOptions options) throws AdminException {
            return admin.migrateEncrypt(columns, options);
        }
    }

    @Command(mixinStandardHelpOptions = true,
            name = "finish", description = {"Re-count plaintext rows under a lock that holds writes back for the "
            + "count; exit 3 if any remain; otherwise add and validate the backstops, and say which setting to "
            + "remove.", "",
            "Example:",
            "  veil migrate finish --column users.email --column users.ssn --url … --config veil.yml"})
    static final class Finish extends AdminCommand {

        @Option(names = "--column", paramLabel = "TABLE.COLUMN", required = true, description = "repeatable")
        List<String> columns;

        @Option(names = "--dry-run", description = "count plaintext rows (no lock) and say what finish would do")
        boolean dryRun;

        @Override
        String name() {
            return "migrate finish";
        }

        @Override
        int execute(VeilAdmin admin) throws AdminException {
            FinishReport r = dryRun ? admin.migrateFinishPlan(columns) : admin.migrateFinish(columns);
            print(Map.of("columns", r.columns(), "next", r.next()), List.of("finished " + r.columns(), "next: "
                    + r.next()));
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true,
            name = "decrypt", description = {"Roll a migration back: drop the columns' backstops, then decrypt their "
            + "values back to plaintext in place, online. Remove the columns from the configuration of every "
            + "application first, or they keep writing ciphertext.", "",
            "Example:",
            "  veil migrate decrypt --column users.ssn --url … --config veil.yml"})
    static final class Decrypt extends JobCommand {

        @Option(names = "--column", paramLabel = "TABLE.COLUMN", required = true, description = "repeatable")
        List<String> columns;

        @Override
        String name() {
            return "migrate decrypt";
        }

        @Override
        List<JobResult> run(VeilAdmin admin, JobOptions options) throws AdminException {
            return admin.migrateDecrypt(columns, options);
        }
    }
}
