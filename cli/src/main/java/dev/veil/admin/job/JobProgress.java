package dev.veil.admin.job;

/** Told how a job advances; called from worker threads, so implementations must be thread-safe. */
public interface JobProgress {

    JobProgress NONE = new JobProgress() { };

    /** Before the first batch: {@code estimatedRows} is what this run expects to examine (−1 when unknown). */
    default void started(String job, long estimatedRows, boolean resumed) {
    }

    /** After each committed batch, with the run's totals so far. */
    default void advanced(long rowsExamined, long rowsChanged) {
    }

    /** A phase of a multi-phase operation (index-key rotation) began, or a wait started. */
    default void phase(String description) {
    }

    /** The run ended (successfully or not). */
    default void finished() {
    }
}
