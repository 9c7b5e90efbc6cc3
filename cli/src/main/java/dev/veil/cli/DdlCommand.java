package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.DdlPlan;
import dev.veil.admin.DdlStatement;
import dev.veil.admin.VeilAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "ddl", description = {"The DDL the configuration needs: encrypted column types, companion columns "
        + "and their indexes (unique where the source is unique), and the database-side backstop: a CHECK per "
        + "encrypted column that accepts only Veil envelopes, so a write around Veil cannot store plaintext "
        + "(SQLState 23514). Prints it; --apply runs it online (statements that rewrite a table are only printed).",
        "",
        "Examples:",
        "  veil ddl --url jdbc:postgresql://db/app --config veil.yml > veil.sql",
        "  veil ddl --apply --url … --config veil.yml"})
final class DdlCommand extends AdminCommand {

    @Option(names = "--apply", description = "run the statements (each in its own transaction, lock_timeout 5 s)")
    boolean apply;

    @Option(names = "--dry-run", description = "with --apply: print what it would run, run nothing")
    boolean dryRun;

    @Override
    String name() {
        return "ddl";
    }

    @Override
    int execute(VeilAdmin admin) throws AdminException {
        DdlPlan ddl = admin.ddl();
        List<DdlStatement> plan = ddl.statements();
        List<String> notes = ddl.notes();
        boolean run = apply && !dryRun;
        List<DdlStatement> applied = run ? admin.applyDdl() : List.of();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("statements", plan);
        o.put("applied", applied.size());
        o.put("dry_run", !run);
        o.put("notes", notes);
        List<String> lines = new ArrayList<>();
        for (DdlStatement s : plan) {
            lines.add("-- " + s.reason() + "; locks: " + s.lock() + (s.automatic() ? "" : "; NOT run by --apply"));
            lines.add((run && !applied.contains(s) ? "-- " : "") + s.sql() + ";");
        }
        notes.forEach(n -> lines.add("-- note: " + n));
        if (plan.isEmpty()) {
            lines.add("-- the schema matches the configuration; nothing to do");
        } else if (run) {
            lines.add("-- applied " + applied.size() + " statement(s)");
        }
        print(o, lines);
        return 0;
    }
}
