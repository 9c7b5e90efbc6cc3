package dev.veil.driver.config;

import dev.veil.driver.codec.CiphertextSize;
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
        this.masterKeyOptions = Collections.unmodifiableMap(new LinkedHashMap<>(b.masterKeyOptions));
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
        private String keyTable = DEFAULT_KEY_TABLE;
        private final List<ColumnSpec> specs = new ArrayList<>();
        private boolean allowLegacyPlaintext;
        private final List<LegacySpec> legacySpecs = new ArrayList<>();
        private Duration keyCacheTtl = Duration.ofMinutes(5);
        private Duration keyMaxStaleness = Duration.ofHours(1);
        private long statementCacheSize = 10_000;
        private boolean eagerKeyLoading;
        private Duration keyRefreshAhead;
        private final List<String> previousMasterKeys = new ArrayList<>();
        private final List<BlindIndexSpec> indexSpecs = new ArrayList<>();
        private Encryption encryption = Encryption.AES_256_GCM;
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
            legacySpecs.add(new LegacySpec(table, column, null, origin == null ? source : origin));
            return this;
        }

        /**
         * Puts columns in their migration window by name: {@code table.column} or {@code schema.table.column}
         * (quoted where SQL would quote them), as {@code veil.legacy-plaintext-columns} lists them.
         */
        public Builder legacyPlaintextColumns(Collection<String> names, String origin) {
            for (String n : names) {
                legacySpecs.add(new LegacySpec(null, null, n, origin == null ? source : origin));
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
            specs.add(new ColumnSpec(table, column, type, renamedFrom, Objects.requireNonNull(padding, "padding"),
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
                specs.add(new ColumnSpec(c.table().qualified(), c.name(), c.type(),
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
            List<EncryptedColumn> columns = new ArrayList<>();
            Map<String, ColumnSpec> seen = new LinkedHashMap<>();
            for (ColumnSpec s : specs) {
                EncryptedColumn c = s.toColumn();
                String key = c.qualified();
                ColumnSpec earlier = seen.get(key);
                if (earlier != null) {
                    EncryptedColumn e = earlier.toColumn();
                    boolean typesAgree = e.type() == null || c.type() == null || e.type() == c.type();
                    boolean paddingAgrees = !e.padding().enabled() || !c.padding().enabled()
                            || e.padding().equals(c.padding());
                    if (!typesAgree || !paddingAgrees || !e.boundName().equals(c.boundName())) {
                        throw new VeilConfigException("conflicting configuration for encrypted column " + key + ": "
                                + earlier.origin + " says " + describe(e) + ", " + s.origin + " says " + describe(c)
                                + ". Make both declarations agree or remove one");
                    }
                    // a declaration without type (or padding) gives way to one with it (YAML `ssn: {}` + @Encrypted String)
                    EncryptedColumn merged = new EncryptedColumn(e.table(), e.name(), e.type() != null ? e.type()
                            : c.type(), e.boundName(), e.padding().enabled() ? e.padding() : c.padding());
                    columns.set(columns.indexOf(e), merged);
                    seen.put(key, new ColumnSpec(s.table, s.column, merged.type(), s.renamedFrom, merged.padding(),
                            c.padding().enabled() && !e.padding().enabled() ? s.origin : earlier.origin));
                    continue;
                }
                seen.put(key, s);
                columns.add(c);
            }
            for (EncryptedColumn c : columns) {
                if (c.padding().enabled() && c.type() != null && CiphertextSize.fixedWidth(c.type())) {
                    throw new VeilConfigException(seen.get(c.qualified()).origin + ": pad on " + c.qualified()
                            + " hides nothing: every " + c.type().configName() + " value has the same length, so its "
                            + "ciphertexts already do. Remove pad (it is for strings, bytes, decimals and columns "
                            + "without a type)");
                }
            }
            return new VeilConfig(this, columns, indexes(columns), legacyColumns(columns));
        }

        /** The {@code table.column} of every column named for legacy plaintext; unknown names fail. */
        private java.util.Set<String> legacyColumns(List<EncryptedColumn> columns) {
            java.util.Set<String> out = new java.util.LinkedHashSet<>();
            List<String> unknown = new ArrayList<>();
            String origin = null;
            for (LegacySpec s : legacySpecs) {
                List<EncryptedColumn> found = s.resolve(columns);
                if (found.isEmpty()) {
                    unknown.add(s.written());
                    origin = origin == null ? s.origin() : origin;
                }
                found.forEach(c -> out.add(c.qualified()));
            }
            if (!unknown.isEmpty()) {
                List<String> known = columns.stream().map(EncryptedColumn::qualified).toList();
                throw new VeilConfigException(origin + ": legacy plaintext is asked for " + String.join(", ", unknown)
                        + ", which " + (unknown.size() == 1 ? "is not an encrypted column"
                                : "are not encrypted columns")
                        + " of this configuration. Name configured columns as table.column or schema.table.column"
                        + (known.isEmpty() ? "" : " (configured: " + String.join(", ", known) + ")"));
            }
            return out;
        }

        private List<ConfiguredIndex> indexes(List<EncryptedColumn> columns) {
            List<ConfiguredIndex> out = new ArrayList<>();
            Map<String, ConfiguredIndex> byName = new LinkedHashMap<>();
            for (BlindIndexSpec s : indexSpecs) {
                String origin = s.origin() == null ? source : s.origin();
                ConfiguredIndex index = index(s, origin, columns);
                String key = index.qualified();
                ConfiguredIndex earlier = byName.get(key);
                if (earlier != null) {
                    if (!earlier.definition().equals(index.definition())) {
                        throw new VeilConfigException("conflicting configuration for blind index " + key + ": "
                                + earlier.origin() + " says " + earlier.definition() + ", " + origin + " says "
                                + index.definition() + ". Make both declarations agree or remove one");
                    }
                    continue;
                }
                for (EncryptedColumn c : columns) {
                    if (c.table().equals(index.table()) && c.name().equals(index.name())) {
                        throw new VeilConfigException(origin + ": blind index " + key + " has the name of encrypted "
                                + "column " + c.qualified() + "; the companion column needs a name of its own");
                    }
                }
                for (ConfiguredIndex other : out) {
                    if (other.table().equals(index.table()) && other.columns().contains(index.name())) {
                        throw new VeilConfigException(origin + ": blind index " + key + " is named like a source "
                                + "column of " + other.qualified() + "; choose another name");
                    }
                }
                byName.put(key, index);
                out.add(index);
            }
            try {
                dev.veil.blindindex.BlindIndexDefinition.checkJoinDomains(
                        out.stream().map(ConfiguredIndex::definition).toList());
            } catch (IllegalArgumentException e) {
                throw new VeilConfigException(source + ": " + e.getMessage());
            }
            Map<String, EncryptedColumn> domainTypes = new LinkedHashMap<>();
            for (ConfiguredIndex i : out) {
                if (i.definition().domain().isEmpty()) {
                    continue;
                }
                for (int p = 0; p < i.columns().size(); p++) {
                    EncryptedColumn c = encrypted(columns, i.table(), i.columns().get(p));
                    String key = i.definition().domain().get() + "#" + p;
                    EncryptedColumn first = domainTypes.putIfAbsent(key, c);
                    if (first != null && c != null && first.type() != null && c.type() != null
                            && first.type() != c.type()) {
                        throw new VeilConfigException(i.origin() + ": join domain " + i.definition().domain().get()
                                + " compares " + first.qualified() + " (" + first.type().configName() + ") with "
                                + c.qualified() + " (" + c.type().configName() + "); the columns of a domain need "
                                + "the same type");
                    }
                }
            }
            return out;
        }

        private static EncryptedColumn encrypted(List<EncryptedColumn> columns, TableName table, String column) {
            for (EncryptedColumn c : columns) {
                if (c.table().equals(table) && c.name().equals(column)) {
                    return c;
                }
            }
            return null;
        }

        private static ConfiguredIndex index(BlindIndexSpec s, String origin, List<EncryptedColumn> columns) {
            if (s.table() == null || s.table().isBlank()) {
                throw new VeilConfigException(origin + ": a blind index has no table name");
            }
            TableName t;
            try {
                t = TableName.parse(s.table());
            } catch (RuntimeException e) {
                throw new VeilConfigException(origin + ": '" + s.table() + "' is not a valid table name");
            }
            if (s.columns().isEmpty()) {
                throw new VeilConfigException(origin + ": blind index on table " + t + " lists no columns; name the "
                        + "source column(s), e.g. columns: [last_name, birth_date]");
            }
            dev.veil.blindindex.BlindIndexDefinition.Builder b = dev.veil.blindindex.BlindIndexDefinition.builder()
                    .table(t.qualified());
            List<String> canonical = new ArrayList<>();
            for (String c : s.columns()) {
                String[] parts = c == null ? new String[0] : Identifiers.split(c);
                if (parts.length != 1 || parts[0].isEmpty()) {
                    throw new VeilConfigException(origin + ": '" + c + "' in a blind index of table " + t
                            + " is not a valid column name");
                }
                canonical.add(parts[0]);
                b.column(parts[0]);
            }
            if (s.name() != null && !s.name().isBlank()) {
                String[] parts = Identifiers.split(s.name());
                b.name(parts.length == 1 ? parts[0] : s.name());
            }
            b.bits(s.bits()).normalize(s.normalize().toArray(new String[0])).domain(s.domain());
            if (s.argon2idCost() != null) {
                if (s.argon2idCost().length != 3) {
                    throw new VeilConfigException(origin + ": argon2id cost needs memory-kib, iterations and "
                            + "parallelism");
                }
                if (s.slow() != null && !s.slow().isBlank() && !s.slow().trim().equalsIgnoreCase("argon2id")) {
                    throw new VeilConfigException(origin + ": an argon2id cost is given but slow is '" + s.slow()
                            + "'; write slow: argon2id or drop the cost");
                }
                b.argon2id(s.argon2idCost()[0], s.argon2idCost()[1], s.argon2idCost()[2]);
            } else {
                b.slow(s.slow());
            }
            dev.veil.blindindex.BlindIndexDefinition d;
            try {
                d = b.build();
            } catch (IllegalArgumentException e) {
                throw new VeilConfigException(origin + ": " + e.getMessage());
            }
            int encryptedParts = 0;
            for (String c : canonical) {
                if (encrypted(columns, t, c) != null) {
                    encryptedParts++;
                }
            }
            if (canonical.size() == 1 && encryptedParts == 0) {
                throw new VeilConfigException(origin + ": blind index " + t + "." + d.name() + " is on column "
                        + canonical.get(0) + ", which is not an encrypted column of " + t + ". Declare the column as "
                        + "encrypted, or index it in the database as usual");
            }
            if (encryptedParts == 0) {
                throw new VeilConfigException(origin + ": compound blind index " + t + "." + d.name() + " covers "
                        + canonical + ", none of which is an encrypted column of " + t + "; at least one must be");
            }
            return new ConfiguredIndex(t, d, origin);
        }

        private static String describe(EncryptedColumn c) {
            return "{type: " + (c.type() == null ? "any" : c.type().configName()) + ", bound to " + c.boundName()
                    + (c.padding().enabled() ? ", pad: " + c.padding().describe() : "") + "}";
        }

        private void requirePositive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new VeilConfigException(source + ": " + name + " must be a positive duration (e.g. PT5M), was " + d);
            }
        }
    }

    /** A column named for legacy plaintext: by table and column (YAML), or by one dotted name (property). */
    private record LegacySpec(String table, String column, String name, String origin) {
        String written() {
            return name != null ? "'" + name + "'" : table + "." + column;
        }

        /** Every configured column it names (an unqualified table names it in every schema); empty when none. */
        List<EncryptedColumn> resolve(List<EncryptedColumn> columns) {
            String schema = null;
            String t;
            String c;
            try {
                if (name != null) {
                    String[] parts = Identifiers.split(name.trim());
                    if (parts.length < 2 || parts.length > 3) {
                        return List.of();
                    }
                    schema = parts.length == 3 ? parts[0] : null;
                    t = parts[parts.length - 2];
                    c = parts[parts.length - 1];
                } else {
                    TableName tn = TableName.parse(table);
                    schema = tn.schema();
                    t = tn.name();
                    String[] parts = Identifiers.split(column);
                    if (parts.length != 1) {
                        return List.of();
                    }
                    c = parts[0];
                }
            } catch (RuntimeException e) {
                return List.of();
            }
            List<EncryptedColumn> out = new ArrayList<>();
            for (EncryptedColumn ec : columns) {
                if (ec.table().name().equals(t) && ec.name().equals(c)
                        && (schema == null || schema.equals(ec.table().schema()))) {
                    out.add(ec);
                }
            }
            return out;
        }
    }

    private record ColumnSpec(String table, String column, ValueType type, String renamedFrom, Padding padding,
            String origin) {
        EncryptedColumn toColumn() {
            if (table == null || table.isBlank()) {
                throw new VeilConfigException(origin + ": encrypted column '" + column + "' has no table name");
            }
            if (column == null || column.isBlank()) {
                throw new VeilConfigException(origin + ": table '" + table + "' has an encrypted column with no name");
            }
            TableName t;
            try {
                t = TableName.parse(table);
            } catch (RuntimeException e) {
                throw new VeilConfigException(origin + ": '" + table + "' is not a valid table name");
            }
            String[] colParts = Identifiers.split(column);
            if (colParts.length != 1 || colParts[0].isEmpty()) {
                throw new VeilConfigException(origin + ": '" + column + "' in table " + t
                        + " is not a valid column name (write just the column, quoted if it has dots)");
            }
            String col = colParts[0];
            String boundName = t.qualified() + "." + col;
            if (renamedFrom != null && !renamedFrom.isBlank()) {
                String[] parts = Identifiers.split(renamedFrom);
                if (parts.length < 2) {
                    throw new VeilConfigException(origin + ": renamed-from of " + t + "." + col + " is '" + renamedFrom
                            + "'; write the former table.column, e.g. renamed-from: people.social_security_number");
                }
                boundName = String.join(".", parts);
            }
            return new EncryptedColumn(t, col, type, boundName, padding);
        }
    }
}
