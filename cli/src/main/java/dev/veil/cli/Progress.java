package dev.veil.cli;

import dev.veil.admin.job.JobProgress;
import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a job's progress on standard error: a progress bar (rows, rows/s, ETA) on a terminal, otherwise one log
 * line every few seconds. Standard output stays for the result (and for {@code --json}, only it).
 */
final class Progress implements JobProgress {

    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final PrintStream err;
    private final boolean terminal;
    private ProgressBar bar;
    private String job;
    private long started;
    private long lastLog;
    private long estimate;

    Progress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void started(String job, long estimatedRows, boolean resumed) {
        this.job = job;
        this.estimate = estimatedRows;
        this.started = System.nanoTime();
        this.lastLog = started;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(shortName(job)).setInitialMax(Math.max(estimatedRows, 0))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" rows", 1).showSpeed().setConsumer(
                            new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).build();
        } else {
            err.println("veil: " + job + (resumed ? ": resuming" : ": starting") + (estimatedRows >= 0
                    ? ", about " + estimatedRows + " row(s) to examine" : ""));
        }
    }

    @Override
    public synchronized void advanced(long rowsExamined, long rowsChanged) {
        if (bar != null) {
            bar.stepTo(rowsExamined);
            if (estimate >= 0 && rowsExamined > bar.getMax()) {
                bar.maxHint(rowsExamined);
            }
            return;
        }
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            double secs = (now - started) / 1e9;
            long rate = secs > 0 ? Math.round(rowsExamined / secs) : 0;
            String eta = estimate > rowsExamined && rate > 0
                    ? ", ETA " + ((estimate - rowsExamined) / rate) + " s" : "";
            err.println("veil: " + job + ": " + rowsExamined + " row(s) examined, " + rowsChanged + " changed, " + rate
                    + " rows/s" + eta);
        }
    }

    @Override
    public synchronized void phase(String description) {
        if (bar != null) {
            bar.setExtraMessage(description);
        } else {
            err.println("veil: " + description);
        }
    }

    @Override
    public synchronized void finished() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static String shortName(String job) {
        return job.length() <= 40 ? job : job.substring(0, 37) + "...";
    }
}
