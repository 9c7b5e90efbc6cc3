package dev.veil.driver;

import dev.veil.driver.config.VeilConfig;
import java.sql.DriverPropertyInfo;
import java.util.Locale;
import java.util.Properties;

/**
 * Every JDBC property Veil reads, declared once: this list feeds {@link VeilDriver#getPropertyInfo} and the
 * README's table (a test keeps them in step). All are prefixed {@code veil.} and removed before the delegate driver
 * sees the URL or the properties. They may be given in the URL query string or in {@link Properties}; the latter win.
 */
public enum VeilProperty {
    CONFIG("veil.config", null,
            "Path or classpath: location of the YAML configuration (master key, encrypted tables and columns)."),
    ENTITY_PACKAGES("veil.entity-packages", null,
            "Comma-separated packages scanned for @Encrypted fields; combined with veil.config."),
    MASTER_KEY("veil.master-key", null,
            "Master key URI: local-keyset:PATH (development) or aws-kms://ARN. Overrides master-key from the YAML."),
    KEY_TABLE("veil.key-table", VeilConfig.DEFAULT_KEY_TABLE,
            "Table holding the wrapped data keys; created when missing. May be schema-qualified."),
    ALLOW_LEGACY_PLAINTEXT("veil.allow-legacy-plaintext", "false",
            "Insecure, for migrations only: read values that are not Veil ciphertext as plaintext instead of failing."),
    LEGACY_PLAINTEXT_COLUMNS("veil.legacy-plaintext-columns", null,
            "Insecure, for one column's migration window: comma-separated table.column or schema.table.column whose "
                    + "plaintext values are read, and whose blind-index searches also compare (and send) the searched "
                    + "value in the clear."),
    KEY_CACHE_TTL("veil.key-cache-ttl", "PT5M",
            "How long an unwrapped data key is cached before it is refreshed from the KMS (ISO-8601 duration)."),
    KEY_MAX_STALENESS("veil.key-max-staleness", "PT1H",
            "How long past its time-to-live a cached data key may still be served while the KMS fails."),
    STATEMENT_CACHE_SIZE("veil.statement-cache-size", "10000",
            "How many distinct SQL texts keep their analysis cached.");

    /** Prefix shared by every Veil property. */
    public static final String PREFIX = "veil.";

    private final String key;
    private final String defaultValue;
    private final String description;

    VeilProperty(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The value in {@code props}, or the default. */
    public String get(Properties props) {
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    /**
     * Whether a property name looks meant for Veil: {@code veil.}, {@code veil_} or {@code veil-} in any case. Such a
     * name is never passed to the delegate driver; unless it is exactly one of Veil's, it is an error.
     */
    static boolean looksLikeVeil(String key) {
        return key.length() > PREFIX.length() && key.regionMatches(true, 0, "veil", 0, 4)
                && (key.charAt(4) == '.' || key.charAt(4) == '_' || key.charAt(4) == '-');
    }

    /** The property a Veil-looking name was probably meant to be (case, '_' or '.' for '-'), or null. */
    static VeilProperty meant(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
        for (VeilProperty p : values()) {
            if (p.key.replace('.', '-').equals(k)) {
                return p;
            }
        }
        return null;
    }

    public static VeilProperty forKey(String key) {
        for (VeilProperty p : values()) {
            if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        return null;
    }

    DriverPropertyInfo info(Properties props) {
        DriverPropertyInfo info = new DriverPropertyInfo(key, props.getProperty(key, defaultValue));
        info.description = description;
        info.required = false;
        if (this == ALLOW_LEGACY_PLAINTEXT) {
            info.choices = new String[] {"true", "false"};
        }
        return info;
    }
}
