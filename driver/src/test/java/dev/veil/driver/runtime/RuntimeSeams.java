package dev.veil.driver.runtime;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.veil.driver.config.VeilConfig;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingBuilder;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Test seams of the driver's suite into the runtime's package-private members: a runtime whose key ring gets
 * builder settings the configuration does not expose (and, for tests of its timers, a ticker), and the schema
 * watch's refresh interval.
 */
public final class RuntimeSeams {

    private RuntimeSeams() {
    }

    /** A runtime built as {@link VeilRuntime#create} builds it (no eager loading), its key ring tuned first. */
    public static VeilRuntime tuned(VeilConfig config, ConnectionFactory keyConnections, String database,
            UnaryOperator<KeyRingBuilder> tuning) throws KeyException {
        return tuned(config, keyConnections, database, Ticker.systemTicker(), tuning);
    }

    /**
     * As {@link #tuned(VeilConfig, ConnectionFactory, String, UnaryOperator)}, with {@code ticker} as the clock of
     * the runtime's timers (key cache, catalog interval): tests advance a fake one instead of sleeping.
     */
    public static VeilRuntime tuned(VeilConfig config, ConnectionFactory keyConnections, String database,
            Ticker ticker, UnaryOperator<KeyRingBuilder> tuning) throws KeyException {
        VeilRuntime.Listeners listeners = new VeilRuntime.Listeners();
        KeyRing ring = tuning.apply(VeilRuntime.keyRingBuilder(config, keyConnections, database))
                .listener(listeners)
                .ticker(ticker)
                .build();
        return new VeilRuntime(config, ring, listeners, ticker);
    }

    /** How often the runtime re-reads the catalog for schema drift; zero re-reads before every statement. */
    public static void schemaRefreshInterval(VeilRuntime runtime, Duration interval) {
        runtime.schemaRefreshInterval(interval);
    }
}
