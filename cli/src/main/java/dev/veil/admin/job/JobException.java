package dev.veil.admin.job;

/**
 * A job that did not complete. {@link #kind()} says why; an interrupted job carries what it did until it stopped.
 * Messages name tables, columns and row keys, never values.
 */
public final class JobException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a job did not complete. */
    public enum Kind {
        /** The job cannot run as asked (no primary key, a column that cannot hold ciphertext). */
        USAGE,
        /** A batch failed (database, a value that does not decrypt); committed batches are kept. */
        FAILED,
        /** Stopped on request after a committed batch; running the same job again resumes. */
        INTERRUPTED
    }

    private final Kind kind;
    private final transient JobResult result;

    public JobException(Kind kind, String message, Throwable cause, JobResult result) {
        super(message, cause);
        this.kind = kind;
        this.result = result;
    }

    public static JobException usage(String message) {
        return new JobException(Kind.USAGE, message, null, null);
    }

    public static JobException failed(String message, Throwable cause) {
        return new JobException(Kind.FAILED, message, cause, null);
    }

    public Kind kind() {
        return kind;
    }

    /** For an interrupted job, what this run did before it stopped; otherwise null. */
    public JobResult result() {
        return result;
    }

    JobException withResult(JobResult r) {
        return new JobException(kind, getMessage(), getCause(), r);
    }
}
