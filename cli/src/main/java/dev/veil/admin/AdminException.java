package dev.veil.admin;

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

    public AdminException(Outcome outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    public AdminException(Outcome outcome, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
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
}
