package dev.veil.key;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Caffeine {@link Ticker} for tests of Veil's own timers (key-cache TTL, refresh-ahead, staleness, retry back-off,
 * catalog re-read interval): a test {@linkplain #advance advances} it instead of sleeping. {@code new FakeTicker()}
 * moves only when told to; {@link #running()} follows the system's ticker and can be moved ahead on top of it, for
 * tests where real time must still pass (a pool's timeouts, a server restart) but a TTL need not be waited out.
 */
public final class FakeTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final boolean running;

    public FakeTicker() {
        this(false);
    }

    private FakeTicker(boolean running) {
        this.running = running;
    }

    /** The system's ticker plus whatever the test {@linkplain #advance skips}. */
    public static FakeTicker running() {
        return new FakeTicker(true);
    }

    @Override
    public long read() {
        return running ? System.nanoTime() + nanos.get() : nanos.get();
    }

    public FakeTicker advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        return this;
    }
}
