package dev.veil.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The starter's own Spring properties ({@code veil.*}): whether it runs, what it wraps, its start-up checks. Veil's
 * settings themselves ({@code veil.config}, {@code veil.master-key}, {@code veil.key-cache.ttl}, …) are not fields
 * here: they are the driver's settings catalogue ({@code dev.veil.driver.config.VeilProperty}), read by the same names
 * and the same grammar as the JDBC properties, and described to IDEs by
 * {@code META-INF/additional-spring-configuration-metadata.json}, which a test keeps identical to the catalogue.
 */
@ConfigurationProperties("veil")
public class VeilProperties {

    /** Whether the starter configures Veil at all; false leaves data sources and Hibernate untouched. */
    private boolean enabled = true;

    /** Start-up checks of the database schema. */
    private final Schema schema = new Schema();

    /** Whether to wrap the application's DataSource beans whose URL is a plain jdbc: URL (never wraps twice). */
    private boolean wrapDataSource;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
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
