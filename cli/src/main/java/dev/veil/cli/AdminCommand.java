package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.VeilAdmin;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command over {@link VeilAdmin}: opens it from the connection options, runs, prints either text or (with
 * {@code --json}) exactly one JSON object on standard output, and maps the outcome to the exit code.
 */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "print one JSON object on standard output (and nothing else there)")
    boolean json;

    PrintStream out = System.out;
    PrintStream err = System.err;

    /** The command's name as the user typed it, e.g. {@code migrate encrypt}. */
    abstract String name();

    /** Runs the command; returns the exit code (0, or 3 when a check found problems). */
    abstract int execute(VeilAdmin admin) throws AdminException;

    @Override
    public Integer call() {
        try (VeilAdmin admin = connection.open()) {
            return execute(admin);
        } catch (AdminException e) {
            return fail(e);
        } catch (IllegalArgumentException e) {
            return fail(AdminException.usage(e.getMessage()));
        } catch (RuntimeException e) {
            return fail(AdminException.failed("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), e));
        }
    }

    int fail(AdminException e) {
        int code = e.outcome().exitCode();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("command", name());
            o.put("outcome", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
            o.put("exit_code", code);
            o.put("error", e.getMessage());
            if (e.result() != null) {
                o.putAll(jobFields(List.of(e.result())));
            }
            out.println(Json.write(o));
        }
        err.println("veil " + name() + ": " + e.getMessage());
        return code;
    }

    void print(Map<String, Object> object, List<String> lines) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("command", name());
            o.putAll(object);
            out.println(Json.write(o));
        } else {
            lines.forEach(out::println);
        }
    }

    /** Prints what a key command did ({@code init}, {@code rotate …}, {@code retire …}). */
    void print(dev.veil.admin.KeyReport r) {
        List<String> lines = new java.util.ArrayList<>();
        if (r.dryRun()) {
            lines.add("plan (dry run, nothing changed):");
        }
        r.changes().forEach(c -> lines.add("  " + c));
        r.next().forEach(n -> lines.add("next: " + n));
        print(Map.of("report", r), lines);
    }

    /** The fields every job command ends with, summed over its jobs (one per table), and the jobs themselves. */
    static Map<String, Object> jobFields(List<JobResult> results) {
        long examined = 0;
        long changed = 0;
        long skipped = 0;
        long remaining = 0;
        double seconds = 0;
        boolean resumed = false;
        boolean dryRun = false;
        for (JobResult r : results) {
            examined += r.rowsExamined();
            changed += r.rowsChanged();
            skipped += r.rowsSkipped();
            remaining = r.remaining() < 0 || remaining < 0 ? -1 : remaining + r.remaining();
            seconds += r.seconds();
            resumed |= r.resumed();
            dryRun |= r.dryRun();
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rows_examined", examined);
        o.put("rows_changed", changed);
        o.put("rows_skipped", skipped);
        o.put("seconds", Math.round(seconds * 1000) / 1000.0);
        o.put("resumed", resumed);
        o.put("rows_remaining", remaining);
        o.put("dry_run", dryRun);
        o.put("jobs", results);
        return o;
    }

    static List<String> jobLines(List<JobResult> results) {
        List<String> lines = new java.util.ArrayList<>();
        for (JobResult r : results) {
            if (r.dryRun()) {
                lines.add("plan (dry run, nothing changed):");
                r.plan().forEach(p -> lines.add("  " + p));
                continue;
            }
            lines.add(r.command() + ": " + r.rowsExamined() + " row(s) examined, " + r.rowsChanged() + " changed, "
                    + r.rowsSkipped() + " skipped in " + r.seconds() + " s" + (r.resumed() ? " (resumed)" : "")
                    + (r.remaining() >= 0 ? "; " + r.remaining() + " row(s) still to do" : ""));
            r.plan().forEach(p -> lines.add("  " + p));
        }
        return lines;
    }
}
