package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.KeyReport;
import dev.veil.admin.VeilAdmin;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "rotate", description = {"Rotate keys.", "",
        "Example:",
        "  veil rotate data-key --table patients --url … --config veil.yml"},
        subcommands = {RotateCommand.MasterKey.class,
        RotateCommand.DataKey.class, RotateCommand.IndexKey.class})
final class RotateCommand extends CommandGroup {



    @Command(mixinStandardHelpOptions = true,
            name = "master-key", description = {"Re-wrap every data key under a new master key: the key table "
            + "changes, no data row does; seconds. Configure the new key as master-key and the old one under "
            + "previous-master-keys first.", "",
            "Example:",
            "  veil rotate master-key --to aws-kms:arn:aws:kms:eu-west-1:111122223333:key/… --url … --config veil.yml"})
    static final class MasterKey extends AdminCommand {

        @Option(names = "--to", paramLabel = "URI", required = true, description = "the new master key")
        String to;

        @Option(names = "--dry-run", description = "list the keys that would be re-wrapped")
        boolean dryRun;

        @Override
        String name() {
            return "rotate master-key";
        }

        @Override
        int execute(VeilAdmin admin) throws AdminException {
            KeyReport r = admin.rotateMasterKey(to, dryRun);
            print(r);
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true,
            name = "data-key", description = {"Add a new primary version to a table's data key: new values use it, "
            + "old values keep decrypting. Then veil reencrypt --table re-encrypts the existing values.", "",
            "Example:",
            "  veil rotate data-key --table patients --url … --config veil.yml"})
    static final class DataKey extends AdminCommand {

        @Option(names = "--table", paramLabel = "TABLE", required = true)
        String table;

        @Option(names = "--dry-run", description = "say what would change")
        boolean dryRun;

        @Override
        String name() {
            return "rotate data-key";
        }

        @Override
        int execute(VeilAdmin admin) throws AdminException {
            KeyReport r = admin.rotateDataKey(table, dryRun);
            print(r);
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true,
            name = "index-key", description = {"Replace a blind-index key online with no missed search at any "
            + "moment, across every running application: new key searched too, then written, every row re-indexed, "
            + "old key retired — waiting one key-cache refresh between phases. No new column, no redeploy. "
            + "Interrupted, it resumes from the phase recorded in the key table.", "",
            "Example:",
            "  veil rotate index-key --index users.email_bidx --url … --config veil.yml"})
    static final class IndexKey extends JobCommand {

        @Option(names = "--index", paramLabel = "TABLE.INDEX", required = true)
        String index;

        @Option(names = "--wait", paramLabel = "DURATION", description = "wait between phases (default: the "
                + "configured key-cache TTL + 5 s; it must cover the longest TTL of every application)")
        Duration wait;

        @Override
        String name() {
            return "rotate index-key";
        }

        @Override
        List<JobResult> run(VeilAdmin admin, JobOptions options) throws AdminException {
            return List.of(admin.rotateIndexKey(index, wait, options));
        }
    }
}
