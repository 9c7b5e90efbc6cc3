package dev.veil.cli;

import dev.veil.admin.KeyReport;
import java.util.ArrayList;
import java.util.List;

/** Text output of a {@link KeyReport}. */
final class KeyLines {

    private KeyLines() {
    }

    static List<String> of(KeyReport r) {
        List<String> lines = new ArrayList<>();
        if (r.dryRun()) {
            lines.add("plan (dry run, nothing changed):");
        }
        r.changes().forEach(c -> lines.add("  " + c));
        r.next().forEach(n -> lines.add("next: " + n));
        return lines;
    }
}
