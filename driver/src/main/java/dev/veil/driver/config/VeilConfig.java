package dev.veil.driver.config;

import dev.veil.driver.codec.Padding;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.RowBindingSpec;
import dev.veil.driver.schema.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one immutable configuration model. YAML ({@code veil.config}), {@code @Encrypted} classes
 * ({@code veil.entity-packages}) and the programmatic {@link Builder} all produce it; none has semantics of its own.
 * {@link Builder#build()} validates everything and throws {@link VeilConfigException} naming the source, the
 * entry and the fix.
 */
public final class VeilConfig {

    /** The AEAD of new data keys and key versions (YAML {@code encryption}). */
    public enum Encryption {
        /** AES-256-GCM, rolled to a new key version before 2^31 encryptions (the default). */
        AES_256_GCM("aes-256-gcm"),
        /** X-AES-256-GCM: no per-key message limit, no rolling; ≈ 1.4 µs more per value. */
        XAES_256_GCM("xaes-256-gcm");

        private final String configName;

        Encryption(String configName) {
            this.configName = configName;
        }

        /** The YAML spelling. */
        public String configName() {
            return configName;
        }
    }

    /** Default name of the table that holds wrapped data keys. */
    public static final String DEFAULT_KEY_TABLE = "veil_data_keys";

    private final String source;
    private final String masterKey;
    private final Map<String, String> masterKeyOptions;
    private final String keyTable;
    private final Map<String, Map<String, EncryptedColumn>> columnsByTableName;
    private final List<EncryptedColumn> columns;
    private final boolean allowLegacyPlaintext;
    /** {@code table.column} of the columns in the migration window (legacy plaintext readable), all when global. */
    private final java.util.Set<String> legacyPlaintextColumns;
    private final Duration keyCacheTtl;
    private final Duration keyMaxStaleness;
    private final long statementCacheSize;
    private final boolean eagerKeyLoading;
    private final Duration keyRefreshAhead;
    private final List<String> previousMasterKeys;
    private final List<ConfiguredIndex> indexes;
    private final Encryption encryption;
    private final List<RowBindingSpec> rowBindings;

    private VeilConfig(Builder b, List<EncryptedColumn> columns, List<ConfiguredIndex> indexes,
            java.util.Set<String> legacyPlaintextColumns) {
        this.indexes = List.copyOf(indexes);
        this.legacyPlaintextColumns = java.util.Set.copyOf(legacyPlaintextColumns);
        this.source = b.source;
        this.masterKey = b.masterKey;
        this.masterKeyOptions = Collections.unmodifiableMap(VeilProperty.masterKeyOptions(b.masterKeyOptions,
                b.source));
        this.keyTable = b.keyTable;
        this.columns = List.copyOf(columns);
        Map<String, Map<String, EncryptedColumn>> byName = new LinkedHashMap<>();
        for (EncryptedColumn c : columns) {
            byName.computeIfAbsent(c.table().name(), k -> new LinkedHashMap<>()).put(c.table().qualified() + "." + c.name(), c);
        }
        this.columnsByTableName = Collections.unmodifiableMap(byName);
        this.allowLegacyPlaintext = b.allowLegacyPlaintext;
        this.keyCacheTtl = b.keyCacheTtl;
        this.keyMaxStaleness = b.keyMaxStaleness;
        this.statementCacheSize = b.statementCacheSize;
        this.eagerKeyLoading = b.eagerKeyLoading;
        this.keyRefreshAhead = b.keyRefreshAhead != null ? b.keyRefreshAhead
                : min(Duration.ofMinutes(1), b.keyCacheTtl.dividedBy(5));
        this.previousMasterKeys = List.copyOf(b.previousMasterKeys);
        this.encryption = b.encryption;
        this.rowBindings = RowBindingSpecs.validate(b.rowBindings, columns);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where this configuration came from (file name, {@code annotations}, {@code builder}); for messages. */
    public String source() {
        return source;
    }

    public String masterKey() {
        return masterKey;
    }

    public Map<String, String> masterKeyOptions() {
        return masterKeyOptions;
    }

    public String keyTable() {
        return keyTable;
    }

    public List<EncryptedColumn> columns() {
        return columns;
    }

    /** Whether every encrypted column reads legacy plaintext (the global switch). */
    public boolean allowLegacyPlaintext() {
        return allowLegacyPlaintext;
    }

    /**
     * Whether a column is in its migration window: values that are not Veil ciphertext are read as plaintext, and
     * searches through its blind indexes also compare the stored plaintext (sending the searched value). True for
     * every column while {@link #allowLegacyPlaintext()} is on, else for the columns named by
     * {@code legacy-plaintext: true} (YAML) or {@code veil.legacy-plaintext-columns}.
     */
    public boolean allowsLegacyPlaintext(EncryptedColumn column) {
        return allowLegacyPlaintext || legacyPlaintextColumns.contains(column.qualified());
    }

    /** The columns named for legacy plaintext one by one ({@code table.column}); the global switch is apart. */
    public java.util.Set<String> legacyPlaintextColumns() {
        return legacyPlaintextColumns;
    }

    public Duration keyCacheTtl() {
        return keyCacheTtl;
    }

    public Duration keyMaxStaleness() {
        return keyMaxStaleness;
    }

    public long statementCacheSize() {
        return statementCacheSize;
    }

    /**
     * How long before its time-to-live a data key in use is refreshed in the background: as set, or a fifth of the
     * TTL capped at one minute.
     */
    public Duration keyRefreshAhead() {
        return keyRefreshAhead;
    }

    /**
     * Master keys that may still unwrap stored data keys but never wrap new ones: the old key while a re-wrap to
     * {@link #masterKey()} is rolling out.
     */
    public List<String> previousMasterKeys() {
        return previousMasterKeys;
    }

    /** The AEAD of new data keys and versions; existing keys keep theirs. Default {@link Encryption#AES_256_GCM}. */
    public Encryption encryption() {
        return encryption;
    }

    /** Whether every configured column's data key is loaded when the runtime starts (default: on first use). */
    public boolean eagerKeyLoading() {
        return eagerKeyLoading;
    }

    /** Whether any configured table has this canonical (unqualified) name. */
    public boolean hasTableNamed(String canonicalName) {
        return columnsByTableName.containsKey(canonicalName);
    }

    /**
     * The configured encrypted columns of a table as referenced in SQL (schema may be null), keyed by canonical
     * column name; empty when the table is not configured.
     */
    public Map<String, EncryptedColumn> columnsOf(String schema, String table) {
        Map<String, EncryptedColumn> candidates = columnsByTableName.get(table);
        if (candidates == null) {
            return Map.of();
        }
        Map<String, EncryptedColumn> out = new LinkedHashMap<>();
        for (EncryptedColumn c : candidates.values()) {
            String cs = c.table().schema();
            if (schema == null || cs == null || cs.equals(schema)) {
                out.putIfAbsent(c.name(), c);
            }
        }
        return out;
    }

    /**
     * The row binding of a table as referenced in SQL (schema may be null), by the matching rule of
     * {@link #columnsOf(String, String)}; null when its values are not bound to rows.
     */
    public RowBindingSpec rowBinding(String schema, String table) {
        return RowBindingSpecs.find(rowBindings, schema, table);
    }

    /** Every table with row binding. */
    public List<RowBindingSpec> rowBindings() {
        return rowBindings;
    }

    /** Every configured blind index. */
    public List<ConfiguredIndex> blindIndexes() {
        return indexes;
    }

    /**
     * The blind indexes of a table as referenced in SQL (schema may be null), by the same matching rule as
     * {@link #columnsOf(String, String)}; empty when it has none.
     */
    public List<ConfiguredIndex> indexesOf(String schema, String table) {
        if (indexes.isEmpty()) {
            return List.of();
        }
        List<ConfiguredIndex> out = new ArrayList<>();
        for (ConfiguredIndex i : indexes) {
            String cs = i.table().schema();
            if (i.table().name().equals(table) && (schema == null || cs == null || cs.equals(schema))) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        // master key URIs name a file or an ARN, not secrets; options may hold endpoints only
        return "VeilConfig[source=" + source + ", columns=" + columns.size() + "]";
    }

    /** Builds and validates a {@link VeilConfig}; also the target of the YAML and annotation loaders. */
    public static final class Builder {
        private String source = "builder";
        private String masterKey;
        private final Map<String, String> masterKeyOptions = new LinkedHashMap<>();
        private String keyTable = (String) VeilProperty.KEY_TABLE.typedDefault();
        private final List<ColumnRules.ColumnSpec> specs = new ArrayList<>();
        private boolean allowLegacyPlaintext = (Boolean) VeilProperty.ALLOW_LEGACY_PLAINTEXT.typedDefault();
        private final List<ColumnRules.LegacySpec> legacySpecs = new ArrayList<>();
        // defaults are the catalogue's (VeilProperty), so docs, getPropertyInfo and Spring metadata show these
        private Duration keyCacheTtl = (Duration) VeilProperty.KEY_CACHE_TTL.typedDefault();
        private Duration keyMaxStaleness = (Duration) VeilProperty.KEY_MAX_STALENESS.typedDefault();
        private long statementCacheSize = (Long) VeilProperty.STATEMENT_CACHE_SIZE.typedDefault();
        private boolean eagerKeyLoading = (Boolean) VeilProperty.KEY_CACHE_EAGER.typedDefault();
        private Duration keyRefreshAhead;
        private final List<String> previousMasterKeys = new ArrayList<>();
        private final List<BlindIndexSpec> indexSpecs = new ArrayList<>();
        private Encryption encryption = Encryption.AES_256_GCM; // VeilProperty.ENCRYPTION's default
        private String badEncryption;
        private final List<RowBindingSpecs.Declared> rowBindings = new ArrayList<>();

        private Builder() {
        }

        /** The AEAD of new data keys and key versions. Default {@link Encryption#AES_256_GCM}. */
        public Builder encryption(Encryption encryption) {
            this.encryption = Objects.requireNonNull(encryption, "encryption");
            this.badEncryption = null;
            return this;
        }

        /** By its YAML name, {@code aes-256-gcm} or {@code xaes-256-gcm}; anything else fails {@link #build()}. */
        public Builder encryption(String name) {
            for (Encryption e : Encryption.values()) {
                if (e.configName().equals(name)) {
                    return encryption(e);
                }
            }
            this.badEncryption = String.valueOf(name);
            return this;
        }

        /** Names the origin for error messages, e.g. the YAML file. */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** {@code local-keyset:PATH} (development) or {@code aws-kms://ARN}. */
        public Builder masterKey(String uri) {
            this.masterKey = uri;
            return this;
        }

        /**
         * A master-key option by its name under {@code master-key-options} ({@code region}, {@code endpoint},
         * {@code profile}, {@code api-call-timeout}, …; {@link VeilProperty}); {@link #build()} refuses unknown names
         * and values not of the option's kind.
         */
        public Builder masterKeyOption(String name, String value) {
            masterKeyOptions.put(name, value);
            return this;
        }

        public Builder keyTable(String keyTable) {
            this.keyTable = keyTable;
            return this;
        }

        /** Reads values that are not Veil ciphertext as plaintext (for migrations only). Off by default. */
        public Builder allowLegacyPlaintext(boolean allow) {
            this.allowLegacyPlaintext = allow;
            return this;
        }

        /**
         * Puts one encrypted column in its migration window (insecure while it lasts; see
         * {@link VeilConfig#allowsLegacyPlaintext(EncryptedColumn)}). The column must be configured; checked in
         * {@link #build()}.
         *
         * @param origin where it was asked for (YAML path, property name), for messages
         */
        public Builder legacyPlaintext(String table, String column, String origin) {
            legacySpecs.add(new ColumnRules.LegacySpec(table, column, null, origin == null ? source : origin));
            return this;
        }

        /**
         * Puts columns in their migration window by name: {@code table.column} or {@code schema.table.column}
         * (quoted where SQL would quote them), as {@code veil.legacy-plaintext-columns} lists them.
         */
        public Builder legacyPlaintextColumns(Collection<String> names, String origin) {
            for (String n : names) {
                legacySpecs.add(new ColumnRules.LegacySpec(null, null, n, origin == null ? source : origin));
            }
            return this;
        }

        public Builder keyCacheTtl(Duration ttl) {
            this.keyCacheTtl = ttl;
            return this;
        }

        public Builder keyMaxStaleness(Duration staleness) {
            this.keyMaxStaleness = staleness;
            return this;
        }

        /** Refreshes a data key in use this long before its TTL ends; must be shorter than the TTL. */
        public Builder keyRefreshAhead(Duration refreshAhead) {
            this.keyRefreshAhead = refreshAhead;
            return this;
        }

        /** Adds a master key that may unwrap, never wrap (rotation). */
        public Builder previousMasterKey(String uri) {
            this.previousMasterKeys.add(uri);
            return this;
        }

        /** Loads every column's data key at start-up instead of on first use. */
        public Builder eagerKeyLoading(boolean eager) {
            this.eagerKeyLoading = eager;
            return this;
        }

        public Builder statementCacheSize(long size) {
            this.statementCacheSize = size;
            return this;
        }

        /** Adds an encrypted column with no declared type. */
        public Builder encrypt(String table, String column) {
            return encrypt(table, column, (ValueType) null);
        }

        /** Adds an encrypted column; {@code type} may be null. */
        public Builder encrypt(String table, String column, ValueType type) {
            return column(table, column, type, null, source);
        }

        /**
         * Adds an encrypted column with every option.
         *
         * @param renamedFrom {@code table.column} the values were first encrypted under, or null
         * @param origin where this entry was declared (YAML path, class and field), for messages
         */
        public Builder column(String table, String column, ValueType type, String renamedFrom, String origin) {
            return column(table, column, type, renamedFrom, Padding.NONE, origin);
        }

        /**
         * Adds an encrypted column with every option, padding included ({@code pad:}; {@link Padding#NONE} for
         * none). Padding on a column whose declared type has a fixed width fails {@link #build()}.
         */
        public Builder column(String table, String column, ValueType type, String renamedFrom, Padding padding,
                String origin) {
            specs.add(new ColumnRules.ColumnSpec(table, column, type, renamedFrom, Objects.requireNonNull(padding, "padding"),
                    origin == null ? source : origin));
            return this;
        }

        /**
         * Binds the encrypted values of {@code table} to their rows ({@link RowBindingSpec}); validated in
         * {@link #build()}.
         *
         * @param keyColumns the key columns; empty for the table's primary key
         * @param acceptUnbound read values written before binding was switched on (the adoption window)
         * @param origin where it was declared (YAML path, class), for messages
         */
        public Builder rowBinding(String table, List<String> keyColumns, boolean acceptUnbound, String origin) {
            rowBindings.add(new RowBindingSpecs.Declared(table, keyColumns, acceptUnbound,
                    origin == null ? source : origin));
            return this;
        }

        /** Adds a blind index with every default ({@code <column>_bidx}, exact, fast) on an encrypted column. */
        public Builder blindIndex(String table, String column) {
            return blindIndex(BlindIndexSpec.of(table, column, source));
        }

        /** Adds a blind index (simple or compound); validated in {@link #build()}. */
        public Builder blindIndex(BlindIndexSpec spec) {
            indexSpecs.add(Objects.requireNonNull(spec, "spec"));
            return this;
        }

        /** Adds every column of another configuration (e.g. annotations on top of YAML). */
        public Builder addAll(Collection<EncryptedColumn> columns, String origin) {
            for (EncryptedColumn c : columns) {
                specs.add(new ColumnRules.ColumnSpec(c.table().qualified(), c.name(), c.type(),
                        c.boundName().equals(c.table().qualified() + "." + c.name()) ? null : c.boundName(),
                        c.padding(), origin));
            }
            return this;
        }

        public VeilConfig build() {
            if (masterKey == null || masterKey.isBlank()) {
                throw new VeilConfigException(source + ": no master key. Set 'master-key' (YAML), veil.master-key "
                        + "(JDBC property) or masterKey(...): local-keyset:/path/to/keyset.json for development, "
                        + "aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID in production");
            }
            String scheme = masterKey.contains(":") ? masterKey.substring(0, masterKey.indexOf(':')) : "";
            if (!scheme.equals("local-keyset") && !scheme.equals("aws-kms") && !scheme.matches("[a-z][a-z0-9+.-]*")) {
                throw new VeilConfigException(source + ": master-key '" + scheme + ":…' has no scheme; expected "
                        + "local-keyset:PATH or aws-kms://ARN");
            }
            if (badEncryption != null) {
                throw new VeilConfigException(source + ": encryption '" + badEncryption + "' is not known; use "
                        + "aes-256-gcm (the default) or xaes-256-gcm");
            }
            if (keyTable == null || keyTable.isBlank()) {
                throw new VeilConfigException(source + ": key-table is empty; leave it unset for the default "
                        + DEFAULT_KEY_TABLE);
            }
            requirePositive("key-cache-ttl", keyCacheTtl);
            if (keyRefreshAhead != null && (keyRefreshAhead.isNegative() || keyRefreshAhead.isZero()
                    || keyRefreshAhead.compareTo(keyCacheTtl) >= 0)) {
                throw new VeilConfigException(source + ": key-cache.refresh-ahead must be positive and shorter than "
                        + "key-cache.ttl (" + keyCacheTtl + "), was " + keyRefreshAhead);
            }
            for (String previous : previousMasterKeys) {
                if (previous == null || previous.isBlank() || previous.equals(masterKey)) {
                    throw new VeilConfigException(source + ": previous-master-keys holds '" + previous + "'; list the "
                            + "old master keys being rotated away from, not blanks or the current master-key");
                }
            }
            if (keyMaxStaleness == null || keyMaxStaleness.isNegative()) {
                throw new VeilConfigException(source + ": key-max-staleness must be zero or positive, was " + keyMaxStaleness);
            }
            if (statementCacheSize < 16 || statementCacheSize > 10_000_000) {
                throw new VeilConfigException(source + ": statement-cache-size must be between 16 and 10000000, was "
                        + statementCacheSize);
            }
            List<EncryptedColumn> columns = ColumnRules.columns(specs);
            return new VeilConfig(this, columns, IndexRules.indexes(indexSpecs, source, columns),
                    ColumnRules.legacyColumns(legacySpecs, columns));
        }

        private void requirePositive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new VeilConfigException(source + ": " + name + " must be a positive duration (e.g. PT5M), was " + d);
            }
        }
    }

}
