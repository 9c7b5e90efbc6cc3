package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.DoctorReport;
import dev.veil.admin.VeilAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true,
        name = "doctor", description = {"Check configuration against schema (with the DDL to fix drift), the key "
        + "table and the master key (every data key is unwrapped), and report each blind index's leakage. Exit 3 on "
        + "problems.", "",
        "Example:",
        "  veil doctor --url jdbc:postgresql://db/app --config veil.yml"})
final class DoctorCommand extends AdminCommand {

    @Override
    String name() {
        return "doctor";
    }

    @Override
    int execute(VeilAdmin admin) throws AdminException {
        DoctorReport r = admin.doctor();
        List<String> lines = new ArrayList<>();
        r.checks().forEach(c -> lines.add("ok: " + c));
        r.leakage().forEach(l -> lines.add("leakage: " + l));
        r.problems().forEach(p -> lines.add("problem: " + p));
        if (r.problems().isEmpty()) {
            lines.add("no problems found");
        }
        print(Map.of("ok", r.problems().isEmpty(), "problems", r.problems(), "ddl", r.ddl(), "checks", r.checks(),
                "leakage", r.leakage()), lines);
        return r.problems().isEmpty() ? 0 : 3;
    }
}
