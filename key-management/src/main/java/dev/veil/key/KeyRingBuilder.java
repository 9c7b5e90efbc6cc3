package dev.veil.key;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Configures the standard {@link KeyRing}. Setters only record; {@link #build()} validates everything and
 * throws a {@link KeyException} naming the option, the bad value and the fix. Obtain with {@link KeyRing#builder()}.
 *
 * <pre>{@code
 * KeyRing ring = KeyRing.builder()
 *     .masterKey("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/…")
 *     .masterKeyOptions(Map.of("api-call-timeout", "PT2S"))
 *     .database("clinic")
 *     .connections(() -> DriverManager.getConnection(url, props))
 *     .build();
 * }</pre>
 */
public final class KeyRingBuilder {

    /** Default key table name. */
    public static final String DEFAULT_KEY_TABLE = "veil_data_keys";
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(1);
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofHours(1);
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final long DEFAULT_CACHE_MAXIMUM_SIZE = 10_000;
    /** Encryptions one AES-GCM key version may perform, over all processes: 2^31, half of NIST's 2^32. */
    public static final long DEFAULT_MAX_ENCRYPTIONS_PER_KEY_VERSION = 1L << 31;
    /** Encryptions reserved in the key table at a time: 2^20. */
    public static final long DEFAULT_ENCRYPTION_RESERVATION_BLOCK = 1L << 20;
    /** How long one encryption may retry a contended reservation: 10 s. */
    public static final Duration DEFAULT_ENCRYPTION_RESERVATION_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern TABLE_NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}(\\.[A-Za-z_][A-Za-z0-9_$]{0,62})?");
    private static final AtomicInteger THREADS = new AtomicInteger();

    private String masterKeyUri;
    private MasterKey masterKey;
    private Map<String, String> masterKeyOptions = Map.of();
    private final List<String> previousMasterKeyUris = new ArrayList<>();
    private final List<MasterKey> previousMasterKeys = new ArrayList<>();
    private String database;
    private ConnectionFactory connections;
    private String keyTable = DEFAULT_KEY_TABLE;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private long cacheMaximumSize = DEFAULT_CACHE_MAXIMUM_SIZE;
    private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
    private Duration maxStaleness = DEFAULT_MAX_STALENESS;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Ticker ticker = Ticker.systemTicker();
    private KeyRingListener listener = KeyRingListener.NO_OP;
    private List<KeyScope> eager = List.of();
    private EncryptionTemplate encryptionTemplate = EncryptionTemplate.AES256_GCM;
    private long maxEncryptionsPerKeyVersion = DEFAULT_MAX_ENCRYPTIONS_PER_KEY_VERSION;
    private long encryptionReservationBlock = DEFAULT_ENCRYPTION_RESERVATION_BLOCK;
    private Duration encryptionReservationTimeout = DEFAULT_ENCRYPTION_RESERVATION_TIMEOUT;
    private EncryptionBudgets.RetryClock reservationClock = EncryptionBudgets.RetryClock.SYSTEM;
    private Executor refreshExecutor;

    KeyRingBuilder() {
    }

    /**
     * The master key by URI: {@code local-keyset:/path/master-keyset.json} (cleartext, development),
     * {@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID} or an alias ARN, or any scheme a
     * {@link MasterKeyProvider} on the class path handles. Required (or {@link #masterKey(MasterKey)}).
     */
    public KeyRingBuilder masterKey(String uri) {
        this.masterKeyUri = uri;
        this.masterKey = null;
        return this;
    }

    /** A master key opened by the caller, who keeps ownership (the ring does not close it). */
    public KeyRingBuilder masterKey(MasterKey key) {
        this.masterKey = key;
        this.masterKeyUri = null;
        return this;
    }

    /**
     * Provider options for {@link #masterKey(String)} and every {@link #previousMasterKey(String)}; for
     * {@code aws-kms}: {@code region}, {@code profile}, {@code endpoint}, {@code api-call-timeout},
     * {@code api-call-attempt-timeout}, {@code connect-timeout}, {@code max-attempts}. Unknown options are refused.
     */
    public KeyRingBuilder masterKeyOptions(Map<String, String> options) {
        this.masterKeyOptions = options == null ? Map.of() : Map.copyOf(options);
        return this;
    }

    /**
     * A master key that still unwraps data keys stored under it but never wraps new ones: configure the old
     * key here while {@link KeyAdministration#rewrap} moves the key table to the new one. Repeatable.
     */
    public KeyRingBuilder previousMasterKey(String uri) {
        previousMasterKeyUris.add(uri);
        return this;
    }

    /** Like {@link #previousMasterKey(String)}, opened by the caller (who keeps ownership). */
    public KeyRingBuilder previousMasterKey(MasterKey key) {
        previousMasterKeys.add(key);
        return this;
    }

    /** The database's name; part of every key's context, so a wrapped key does not unwrap elsewhere. Required. */
    public KeyRingBuilder database(String database) {
        this.database = database;
        return this;
    }

    /** Opens plain (non-Veil) connections to the database holding the key table. Required. */
    public KeyRingBuilder connections(ConnectionFactory connections) {
        this.connections = connections;
        return this;
    }

    /** The key table, optionally schema-qualified; created when missing. Default {@value #DEFAULT_KEY_TABLE}. */
    public KeyRingBuilder keyTable(String keyTable) {
        this.keyTable = keyTable;
        return this;
    }

    /** How long an unwrapped key is used before the master key is asked again. Default 5 minutes. */
    public KeyRingBuilder cacheTtl(Duration ttl) {
        this.cacheTtl = ttl;
        return this;
    }

    /** How many scopes' primitives are cached at most. Default 10,000. */
    public KeyRingBuilder cacheMaximumSize(long size) {
        this.cacheMaximumSize = size;
        return this;
    }

    /** How long before expiry a used key is refreshed in the background; less than the TTL. Default 1 minute. */
    public KeyRingBuilder refreshAhead(Duration refreshAhead) {
        this.refreshAhead = refreshAhead;
        return this;
    }

    /**
     * How long past its TTL a cached key may still be served while the master key is unavailable
     * (stale-if-error). Zero disables stale serving. Default 1 hour.
     */
    public KeyRingBuilder maxStaleness(Duration maxStaleness) {
        this.maxStaleness = maxStaleness;
        return this;
    }

    /** After a failed load or refresh, how long before the master key is tried again for that scope. Default 1 s. */
    public KeyRingBuilder retryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
        return this;
    }

    /** The clock of the cache (tests). Default {@link Ticker#systemTicker()}. */
    public KeyRingBuilder ticker(Ticker ticker) {
        this.ticker = ticker;
        return this;
    }

    /** Receives counters and timings. Default {@link KeyRingListener#NO_OP}. */
    public KeyRingBuilder listener(KeyRingListener listener) {
        this.listener = listener;
        return this;
    }

    /** Scopes loaded (created if needed) by {@link #build()}, which fails if one cannot be loaded. */
    public KeyRingBuilder eager(Collection<KeyScope> scopes) {
        this.eager = scopes == null ? List.of() : List.copyOf(scopes);
        return this;
    }

    /**
     * Key type of new encryption keysets and of new versions (rolls, {@link KeyAdministration#addVersion}).
     * Default {@link EncryptionTemplate#AES256_GCM}, whose versions are rolled automatically before
     * {@link #maxEncryptionsPerKeyVersion}; {@link EncryptionTemplate#XAES_256_GCM} needs no rolling but costs
     * a key derivation per message.
     */
    public KeyRingBuilder encryptionTemplate(EncryptionTemplate template) {
        this.encryptionTemplate = template;
        return this;
    }

    /**
     * How many encryptions one AES-GCM key version may perform, summed over every ring and process sharing the
     * key table; the ring that finds a version exhausted adds a new primary version. Give every process the same
     * value: the enforced bound is the largest one configured. Default 2^31 (NIST's limit for random 96-bit
     * nonces is 2^32). Tests use tiny values.
     */
    public KeyRingBuilder maxEncryptionsPerKeyVersion(long limit) {
        this.maxEncryptionsPerKeyVersion = limit;
        return this;
    }

    /**
     * How many encryptions a ring reserves in the key table at a time (one short UPDATE per block per scope);
     * at most {@link #maxEncryptionsPerKeyVersion}. Unused units of a block are lost when the process stops.
     * Default 2^20.
     */
    public KeyRingBuilder encryptionReservationBlock(long block) {
        this.encryptionReservationBlock = block;
        return this;
    }

    /**
     * How long one encryption that needs a reservation may spend retrying it while the key table is contended
     * (the key changed under it because another ring rolled it, or a statement lost a race for a row lock),
     * waiting for another thread of the ring that is reserving included. Connection failures are not retried.
     * Default 10 s.
     */
    public KeyRingBuilder encryptionReservationTimeout(Duration timeout) {
        this.encryptionReservationTimeout = timeout;
        return this;
    }

    /** Tests: the clock and the waiting of reservation retries. */
    KeyRingBuilder reservationClock(EncryptionBudgets.RetryClock clock) {
        this.reservationClock = clock;
        return this;
    }

    /**
     * Runs background refreshes (tests pass {@code Runnable::run}). Default: two daemon threads owned and
     * stopped by the ring.
     */
    public KeyRingBuilder refreshExecutor(Executor executor) {
        this.refreshExecutor = executor;
        return this;
    }

    /** Validates the configuration, opens the master keys (no KMS call) and loads the {@link #eager} scopes. */
    public KeyRing build() throws KeyException {
        validate();
        List<MasterKey> owned = new ArrayList<>();
        try {
            DataKeyStore store = store(owned);
            ExecutorService ownedExecutor = refreshExecutor == null ? refreshThreads() : null;
            CachingKeyRing ring = new CachingKeyRing(store, ticker, listener, cacheTtl, refreshAhead, maxStaleness,
                    retryBackoff, cacheMaximumSize, ownedExecutor != null ? ownedExecutor : refreshExecutor,
                    ownedExecutor, () -> owned.forEach(MasterKey::close),
                    new EncryptionBudgets(store, listener, encryptionReservationBlock, maxEncryptionsPerKeyVersion,
                            encryptionReservationTimeout, reservationClock));
            owned.clear(); // now the ring's
            try {
                for (KeyScope scope : eager) {
                    ring.primitive(scope);
                }
            } catch (KeyException e) {
                ring.close();
                throw CachingKeyRing.repeat(e, "eager: " + e.getMessage());
            }
            return ring;
        } finally {
            owned.forEach(MasterKey::close);
        }
    }

    /**
     * The rotation primitives over the same key table, database and master keys (caller closes it).
     * Cache options are ignored.
     */
    public KeyAdministration buildAdministration() throws KeyException {
        validate();
        List<MasterKey> owned = new ArrayList<>();
        try {
            DataKeyStore store = store(owned);
            KeyAdministration admin = new KeyAdministration(store, new ArrayList<>(owned), masterKeyOptions);
            owned.clear();
            return admin;
        } finally {
            owned.forEach(MasterKey::close);
        }
    }

    private DataKeyStore store(List<MasterKey> owned) throws KeyException {
        MasterKey primary = masterKey;
        if (primary == null) {
            primary = MasterKey.open(masterKeyUri, masterKeyOptions);
            owned.add(primary);
        }
        Map<String, MasterKey> previous = new LinkedHashMap<>();
        for (String uri : previousMasterKeyUris) {
            MasterKey m = MasterKey.open(uri, masterKeyOptions);
            owned.add(m);
            previous.put(m.id(), m);
        }
        for (MasterKey m : previousMasterKeys) {
            previous.put(m.id(), m);
        }
        Set<String> ids = new HashSet<>();
        ids.add(primary.id());
        List<MasterKey> observed = new ArrayList<>();
        for (MasterKey m : previous.values()) {
            if (!ids.add(m.id())) {
                throw new KeyException("previousMasterKey " + m.id() + " has the same id as another configured master "
                        + "key; give local keyset files distinct names");
            }
            observed.add(new ObservedMasterKey(m, listener));
        }
        return new DataKeyStore(new DataKeyTable(connections, keyTable), database,
                new ObservedMasterKey(primary, listener), observed, encryptionTemplate);
    }

    private void validate() throws KeyException {
        if (masterKey == null && (masterKeyUri == null || masterKeyUri.isBlank())) {
            throw new KeyException("masterKey is not set: use local-keyset:/path/master-keyset.json for development "
                    + "or aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID");
        }
        if (database == null || database.isBlank()) {
            throw new KeyException("database is not set: give the database name (it binds every data key to it)");
        }
        if (connections == null) {
            throw new KeyException("connections is not set: give a ConnectionFactory opening plain JDBC connections to "
                    + "the database that holds the key table");
        }
        if (keyTable == null || !TABLE_NAME.matcher(keyTable).matches()) {
            throw new KeyException("keyTable '" + keyTable + "' is not a plain SQL name: use letters, digits and _ "
                    + "(optionally schema.table), e.g. " + DEFAULT_KEY_TABLE);
        }
        positive("cacheTtl", cacheTtl, "e.g. Duration.ofMinutes(5)");
        if (cacheMaximumSize <= 0) {
            throw new KeyException("cacheMaximumSize must be positive (was " + cacheMaximumSize
                    + "); it bounds how many scopes stay cached, e.g. 10000");
        }
        notNegative("refreshAhead", refreshAhead);
        if (refreshAhead.compareTo(cacheTtl) >= 0) {
            throw new KeyException("refreshAhead (" + refreshAhead + ") must be shorter than cacheTtl (" + cacheTtl
                    + "); e.g. a fifth of the TTL");
        }
        notNegative("maxStaleness", maxStaleness);
        notNegative("retryBackoff", retryBackoff);
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(encryptionTemplate, "encryptionTemplate");
        if (maxEncryptionsPerKeyVersion < 1 || maxEncryptionsPerKeyVersion > (1L << 32)) {
            throw new KeyException("maxEncryptionsPerKeyVersion must be between 1 and 2^32 (was "
                    + maxEncryptionsPerKeyVersion + "); default 2^31");
        }
        if (encryptionReservationBlock < 1 || encryptionReservationBlock > maxEncryptionsPerKeyVersion) {
            throw new KeyException("encryptionReservationBlock must be between 1 and maxEncryptionsPerKeyVersion ("
                    + maxEncryptionsPerKeyVersion + ") (was " + encryptionReservationBlock + "); default 2^20");
        }
        positive("encryptionReservationTimeout", encryptionReservationTimeout, "e.g. Duration.ofSeconds(10)");
        Objects.requireNonNull(reservationClock, "reservationClock");
        for (KeyScope s : eager) {
            Objects.requireNonNull(s, "eager scope");
        }
    }

    private static void positive(String name, Duration d, String example) throws KeyException {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new KeyException(name + " must be a positive duration (was " + d + "); " + example);
        }
    }

    private static void notNegative(String name, Duration d) throws KeyException {
        if (d == null || d.isNegative()) {
            throw new KeyException(name + " must be zero or a positive duration (was " + d + ")");
        }
    }

    private static ExecutorService refreshThreads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "veil-key-refresh-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
