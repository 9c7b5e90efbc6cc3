package dev.veil.driver.runtime;

import dev.veil.driver.config.VeilConfig;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingBuilder;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/**
 * Test seam of the end-to-end suite (in the runtime's package, on the class path, for its package-private
 * constructor): a {@link VeilRuntime} whose key ring gets builder settings the configuration does not expose — the
 * AES-GCM encryption limit per key version and the reservation block, so that keys roll every few hundred
 * encryptions instead of every 2^31. Otherwise built as {@link VeilRuntime#create} builds it (no eager loading).
 */
public final class TunedRuntime {

    private TunedRuntime() {
    }

    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database,
            UnaryOperator<KeyRingBuilder> tuning) throws SQLException {
        VeilRuntime.Listeners listeners = new VeilRuntime.Listeners();
        try {
            KeyRing ring = tuning.apply(VeilRuntime.keyRingBuilder(config, keyConnections, database))
                    .listener(listeners)
                    .build();
            return new VeilRuntime(config, ring, listeners, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        } catch (KeyException e) {
            throw new SQLException("the tuned key ring cannot be built: " + e.getMessage(), e);
        }
    }
}
