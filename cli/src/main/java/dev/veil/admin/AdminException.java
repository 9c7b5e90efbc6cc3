package dev.veil.admin;

import dev.veil.admin.job.JobException;
import dev.veil.admin.job.JobResult;

/**
 * An administration operation that did not succeed. {@link #outcome()} says how (and gives the CLI its exit code).
 * Messages name tables, columns, indexes, key versions and row keys, never a value or key material.
 */
public class AdminException extends Exception {

    private static final long serialVersionUID = 1L;

    /** How an operation ended when it did not succeed. */
    public enum Outcome {
        /** Something failed (database, KMS, a value that does not decrypt). Exit code 1. */
        FAILED(1),
        /** The request or the configuration is wrong; nothing was changed. Exit code 2. */
        USAGE(2),
        /** A check found problems (plaintext rows left, a version still in use, drift). Exit code 3. */
        PROBLEMS(3),
        /** Stopped on request after a committed batch; running the same command again resumes. Exit code 4. */
        INTERRUPTED(4);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Outcome outcome;
    private final transient JobResult result;

    public AdminException(Outcome outcome, String message) {
        this(outcome, message, null);
    }

    public AdminException(Outcome outcome, String message, Throwable cause) {
        this(outcome, message, cause, null);
    }

    private AdminException(Outcome outcome, String message, Throwable cause, JobResult result) {
        super(message, cause);
        this.outcome = outcome;
        this.result = result;
    }

    /** The administration view of a job that did not complete (an interrupted one keeps its result). */
    public static AdminException of(JobException e) {
        Outcome o = switch (e.kind()) {
            case USAGE -> Outcome.USAGE;
            case FAILED -> Outcome.FAILED;
            case INTERRUPTED -> Outcome.INTERRUPTED;
        };
        return new AdminException(o, e.getMessage(), e.getCause(), e.result());
    }

    public static AdminException usage(String message) {
        return new AdminException(Outcome.USAGE, message);
    }

    public static AdminException problems(String message) {
        return new AdminException(Outcome.PROBLEMS, message);
    }

    public static AdminException failed(String message, Throwable cause) {
        return new AdminException(Outcome.FAILED, message, cause);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** For an interrupted job, what the run did before it stopped; otherwise null. */
    public JobResult result() {
        return result;
    }
}
