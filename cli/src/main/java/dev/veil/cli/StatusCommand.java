package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.StatusReport;
import dev.veil.admin.VeilAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true,
        name = "status", description = {"Per encrypted column: rows, plaintext rows, rows per data-key version "
        + "(read from the ciphertext headers, nothing is decrypted); per blind index: key versions, state, rows "
        + "without a value; unfinished jobs.", "",
        "Examples:",
        "  veil status --url jdbc:postgresql://db/app --config veil.yml",
        "  veil status --check --json …   (exit 3 unless every row is encrypted, on the primary version, indexed)"})
final class StatusCommand extends AdminCommand {

    @Option(names = "--check", description = "exit 3 unless every row is encrypted, on its primary key version and "
            + "indexed, and no rotation is in progress")
    boolean check;

    @Override
    String name() {
        return "status";
    }

    @Override
    int execute(VeilAdmin admin) throws AdminException {
        StatusReport r = admin.status();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("columns", r.columns());
        o.put("indexes", r.indexes());
        o.put("jobs", r.jobs());
        o.put("problems", r.problems());
        o.put("ok", r.problems().isEmpty());
        List<String> lines = new ArrayList<>();
        for (StatusReport.ColumnStatus c : r.columns()) {
            lines.add(c.table() + "." + c.column() + ": " + c.rows() + " row(s), " + c.plaintextRows() + " plaintext, "
                    + c.nullRows() + " NULL, by key version " + c.rowsByKeyVersion() + " (primary " + c.primaryVersion()
                    + ")");
        }
        for (StatusReport.IndexStatus i : r.indexes()) {
            lines.add(i.index() + ": " + i.state() + ", " + i.rowsMissing() + " row(s) without a value, key versions "
                    + i.keyVersions());
        }
        for (StatusReport.JobStatus j : r.jobs()) {
            lines.add("unfinished job " + j.job() + ": " + j.partsDone() + "/" + j.parts() + " parts done, "
                    + j.rowsExamined() + " row(s) examined, last batch " + j.updatedAt());
        }
        r.problems().forEach(p -> lines.add("problem: " + p));
        print(o, lines);
        return check && !r.problems().isEmpty() ? 3 : 0;
    }
}
