package dev.veil.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Veil's Spring properties ({@code veil.*}). They build one {@code VeilConfig} together with the YAML file named by
 * {@link #getConfig() veil.config} and the {@code @Encrypted} fields of the entity packages; a setting given here
 * overrides the same setting in the YAML file. Unset settings keep Veil's defaults (docs/configuration.md).
 */
@ConfigurationProperties("veil")
public class VeilProperties {

    /** Whether the starter configures Veil at all; false leaves data sources and Hibernate untouched. */
    private boolean enabled = true;

    /** Location of the YAML configuration: a path, file: URI or classpath:veil.yml; combined with the annotations. */
    private String config;

    /** Master key URI: aws-kms://ARN (production) or local-keyset:PATH (development only); overrides the YAML. */
    private String masterKey;

    /** Options for the AWS KMS master key. */
    private final Kms kms = new Kms();

    /** Table holding the wrapped data keys, optionally schema-qualified; Veil's default is veil_data_keys. */
    private String keyTable;

    /** Data-key cache settings. */
    private final KeyCache keyCache = new KeyCache();

    /** Insecure, for migrations only: read values that are not Veil ciphertext as plaintext instead of failing. */
    private Boolean allowLegacyPlaintext;

    /**
     * Insecure, for one column's migration window: encrypted columns (table.column or schema.table.column) whose
     * plaintext values are read, and whose blind-index searches also compare the stored plaintext, sending the
     * searched value in the clear. Other columns stay strict.
     */
    private List<String> legacyPlaintextColumns = new ArrayList<>();

    /** How many distinct SQL texts keep their analysis cached (16 to 10000000); Veil's default is 10000. */
    private Long statementCacheSize;

    /** Start-up checks of the database schema. */
    private final Schema schema = new Schema();

    /** Whether to wrap the application's DataSource beans whose URL is a plain jdbc: URL (never wraps twice). */
    private boolean wrapDataSource;

    /**
     * Packages (and sub-packages) scanned for {@code @Encrypted} fields; default: the packages Spring Boot scans
     * for entities ({@code @EntityScan}, else the {@code @SpringBootApplication} package).
     */
    private List<String> entityPackages = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    public String getMasterKey() {
        return masterKey;
    }

    public void setMasterKey(String masterKey) {
        this.masterKey = masterKey;
    }

    public Kms getKms() {
        return kms;
    }

    public String getKeyTable() {
        return keyTable;
    }

    public void setKeyTable(String keyTable) {
        this.keyTable = keyTable;
    }

    public KeyCache getKeyCache() {
        return keyCache;
    }

    public Boolean getAllowLegacyPlaintext() {
        return allowLegacyPlaintext;
    }

    public void setAllowLegacyPlaintext(Boolean allowLegacyPlaintext) {
        this.allowLegacyPlaintext = allowLegacyPlaintext;
    }

    public List<String> getLegacyPlaintextColumns() {
        return legacyPlaintextColumns;
    }

    public void setLegacyPlaintextColumns(List<String> legacyPlaintextColumns) {
        this.legacyPlaintextColumns = legacyPlaintextColumns;
    }

    public Long getStatementCacheSize() {
        return statementCacheSize;
    }

    public void setStatementCacheSize(Long statementCacheSize) {
        this.statementCacheSize = statementCacheSize;
    }

    public Schema getSchema() {
        return schema;
    }

    public boolean isWrapDataSource() {
        return wrapDataSource;
    }

    public void setWrapDataSource(boolean wrapDataSource) {
        this.wrapDataSource = wrapDataSource;
    }

    public List<String> getEntityPackages() {
        return entityPackages;
    }

    public void setEntityPackages(List<String> entityPackages) {
        this.entityPackages = entityPackages;
    }

    /** AWS KMS options ({@code master-key-options} in the YAML). */
    public static class Kms {

        /** AWS region of the KMS key; default: the region in the key's ARN. */
        private String region;

        /** KMS endpoint override, e.g. http://127.0.0.1:4566 for LocalStack or a VPC endpoint. */
        private String endpoint;

        /** AWS credentials profile; default: the SDK's default credential chain. */
        private String profile;

        /** Longest time one KMS call may take, retries included; the provider's default is 5 seconds. */
        private Duration apiCallTimeout;

        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        public String getProfile() {
            return profile;
        }

        public void setProfile(String profile) {
            this.profile = profile;
        }

        public Duration getApiCallTimeout() {
            return apiCallTimeout;
        }

        public void setApiCallTimeout(Duration apiCallTimeout) {
            this.apiCallTimeout = apiCallTimeout;
        }
    }

    /** Data-key cache ({@code key-cache} in the YAML). */
    public static class KeyCache {

        /** How long an unwrapped data key is used before it is refreshed from the KMS; Veil's default is 5 minutes. */
        private Duration ttl;

        /** How long past its time-to-live a cached key may be served while the KMS fails; default 1 hour. */
        private Duration maxStaleness;

        /** Whether every configured column's data key is loaded at start-up instead of on first use. */
        private Boolean eager;

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Duration getMaxStaleness() {
            return maxStaleness;
        }

        public void setMaxStaleness(Duration maxStaleness) {
            this.maxStaleness = maxStaleness;
        }

        public Boolean getEager() {
            return eager;
        }

        public void setEager(Boolean eager) {
            this.eager = eager;
        }
    }

    /** Start-up schema validation. */
    public static class Schema {

        /** Whether start-up checks that every encrypted column exists with a type that can hold ciphertext. */
        private boolean validate = true;

        public boolean isValidate() {
            return validate;
        }

        public void setValidate(boolean validate) {
            this.validate = validate;
        }

        /**
         * What start-up does when sampled values of an encrypted column are not Veil ciphertext (rows written
         * without Veil): fail (default), warn, or off. While allow-legacy-plaintext is on it only warns.
         */
        private PlaintextCheck plaintextCheck = PlaintextCheck.FAIL;

        /** How many non-null values of each encrypted column the plaintext check reads (1 or more). */
        private int plaintextSampleSize = 1000;

        public PlaintextCheck getPlaintextCheck() {
            return plaintextCheck;
        }

        public void setPlaintextCheck(PlaintextCheck plaintextCheck) {
            this.plaintextCheck = plaintextCheck;
        }

        public int getPlaintextSampleSize() {
            return plaintextSampleSize;
        }

        public void setPlaintextSampleSize(int plaintextSampleSize) {
            if (plaintextSampleSize < 1) {
                throw new IllegalArgumentException("veil.schema.plaintext-sample-size must be 1 or more, not "
                        + plaintextSampleSize);
            }
            this.plaintextSampleSize = plaintextSampleSize;
        }
    }

    /** {@code veil.schema.plaintext-check}. */
    public enum PlaintextCheck {
        /** Start-up fails, naming each column, the count and how to migrate. */
        FAIL,
        /** Start-up logs the same as a WARNING and continues (reads of those rows fail with VE004). */
        WARN,
        /** No sampling. */
        OFF
    }

    /**
     * Insecure, for test profiles without PostgreSQL only: let JPA start on a DataSource that is not a Veil one
     * although @Encrypted fields exist, storing those fields in plaintext (logged as a WARNING at start-up).
     */
    private boolean allowPlaintextDataSource;

    public boolean isAllowPlaintextDataSource() {
        return allowPlaintextDataSource;
    }

    public void setAllowPlaintextDataSource(boolean allowPlaintextDataSource) {
        this.allowPlaintextDataSource = allowPlaintextDataSource;
    }
}
