package dev.veil.driver.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.veil.blindindex.BlindIndexer;
import dev.veil.blindindex.ColumnStatistics;
import dev.veil.blindindex.LeakageGuidance;
import dev.veil.blindindex.LeakageReport;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.sql.IndexTarget;
import dev.veil.driver.sql.Catalog;
import dev.veil.driver.sql.JdbcCatalog;
import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.driver.sql.StatementPlan;
import dev.veil.driver.sql.TableGuard;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyRingListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything Veil keeps for one database and configuration, shared by all its connections: the configuration, the
 * key ring, one cipher per encrypted column, the schema catalog and the statement plans (one analysis per SQL text,
 * and per {@code search_path} resolution where a name is ambiguous, see {@link dev.veil.driver.sql.SearchPathNames}).
 * Thread-safe.
 */
public final class VeilRuntime implements AutoCloseable {

    private final VeilConfig config;
    private final KeyRing keys;
    private final SqlAnalyzer analyzer;
    private final Cache<String, StatementPlan> plans;
    private final Map<EncryptedColumn, ColumnCipher> ciphers = new ConcurrentHashMap<>();
    private final JdbcCatalog.Cache catalogCache = new JdbcCatalog.Cache();
    private final TableGuard tableGuard;
    private final Listeners listeners;
    private final Map<ConfiguredIndex, BlindIndexer> indexers = new ConcurrentHashMap<>();
    /** Indexes (table as referenced + index name) found to have no rows waiting for a backfill. */
    private final java.util.Set<String> backfilled = ConcurrentHashMap.newKeySet();
    private final SchemaWatch schema;
    /** The clock of the runtime's timers: the catalog interval, the columns' key-reload limit. */
    private final Ticker ticker;

    VeilRuntime(VeilConfig config, KeyRing keys, Listeners listeners, Ticker ticker) {
        this.ticker = ticker;
        this.config = config;
        this.listeners = listeners;
        this.keys = keys;
        this.analyzer = new SqlAnalyzer(config, this::cipher, this::indexer);
        this.tableGuard = new TableGuard(config);
        this.plans = Caffeine.newBuilder().maximumSize(config.statementCacheSize()).build();
        this.schema = new SchemaWatch(config, analyzer, this::forgetCatalog, ticker);
    }

