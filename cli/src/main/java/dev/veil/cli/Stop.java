package dev.veil.cli;

import dev.veil.admin.job.JobControl;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the running job to stop after its current batch commits; the command then exits
 * with 4 and running it again resumes. A second signal exits at once (the checkpoints still hold).
 */
final class Stop implements JobControl {

    static final Stop INSTANCE = new Stop();

    private volatile boolean requested;

    private Stop() {
    }

    @SuppressWarnings("removal")
    void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    if (requested) {
                        Runtime.getRuntime().halt(4);
                    }
                    requested = true;
                    System.err.println("veil: stopping after the current batch (signal " + s.getName()
                            + "); run the same command again to resume");
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here: the JVM's default handling stays
            }
        }
    }

    @Override
    public boolean stopRequested() {
        return requested;
    }
}
