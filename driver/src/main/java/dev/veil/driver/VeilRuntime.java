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

    VeilRuntime(VeilConfig config, KeyRing keys) {
        this.config = config;
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
    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database,
            KeyRingListener listener) throws SQLException {
        try {
            KeyRing ring = KeyRing.builder()
                    .masterKey(config.masterKey())
                    .masterKeyOptions(config.masterKeyOptions())
                    .database(database == null ? "" : database)
                    .connections(keyConnections)
                    .keyTable(config.keyTable())
                    .cacheTtl(config.keyCacheTtl())
                    .maxStaleness(config.keyMaxStaleness())
                    .listener(listener == null ? KeyRingListener.NO_OP : listener)
                    .build();
            return new VeilRuntime(config, ring);
        } catch (KeyException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception(config.source() + ": the master key cannot be used: "
                    + e.getMessage(), e);
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
                config.allowLegacyPlaintext()));
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
}
