package dev.veil.driver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.sql.Catalog;
import dev.veil.driver.sql.JdbcCatalog;
import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.driver.sql.StatementPlan;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything Veil keeps for one database and configuration, shared by all its connections: the configuration, the
 * key ring, one cipher per encrypted column, the schema catalog and the statement plans (one analysis per SQL text).
 * Thread-safe.
 */
public final class VeilRuntime implements AutoCloseable {

    private final VeilConfig config;
    private final KeyRing keys;
    private final SqlAnalyzer analyzer;
    private final Cache<String, StatementPlan> plans;
    private final Map<EncryptedColumn, ColumnCipher> ciphers = new ConcurrentHashMap<>();
    private final JdbcCatalog.Cache catalogCache = new JdbcCatalog.Cache();
    private final Listeners listeners;

    VeilRuntime(VeilConfig config, KeyRing keys, Listeners listeners) {
        this.config = config;
        this.listeners = listeners;
        this.keys = keys;
        this.analyzer = new SqlAnalyzer(config, this::cipher);
        this.plans = Caffeine.newBuilder().maximumSize(config.statementCacheSize()).build();
    }

    /**
     * Builds a runtime: opens the master key and prepares the key ring (no data key is loaded yet).
     *
     * @param keyConnections opens plain connections to the database that holds the key table
     * @param database the database name, for the KMS encryption context
     */
    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database)
            throws SQLException {
        Listeners listeners = new Listeners();
        try {
            dev.veil.key.KeyRingBuilder builder = KeyRing.builder()
                    .masterKey(config.masterKey())
                    .masterKeyOptions(config.masterKeyOptions())
                    .database(database == null ? "" : database)
                    .connections(keyConnections)
                    .keyTable(config.keyTable())
                    .cacheTtl(config.keyCacheTtl())
                    .refreshAhead(config.keyRefreshAhead())
                    .maxStaleness(config.keyMaxStaleness());
            for (String previous : config.previousMasterKeys()) {
                builder.previousMasterKey(previous);
            }
            KeyRing ring = builder
                    .listener(listeners)
                    .eager(config.eagerKeyLoading() ? scopes(config) : java.util.List.of())
                    .build();
            return new VeilRuntime(config, ring, listeners);
        } catch (KeyException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception(config.source() + ": the master key cannot be used: "
                    + e.getMessage(), e);
        }
    }

    private static java.util.List<dev.veil.key.KeyScope> scopes(VeilConfig config) {
        java.util.List<dev.veil.key.KeyScope> scopes = new java.util.ArrayList<>();
        for (EncryptedColumn c : config.columns()) {
            int dot = c.boundName().lastIndexOf('.');
            dev.veil.key.KeyScope s = dev.veil.key.KeyScope.encryption(c.boundName().substring(0, dot),
                    c.boundName().substring(dot + 1));
            if (!scopes.contains(s)) {
                scopes.add(s);
            }
        }
        return scopes;
    }

    /** Adds a listener for driver events (encryptions, decryptions, refusals). */
    public void addListener(VeilListener listener) {
        listeners.veil.add(listener);
    }

    /** Adds a listener for key events (KMS calls, cache hits, misses, loads, stale serves). */
    public void addKeyRingListener(KeyRingListener listener) {
        listeners.keys.add(listener);
    }

    /** Called when a statement is refused, for the listeners. */
    public void refused(String sqlState) {
        for (VeilListener l : listeners.veil) {
            l.refused(sqlState);
        }
    }

    public VeilConfig config() {
        return config;
    }

    public KeyRing keys() {
        return keys;
    }

    /** The cipher of a configured column (one instance per column). */
    public ColumnCipher cipher(EncryptedColumn column) {
        return ciphers.computeIfAbsent(column, c -> new ColumnCipher(c.qualified(), c.boundName(), c.type(), keys,
                config.allowLegacyPlaintext(), listeners));
    }

    /**
     * The plan for a SQL text: from the cache, or analysed now using {@code connection} to read the catalog.
     */
    public StatementPlan plan(String sql, Connection connection) throws SQLException {
        StatementPlan plan = plans.getIfPresent(sql);
        if (plan != null) {
            return plan;
        }
        if (!analyzer.mayTouchEncrypted(sql)) {
            plans.put(sql, StatementPlan.PASS_THROUGH);
            return StatementPlan.PASS_THROUGH;
        }
        Catalog catalog = new JdbcCatalog(connection, catalogCache);
        plan = analyzer.plan(sql, catalog);
        if (plan.isCacheable()) {
            plans.put(sql, plan);
        }
        return plan;
    }

    /** Forgets cached plans and table shapes, e.g. after DDL on an encrypted table. */
    public void invalidateSchema() {
        catalogCache.clear();
        plans.invalidateAll();
    }

    /** Number of cached plans; for tests and metrics. */
    public long cachedPlans() {
        plans.cleanUp();
        return plans.estimatedSize();
    }

    @Override
    public void close() {
        keys.close();
    }

    @Override
    public String toString() {
        return "VeilRuntime[" + config + "]";
    }

    /** Fans events out to the registered listeners; empty lists cost one array read. */
    static final class Listeners implements KeyRingListener, ColumnCipher.Events {
        final java.util.List<VeilListener> veil = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.List<KeyRingListener> keys = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void encrypted(String column) {
            for (VeilListener l : veil) {
                l.encrypted(column);
            }
        }

        @Override
        public void decrypted(String column) {
            for (VeilListener l : veil) {
                l.decrypted(column);
            }
        }

        @Override
        public void cacheHit(dev.veil.key.KeyScope scope) {
            for (KeyRingListener l : keys) {
                l.cacheHit(scope);
            }
        }

        @Override
        public void cacheMiss(dev.veil.key.KeyScope scope) {
            for (KeyRingListener l : keys) {
                l.cacheMiss(scope);
            }
        }

        @Override
        public void keyLoaded(dev.veil.key.KeyScope scope, java.time.Duration duration, boolean created) {
            for (KeyRingListener l : keys) {
                l.keyLoaded(scope, duration, created);
            }
        }

        @Override
        public void keyLoadFailed(dev.veil.key.KeyScope scope, KeyException error) {
            for (KeyRingListener l : keys) {
                l.keyLoadFailed(scope, error);
            }
        }

        @Override
        public void staleServed(dev.veil.key.KeyScope scope, java.time.Duration pastTimeToLive) {
            for (KeyRingListener l : keys) {
                l.staleServed(scope, pastTimeToLive);
            }
        }

        @Override
        public void masterKeyCall(String masterKeyId, String operation, java.time.Duration duration,
                Outcome outcome) {
            for (KeyRingListener l : keys) {
                l.masterKeyCall(masterKeyId, operation, duration, outcome);
            }
        }
    }
}
