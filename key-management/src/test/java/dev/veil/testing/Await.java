package dev.veil.testing;

import java.time.Duration;

/**
 * Polling with a deadline, for tests that wait on something real outside Veil's own timers (a backend waiting on a
 * lock, a server coming back, a child process): instead of a fixed sleep that is too short on a busy machine and too
 * long everywhere else, check every few milliseconds and fail with {@code what} once the deadline passes. Veil's own
 * timers (key-cache TTL, refresh-ahead, catalog interval) are never waited for: tests advance a fake ticker.
 * Shared by every module through the key-management test-jar.
 */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {
    }

    /** A condition that may need the database to answer. */
    @FunctionalInterface
    public interface Condition {
        boolean met() throws Exception;
    }

    /** An attempt that fails (throws) until what it waits for has happened. */
    @FunctionalInterface
    public interface Attempt<T> {
        T get() throws Exception;
    }

    /** Returns once {@code condition} holds; an {@link AssertionError} naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * The first result of {@code attempt} that does not throw. Until the deadline a failure of type {@code retried}
     * is tried again (after {@code check} has seen it, e.g. to assert its SQLState); any other failure, and the last
     * one at the deadline, is thrown.
     */
    public static <T, E extends Exception> T success(Duration timeout, Class<E> retried, FailureCheck<E> check,
            Attempt<T> attempt) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (Exception e) {
                if (!retried.isInstance(e)) {
                    throw e;
                }
                check.seen(retried.cast(e));
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** {@link #success(Duration, Class, FailureCheck, Attempt)} retrying any exception. */
    public static <T> T success(Duration timeout, Attempt<T> attempt) throws Exception {
        return success(timeout, Exception.class, e -> { }, attempt);
    }

    /** Looks at a failure that will be retried. */
    @FunctionalInterface
    public interface FailureCheck<E extends Exception> {
        void seen(E failure) throws Exception;
    }
}
