package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.KeyReport;
import dev.veil.admin.VeilAdmin;
import dev.veil.key.local.LocalKeysetGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "init", description = {"Create the key table, the job table, a data key for every configured table "
        + "and a key for every blind index. Keys that exist are kept.", "",
        "Examples:",
        "  veil init --url jdbc:postgresql://db/app --config veil.yml",
        "  veil init --dev-master-key dev-master.json --url … --config veil.yml   (development: new local keyset)"})
final class InitCommand extends AdminCommand {

    @Option(names = "--dev-master-key", paramLabel = "FILE", description = "first write a new local master keyset "
            + "to FILE (development only; the configuration's master-key must be local-keyset:FILE)")
    Path devMasterKey;

    @Option(names = "--dry-run", description = "list the keys that would be created; change nothing")
    boolean dryRun;

    @Override
    String name() {
        return "init";
    }

    @Override
    public Integer call() {
        if (devMasterKey != null && !dryRun) {
            try {
                if (Files.exists(devMasterKey)) {
                    return fail(AdminException.usage(devMasterKey + " exists; Veil never overwrites a master key"));
                }
                LocalKeysetGenerator.generate(devMasterKey);
                err.println("veil init: wrote a new local master keyset to " + devMasterKey + " (development only; "
                        + "configure it as " + LocalKeysetGenerator.yamlLine(devMasterKey.toString()).strip() + ")");
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                return fail(AdminException.failed("cannot write " + devMasterKey + ": " + e.getMessage(), e));
            }
        }
        return super.call();
    }

    @Override
    int execute(VeilAdmin admin) throws AdminException {
        KeyReport r = admin.init(dryRun);
        print(r);
        return 0;
    }
}
