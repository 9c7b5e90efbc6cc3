package dev.veil.driver;

import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Test-only workaround, kept in the driver's package because it needs {@link VeilRuntime}'s package-private
 * constructor: builds a runtime exactly as {@link VeilRuntime#create} does, except that the key ring's
 * {@code refreshAhead} is a quarter of the TTL.
 *
 * <p>Why: {@code VeilRuntime.create} never sets {@code refreshAhead}, so the ring keeps its default of one minute
 * and {@code KeyRingBuilder.build()} refuses every {@code key-cache.ttl} of one minute or less (VE020 at connect),
 * although the docs allow any positive TTL. Outage tests need a TTL of seconds. Delete this class (and switch
 * {@code KmsEndToEndIT} to its disabled YAML variant) once that is fixed.
 */
public final class ShortTtlRuntimes {

    private ShortTtlRuntimes() {
    }

    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database)
            throws SQLException {
        VeilRuntime.Listeners listeners = new VeilRuntime.Listeners();
        try {
            KeyRing ring = KeyRing.builder()
                    .masterKey(config.masterKey())
                    .masterKeyOptions(config.masterKeyOptions())
                    .database(database)
                    .connections(keyConnections)
                    .keyTable(config.keyTable())
                    .cacheTtl(config.keyCacheTtl())
                    .refreshAhead(config.keyCacheTtl().dividedBy(4))
                    .maxStaleness(config.keyMaxStaleness())
                    .retryBackoff(Duration.ofSeconds(1))
                    .listener(listeners)
                    .build();
            return new VeilRuntime(config, ring, listeners);
        } catch (KeyException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception(e.getMessage(), e);
        }
    }

    /** A Veil connection over a plain one, as {@code VeilDriver.connect} makes it. */
    public static Connection connect(Connection plain, VeilRuntime runtime) {
        return new VeilConnection(plain, runtime);
    }
}
