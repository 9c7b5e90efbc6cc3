package dev.veil.admin.job;

/** Asked before every batch (and during waits) whether a job should stop at the next safe point. */
@FunctionalInterface
public interface JobControl {

    JobControl NEVER = () -> false;

    boolean stopRequested();
}
