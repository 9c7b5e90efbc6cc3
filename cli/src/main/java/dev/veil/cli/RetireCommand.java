package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.KeyReport;
import dev.veil.admin.VeilAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "retire", description = {"Retire keys no value uses any more.", "",
        "Example:",
        "  veil retire data-key --table patients --version 1234567890 --url … --config veil.yml"},
        subcommands = RetireCommand.DataKey.class)
final class RetireCommand extends CommandGroup {



    // no mixinStandardHelpOptions: its --version (-V, print the version) would clash with --version ID, and picocli
    // then drops the whole mixin, --help included
    @Command(name = "data-key", description = {"Delete one version of a table's data key for good. Refuses (exit 3) "
            + "while any value still uses it — re-counted under a lock that holds writes back, at the moment of "
            + "retirement — and refuses the primary.", "",
            "Example:",
            "  veil retire data-key --table patients --version 1234567890 --url … --config veil.yml"})
    static final class DataKey extends AdminCommand {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--table", paramLabel = "TABLE", required = true)
        String table;

        @Option(names = "--version", paramLabel = "ID", required = true, description = "the version (veil status "
                + "lists them under rows_by_key_version)")
        long version;

        @Option(names = "--dry-run", description = "count and check only")
        boolean dryRun;

        @Override
        String name() {
            return "retire data-key";
        }

        @Override
        int execute(VeilAdmin admin) throws AdminException {
            KeyReport r = admin.retireDataKey(table, version, dryRun);
            print(r);
            return 0;
        }
    }
}