    /**
     * Builds a runtime: opens the master key and prepares the key ring; with {@code key-cache: { eager: true }} also
     * loads every configured table's data key. A configuration the ring refuses is VE020. An eager load that fails
     * fails as the same key would on first use: VE002 (transient) while the master key or the key table is
     * unavailable, VE003 when the KMS refuses access; any other key failure is VE020, as it is found at connect.
     *
     * @param keyConnections opens plain connections to the database that holds the key table
     * @param database the database name, for the KMS encryption context
     */
    public static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database)
            throws SQLException {
        return create(config, keyConnections, database, Ticker.systemTicker());
    }

    /**
     * As {@link #create(VeilConfig, ConnectionFactory, String)}, with the clock of the runtime's timers — the data-key
     * cache (TTL, refresh-ahead, staleness, retry back-off), the catalog re-read interval and the columns' limit on
     * key reloads after unreadable values. A test seam, not API:
     * tests pass a fake ticker and advance it instead of sleeping (other packages' and modules' tests through the
     * driver test-jar's {@code RuntimeSeams}); everything else uses {@link Ticker#systemTicker()}.
     */
    static VeilRuntime create(VeilConfig config, ConnectionFactory keyConnections, String database, Ticker ticker)
            throws SQLException {
        Listeners listeners = new Listeners();
        KeyRing ring;
        try {
            ring = keyRingBuilder(config, keyConnections, database).listener(listeners).ticker(ticker).build();
        } catch (KeyException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception(config.source() + ": the master key cannot be used: "
                    + e.getMessage(), e);
        }
        if (config.eagerKeyLoading()) {
            try {
                loadEagerly(config, ring);
            } catch (SQLException e) {
                ring.close();
                throw e;
            }
        }
        return new VeilRuntime(config, ring, listeners, ticker);
    }

    /** Loads (creating if needed) every configured table's data key; failures keep their kind, as on first use. */
    private static void loadEagerly(VeilConfig config, KeyRing ring) throws SQLException {
        for (dev.veil.key.KeyScope scope : scopes(config)) {
            try {
                ring.aead(scope);
            } catch (dev.veil.key.KeyUnavailableException e) {
                throw VeilSqlState.KEY_UNAVAILABLE.exception("data key for table " + scope.table() + " (key-cache "
                        + "eager: loaded at connect) is unavailable: " + e.getMessage() + ". Retry later: the next "
                        + "connection attempt loads it again", e);
            } catch (dev.veil.key.KeyAccessDeniedException e) {
                throw VeilSqlState.KEY_ACCESS_DENIED.exception("access to the data key for table " + scope.table()
                        + " (key-cache eager: loaded at connect) was denied: " + e.getMessage(), e);
            } catch (KeyException e) {
                throw VeilSqlState.INVALID_CONFIGURATION.exception(config.source() + ": key-cache eager: the data key "
                        + "for table " + scope.table() + " cannot be loaded: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A key-ring builder with everything the configuration says about keys (master key and its options, previous
     * master keys, key table, cache times, cipher template): what the driver's ring is built from, and what
     * administration tools build {@link dev.veil.key.KeyAdministration} from.
     */
    public static dev.veil.key.KeyRingBuilder keyRingBuilder(VeilConfig config, ConnectionFactory keyConnections,
            String database) {
        dev.veil.key.KeyRingBuilder builder = KeyRing.builder()
                .masterKey(config.masterKey())
                .masterKeyOptions(config.masterKeyOptions())
                .database(database == null ? "" : database)
                .connections(keyConnections)
                .keyTable(config.keyTable())
                .cacheTtl(config.keyCacheTtl())
                .refreshAhead(config.keyRefreshAhead())
                .maxStaleness(config.keyMaxStaleness())
                .encryptionTemplate(config.encryption() == VeilConfig.Encryption.XAES_256_GCM
                        ? dev.veil.key.EncryptionTemplate.XAES_256_GCM : dev.veil.key.EncryptionTemplate.AES256_GCM);
        for (String previous : config.previousMasterKeys()) {
            builder.previousMasterKey(previous);
        }
        return builder;
    }

    private static java.util.List<dev.veil.key.KeyScope> scopes(VeilConfig config) {
        java.util.List<dev.veil.key.KeyScope> scopes = new java.util.ArrayList<>();
        for (EncryptedColumn c : config.columns()) {
            dev.veil.key.KeyScope s = ColumnCipher.scopeOf(c.boundName()); // one data key per bound table
            if (!scopes.contains(s)) {
                scopes.add(s);
            }
        }
        return scopes;
    }

    /** Adds a listener for driver events (encryptions, decryptions, refusals). */
    public void addListener(VeilListener listener) {
        listeners.add(listener);
    }

    /** Adds a listener for key events (KMS calls, cache hits, misses, loads, stale serves). */
    public void addKeyRingListener(KeyRingListener listener) {
        listeners.add(listener);
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
                config.allowsLegacyPlaintext(c), listeners, c.padding(), ticker::read));
    }

    /** The indexer of a configured blind index (one instance per index). */
    public BlindIndexer indexer(ConfiguredIndex index) {
        return indexers.computeIfAbsent(index, i -> BlindIndexer.of(i.definition(), keys));
    }

    /**
     * The plan for a SQL text: from the cache, or analysed now using {@code connection} to read the catalog.
     * A plan that searches through a blind index is refused (VE013) while rows written before the index existed
     * have no index value yet.
     */
    public StatementPlan plan(String sql, Connection connection) throws SQLException {
        schema.refreshIfDue(sql, connection);
        StatementPlan plan = cachedOrAnalysed(sql, connection);
        if (!plan.queriedIndexes().isEmpty() && !plan.backfillSeen()) {
            checkBackfill(plan, connection);
            plan.backfillSeen(true); // backfilled indexes stay so: later prepares of this plan skip the check
        }
        return plan;
    }

    /**
     * The plan for a SQL text on a connection where {@code standard_conforming_strings} is off: there backslashes
     * in ordinary strings are escapes, so Veil refuses every statement that may name an encrypted table rather
     * than read it differently from the server; others pass through.
     */
    public StatementPlan planWithoutStandardStrings(String sql) {
        if (!analyzer.mayTouchEncrypted(sql)) {
            return StatementPlan.PASS_THROUGH;
        }
        return StatementPlan.refused(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a statement that may name an "
                + "encrypted table because standard_conforming_strings is off on this connection, so PostgreSQL "
                + "reads backslashes in strings as escapes. Run SET standard_conforming_strings = on (the default) "
                + "before using encrypted tables, and remove the setting from the role, database or pool "
                + "configuration that turned it off");
    }

    /** How often the catalog is re-read for changes made around Veil (one minute; shorter in tests). */
    void schemaRefreshInterval(java.time.Duration interval) {
        schema.interval(interval);
    }

    private void checkBackfill(StatementPlan plan, Connection connection) throws SQLException {
        for (IndexTarget ix : plan.queriedIndexes()) {
            String key = ix.referenced().qualified() + "." + ix.index().name();
            if (backfilled.contains(key)) {
                continue;
            }
            StringBuilder q = new StringBuilder("SELECT 1 FROM ").append(ix.referenced().sql()).append(" WHERE ");
            for (String c : ix.index().columns()) {
                q.append(Identifiers.quoteIfNeeded(c)).append(" IS NOT NULL AND ");
            }
            q.append(Identifiers.quoteIfNeeded(ix.index().name())).append(" IS NULL");
            if (!ix.windowColumns().isEmpty()) {
                // migration window: rows still in plaintext are found by the plaintext branch; only encrypted rows
                // without an index value would be missed
                List<String> encrypted = new ArrayList<>();
                for (String c : ix.windowColumns()) {
                    encrypted.add(Identifiers.quoteIfNeeded(c) + " LIKE '" + ColumnCipher.TEXT_PREFIX + "%'");
                }
                q.append(" AND (").append(String.join(" OR ", encrypted)).append(')');
            }
            q.append(" LIMIT 1");
            boolean pending;
            try (java.sql.Statement st = connection.createStatement();
                    java.sql.ResultSet rs = st.executeQuery(q.toString())) {
                pending = rs.next();
            }
            if (pending) {
                refused(VeilSqlState.INDEX_BACKFILL_PENDING.state());
                throw VeilSqlState.INDEX_BACKFILL_PENDING.exception("blind index " + ix.index().qualified()
                        + " has no value yet for rows of " + ix.referenced() + " written before it was declared, so "
                        + "a search through it would miss them; Veil refuses searches through it until those rows "
                        + "are indexed (writes through Veil keep filling it). Fill it through Veil: read those rows "
                        + "(WHERE " + String.join(" IS NOT NULL AND ", ix.index().columns()) + " IS NOT NULL AND "
                        + ix.index().name() + " IS NULL) and write each back with ? parameters (UPDATE … SET "
                        + String.join(" = ?, ", ix.index().columns()) + " = ? WHERE key = ?); an UPDATE setting a "
                        + "column to itself does not fill it. See docs/configuration.md, \"Filling a new blind "
                        + "index\"");
            }
            backfilled.add(key);
        }
    }

    /**
     * Leakage guidance for every configured blind index, from PostgreSQL's statistics of its companion column
     * ({@code pg_stats.n_distinct}, {@code pg_class.reltuples}); empty for an index whose table was never
     * analysed or cannot be seen. For a truncated index the companion column's distinct count understates the
     * number of distinct values.
     */
    public Map<String, java.util.Optional<LeakageReport>> leakage(Connection connection) throws SQLException {
        Map<String, java.util.Optional<LeakageReport>> out = new java.util.LinkedHashMap<>();
        String sql = "SELECT s.n_distinct, c.reltuples FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname "
                + "AND s.attname = ? WHERE c.oid = pg_catalog.to_regclass(?)";
        try (java.sql.PreparedStatement ps = connection.prepareStatement(sql)) {
            for (ConfiguredIndex index : config.blindIndexes()) {
                ps.setString(1, index.name());
                ps.setString(2, index.table().sql());
                java.util.Optional<LeakageReport> report = java.util.Optional.empty();
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        double nDistinct = rs.getDouble(1);
                        boolean noStats = rs.wasNull();
                        double reltuples = rs.getDouble(2);
                        if (!noStats) {
                            report = ColumnStatistics.fromPostgres(nDistinct, reltuples)
                                    .map(stats -> LeakageGuidance.assess(index.definition(), stats));
                        }
                    }
                }
                out.put(index.qualified(), report);
            }
        }
        return out;
    }

    private StatementPlan cachedOrAnalysed(String sql, Connection connection) throws SQLException {
        // a name that resolves differently under other search_paths: plan for this connection's resolution
        Map<String, String> resolution = analyzer.derived().ambiguous().isEmpty()
                || TableGuard.isTransactionControl(sql) ? null
                : analyzer.derived().ambiguous().resolve(sql, connection);
        String key = resolution == null ? sql : sql + '\u0000' + resolution;
        StatementPlan plan = plans.getIfPresent(key);
        if (plan != null) {
            return plan;
        }
        TableGuard.Verdict guard = tableGuard.check(sql, connection);
        if (guard.refused() != null) {
            return guard.refused();
        }
        if (!analyzer.mayTouchEncrypted(sql)) {
            if (guard.cacheable()) {
                plans.put(key, StatementPlan.PASS_THROUGH);
            }
            return StatementPlan.PASS_THROUGH;
        }
        Catalog catalog = new JdbcCatalog(connection, catalogCache, resolution);
        plan = analyzer.plan(sql, catalog);
        if (plan.isCacheable()) {
            plans.put(key, plan);
        }
        return plan;
    }

    /** Forgets cached plans and table shapes, e.g. after DDL on an encrypted table. */
    public void invalidateSchema() {
        schema.forget();
        forgetCatalog();
    }

    /**
     * A result held Veil ciphertext in a column Veil does not decrypt (a view or function created outside Veil since
     * the last catalog read, or a copy): read the catalog again before the next plan. Plans are dropped only when
     * the catalog changed, so a copy that never will (CREATE TABLE … AS SELECT) costs one catalog read per refusal,
     * not the plan cache.
     */
    public void catalogMayBeStale() {
        schema.forget();
    }

    private void forgetCatalog() {
        catalogCache.clear();
        tableGuard.reset();
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
        // copy-on-write arrays: the hot path (one event per value) loops over a plain array, no iterator
        volatile VeilListener[] veil = new VeilListener[0];
        volatile KeyRingListener[] keys = new KeyRingListener[0];

        synchronized void add(VeilListener l) {
            VeilListener[] next = java.util.Arrays.copyOf(veil, veil.length + 1);
            next[veil.length] = l;
            veil = next;
        }

        synchronized void add(KeyRingListener l) {
            KeyRingListener[] next = java.util.Arrays.copyOf(keys, keys.length + 1);
            next[keys.length] = l;
            keys = next;
        }

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
        public void encryptionsReserved(dev.veil.key.KeyScope scope, long version, long block, long reservedTotal) {
            for (KeyRingListener l : keys) {
                l.encryptionsReserved(scope, version, block, reservedTotal);
            }
        }

        @Override
        public void keyRolled(dev.veil.key.KeyScope scope, long oldVersion, long newVersion) {
            for (KeyRingListener l : keys) {
                l.keyRolled(scope, oldVersion, newVersion);
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
