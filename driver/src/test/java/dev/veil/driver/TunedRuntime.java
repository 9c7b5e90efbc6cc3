package dev.veil.driver;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingBuilder;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/**
 * Test seam shipped in the driver's test-jar (in the driver's package, for the runtime's package-private
 * constructor): a {@link VeilRuntime} whose key ring gets builder settings the configuration does not expose — the
 * AES-GCM encryption limit per key version and the reservation block, so that keys roll every few hundred
 * encryptions instead of every 2^31 — and whose timers (key cache, catalog interval) read a given ticker, so tests
 * in other modules advance a fake clock instead of sleeping. Otherwise built as {@link VeilRuntime#create} builds it
 * (no eager loading).
 */
public final class TunedRuntime {

    private TunedRuntime() {
    }

    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database,
            UnaryOperator<KeyRingBuilder> tuning) throws SQLException {
        return create(config, keyConnections, database, Ticker.systemTicker(), tuning);
    }

    /** With {@code ticker} as the clock of the key cache and the catalog interval. */
    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database,
            Ticker ticker, UnaryOperator<KeyRingBuilder> tuning) throws SQLException {
        VeilRuntime.Listeners listeners = new VeilRuntime.Listeners();
        try {
            KeyRing ring = tuning.apply(VeilRuntime.keyRingBuilder(config, keyConnections, database))
                    .listener(listeners)
                    .ticker(ticker)
                    .build();
            return new VeilRuntime(config, ring, listeners, ticker);
        } catch (KeyException e) {
            throw new SQLException("the tuned key ring cannot be built: " + e.getMessage(), e);
        }
    }
}
