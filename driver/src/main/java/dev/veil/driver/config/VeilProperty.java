package dev.veil.driver.config;

import java.sql.DriverPropertyInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The settings catalogue: every Veil setting declared once, with its name, type, default and description. The same
 * name is used everywhere: {@link #path()} in the YAML file ({@code key-cache.ttl}), {@link #key()} as JDBC property
 * and as Spring property ({@code veil.key-cache.ttl}). This list parses the YAML file's settings, the JDBC
 * properties (URL query string or {@link Properties}; the latter win) and the starter's {@code veil.*}; it answers
 * {@link VeilDriver#getPropertyInfo}, and generates the Spring configuration metadata and the docs' tables (tests
 * keep them identical). JDBC properties are removed before the delegate driver sees the URL or the properties.
 *
 * <p>Names used before the catalogue ({@link #formerNames()}) still work and log a deprecation warning once per name
 * (the name only, never the value).
 */
public enum VeilProperty {
    CONFIG("config", Kind.TEXT, null, Yaml.NONE,
            "Path or classpath: location of the YAML configuration (master key, encrypted tables and columns).",
            (b, v) -> { }),
    ENTITY_PACKAGES("entity-packages", Kind.LIST, null, Yaml.NONE,
            "Comma-separated packages scanned for @Encrypted fields; combined with veil.config.", (b, v) -> { }),
    MASTER_KEY("master-key", Kind.TEXT, null, Yaml.KEY,
            "Master key URI: local-keyset:PATH (development) or aws-kms://ARN. Overrides master-key from the YAML.",
            (b, v) -> b.masterKey((String) v)),
    PREVIOUS_MASTER_KEYS("previous-master-keys", Kind.LIST, null, Yaml.KEY,
            "Comma-separated master key URIs that may still unwrap stored data keys but never wrap new ones "
                    + "(master key rotation).",
            (b, v) -> list(v).forEach(b::previousMasterKey)),
    KMS_REGION("master-key-options.region", Kind.TEXT, null, Yaml.KEY,
            "AWS region of the KMS key; default: the region in the key's ARN.", option("region"), "veil.kms.region"),
    KMS_ENDPOINT("master-key-options.endpoint", Kind.TEXT, null, Yaml.KEY,
            "KMS endpoint override, e.g. http://127.0.0.1:4566 for LocalStack or a VPC endpoint.",
            option("endpoint"), "veil.kms.endpoint"),
    KMS_PROFILE("master-key-options.profile", Kind.TEXT, null, Yaml.KEY,
            "AWS credentials profile; default: the SDK's default credential chain.", option("profile"),
            "veil.kms.profile"),
    KMS_API_CALL_TIMEOUT("master-key-options.api-call-timeout", Kind.DURATION, "5s", Yaml.KEY,
            "Longest time one KMS call may take, retries included.", option("api-call-timeout"),
            "veil.kms.api-call-timeout"),
    KMS_API_CALL_ATTEMPT_TIMEOUT("master-key-options.api-call-attempt-timeout", Kind.DURATION, "2s", Yaml.KEY,
            "Longest time one attempt of a KMS call may take.", option("api-call-attempt-timeout")),
    KMS_CONNECT_TIMEOUT("master-key-options.connect-timeout", Kind.DURATION, "2s", Yaml.KEY,
            "Longest time connecting to the KMS may take.", option("connect-timeout")),
    KMS_MAX_ATTEMPTS("master-key-options.max-attempts", Kind.COUNT, "3", Yaml.KEY,
            "Attempts of a KMS call on throttling and 5xx answers (bounded backoff).", option("max-attempts")),
    KEY_TABLE("key-table", Kind.TEXT, VeilConfig.DEFAULT_KEY_TABLE, Yaml.KEY,
            "Table holding the wrapped data keys; created when missing. May be schema-qualified.",
            (b, v) -> b.keyTable((String) v)),
    ENCRYPTION("encryption", Kind.CHOICE, "aes-256-gcm", Yaml.KEY,
            "The AEAD of new data keys and key versions: aes-256-gcm or xaes-256-gcm; existing keys keep theirs.",
            (b, v) -> b.encryption((String) v)),
    ALLOW_LEGACY_PLAINTEXT("allow-legacy-plaintext", Kind.BOOLEAN, "false", Yaml.KEY,
            "Insecure, for migrations only: read values that are not Veil ciphertext as plaintext instead of failing.",
            (b, v) -> b.allowLegacyPlaintext((Boolean) v)),
    KEY_CACHE_TTL("key-cache.ttl", Kind.DURATION, "5m", Yaml.KEY,
            "How long an unwrapped data key is cached before it is refreshed from the KMS.",
            (b, v) -> b.keyCacheTtl((Duration) v), "veil.key-cache-ttl"),
    KEY_CACHE_EAGER("key-cache.eager", Kind.BOOLEAN, "false", Yaml.KEY,
            "Whether every configured column's data key is loaded when the runtime starts instead of on first use.",
            (b, v) -> b.eagerKeyLoading((Boolean) v)),
    KEY_CACHE_REFRESH_AHEAD("key-cache.refresh-ahead", Kind.DURATION, null, Yaml.KEY,
            "How long before its time-to-live a data key in use is refreshed in the background; default a fifth of "
                    + "the TTL, at most 1m.",
            (b, v) -> b.keyRefreshAhead((Duration) v)),
    KEY_MAX_STALENESS("key-cache.max-staleness", Kind.DURATION, "1h", Yaml.KEY,
            "How long past its time-to-live a cached data key may still be served while the KMS fails.",
            (b, v) -> b.keyMaxStaleness((Duration) v), "veil.key-max-staleness"),
    STATEMENT_CACHE_SIZE("statement-cache-size", Kind.COUNT, "10000", Yaml.KEY,
            "How many distinct SQL texts keep their analysis cached (16 to 10000000).",
            (b, v) -> b.statementCacheSize((Long) v)),
    LEGACY_PLAINTEXT_COLUMNS("legacy-plaintext-columns", Kind.LIST, null, Yaml.PER_COLUMN,
            "Insecure, for one column's migration window: comma-separated table.column or schema.table.column whose "
                    + "plaintext values are read, and whose blind-index searches also compare (and send) the searched "
                    + "value in the clear.",
            (b, v) -> b.legacyPlaintextColumns(list(v), "veil.legacy-plaintext-columns"));

    /** Prefix shared by every Veil property. */
    public static final String PREFIX = "veil.";

    private static final System.Logger LOG = System.getLogger(VeilProperty.class.getName());
    /** Former names already warned about: each deprecation is logged once per JVM. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** What a setting's value is, as all three sources read it. */
    public enum Kind {
        /** Text, trimmed. */
        TEXT("text"),
        /** {@code true} or {@code false}. */
        BOOLEAN("true or false"),
        /** A whole number. */
        COUNT("a whole number"),
        /** A duration in {@link Durations}' grammar. */
        DURATION("a duration"),
        /** Comma-separated text values (a YAML or Spring list). */
        LIST("a list"),
        /** One of a few names. */
        CHOICE("a name");

        private final String describe;

        Kind(String describe) {
            this.describe = describe;
        }

        /** How the docs name it. */
        public String describe() {
            return describe;
        }
    }

    /** Where a setting is in the YAML file. */
    public enum Yaml {
        /** At {@link #path()}. */
        KEY,
        /** As {@code legacy-plaintext: true} on each column under {@code tables}. */
        PER_COLUMN,
        /** Not in the YAML: it names the configuration sources. */
        NONE
    }

    private final String path;
    private final Kind kind;
    private final String defaultValue;
    private final Yaml yaml;
    private final String description;
    private final BiConsumer<VeilConfig.Builder, Object> apply;
    private final List<String> formerNames;

    VeilProperty(String path, Kind kind, String defaultValue, Yaml yaml, String description,
            BiConsumer<VeilConfig.Builder, Object> apply, String... formerNames) {
        this.path = path;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.yaml = yaml;
        this.description = description;
        this.apply = apply;
        this.formerNames = List.of(formerNames);
    }

    private static BiConsumer<VeilConfig.Builder, Object> option(String name) {
        return (b, v) -> b.masterKeyOption(name, v instanceof Duration d ? d.toString() : String.valueOf(v));
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object v) {
        return (List<String>) v;
    }

    /** The YAML path: {@code key-cache.ttl}. */
    public String path() {
        return path;
    }

    /** The JDBC property, also the Spring property: {@code veil.} and {@link #path()}. */
    public String key() {
        return PREFIX + path;
    }

    public Kind kind() {
        return kind;
    }

    /** The default as text in this catalogue's grammar ({@code 5m}); null when there is none or it is derived. */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default as {@link #parse} reads it; null when there is none. */
    public Object typedDefault() {
        return defaultValue == null ? null : parse(defaultValue, key());
    }

    public String description() {
        return description;
    }

    public Yaml yaml() {
        return yaml;
    }

    /** The names this setting had before the catalogue; accepted with a deprecation warning. */
    public List<String> formerNames() {
        return formerNames;
    }

    /** The choices of a {@link Kind#CHOICE} or {@link Kind#BOOLEAN} setting; empty for others. */
    public List<String> choices() {
        if (kind == Kind.BOOLEAN) {
            return List.of("true", "false");
        }
        if (kind == Kind.CHOICE) {
            List<String> out = new ArrayList<>();
            for (VeilConfig.Encryption e : VeilConfig.Encryption.values()) {
                out.add(e.configName());
            }
            return out;
        }
        return List.of();
    }

    /**
     * Reads a value written as text (JDBC, Spring): {@link String}, {@link Boolean}, {@link Long}, {@link Duration}
     * or {@code List<String>} by {@link #kind()}.
     *
     * @param name the name it was given under, for the message
     * @throws VeilConfigException naming {@code name}, what is expected and the value (settings hold no secrets)
     */
    public Object parse(String text, String name) {
        String v = text == null ? "" : text.trim();
        switch (kind) {
            case BOOLEAN:
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw new VeilConfigException(name + " must be true or false, was '" + v + "'");
                }
                return Boolean.parseBoolean(v);
            case COUNT:
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new VeilConfigException(name + " must be a whole number, was '" + v + "'");
                }
            case DURATION:
                try {
                    return Durations.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new VeilConfigException(name + ": " + e.getMessage());
                }
            case LIST:
                List<String> out = new ArrayList<>();
                for (String item : v.split(",")) {
                    if (!item.isBlank()) {
                        out.add(item.trim());
                    }
                }
                return out;
            default:
                return v;
        }
    }

    /** Hands a value of {@link #kind()}'s Java type to the builder; {@link VeilConfig.Builder#build()} validates. */
    public void apply(VeilConfig.Builder builder, Object value) {
        apply.accept(builder, value);
    }

    /** The value in {@code props} (under this name or a former one), or the default; blank counts as unset. */
    public String get(Properties props) {
        String v = props.getProperty(key());
        for (int i = 0; (v == null || v.isBlank()) && i < formerNames.size(); i++) {
            v = props.getProperty(formerNames.get(i));
        }
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    /**
     * Applies every setting present in {@code veil} ({@code veil.*} names, current or former) to the builder, in
     * catalogue order. Former names log their deprecation once; a setting given under both names is refused.
     */
    public static void applyAll(java.util.Map<String, String> veil, VeilConfig.Builder builder) {
        for (VeilProperty p : values()) {
            if (p.yaml == Yaml.NONE) {
                continue; // the sources, read by VeilConfigSources
            }
            String name = null;
            String value = null;
            for (String candidate : p.names()) {
                String v = veil.get(candidate);
                if (v == null || v.isBlank()) {
                    continue;
                }
                if (name != null) {
                    throw new VeilConfigException(name + " and " + candidate + " are the same setting; set only "
                            + p.key() + " (" + String.join(", ", p.formerNames) + " is its former name)");
                }
                name = candidate;
                value = v;
            }
            if (name == null) {
                continue;
            }
            if (!name.equals(p.key())) {
                warnDeprecated(name, p);
            }
            p.apply(builder, p.parse(value, name));
        }
    }

    /**
     * Checks master-key options against the catalogue, whichever source set them (YAML, properties, a
     * {@code masterKeyOption(…)} call): each name must be a {@code master-key-options.*} setting and its value of
     * that setting's kind. Durations are handed on in ISO-8601 form, the provider SPI's.
     */
    static java.util.Map<String, String> masterKeyOptions(java.util.Map<String, String> given, String source) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        List<String> known = new ArrayList<>();
        for (VeilProperty p : values()) {
            if (p.path.startsWith("master-key-options.")) {
                known.add(p.path.substring("master-key-options.".length()));
            }
        }
        for (java.util.Map.Entry<String, String> e : given.entrySet()) {
            VeilProperty p = forKey(PREFIX + "master-key-options." + e.getKey());
            if (p == null) {
                throw new VeilConfigException(source + ": unknown master-key option '" + e.getKey() + "'; the options "
                        + "are " + String.join(", ", known));
            }
            Object v = p.parse(e.getValue(), p.path);
            out.put(e.getKey(), v instanceof Duration d ? d.toString() : String.valueOf(v));
        }
        return out;
    }

    /** {@link #key()} first, then the former names. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        out.add(key());
        out.addAll(formerNames);
        return out;
    }

    /** Logs that {@code name} is a former name of {@code p}, once per name; the value is never logged. */
    static boolean warnDeprecated(String name, VeilProperty p) {
        if (!WARNED.add(name)) {
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "Veil setting " + name + " is deprecated; use " + p.key()
                + " (docs/configuration.md, Settings). The former name still works for now");
        return true;
    }

    /**
     * Whether a property name looks meant for Veil: {@code veil.}, {@code veil_} or {@code veil-} in any case. Such a
     * name is never passed to the delegate driver; unless it is exactly one of Veil's, it is an error.
     */
    public static boolean looksLikeVeil(String key) {
        return key.length() > PREFIX.length() && key.regionMatches(true, 0, "veil", 0, 4)
                && (key.charAt(4) == '.' || key.charAt(4) == '_' || key.charAt(4) == '-');
    }

    /**
     * The property a Veil-looking name was probably meant to be (case, '_' or '.' for '-'), or null; the property
     * itself for an exact current or former name.
     */
    public static VeilProperty meant(String key) {
        VeilProperty exact = forKey(key);
        if (exact != null) {
            return exact;
        }
        String k = loose(key);
        for (VeilProperty p : values()) {
            for (String n : p.names()) {
                if (loose(n).equals(k)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String loose(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }

    /** The property of an exact current or former name, or null. */
    public static VeilProperty forKey(String key) {
        for (VeilProperty p : values()) {
            if (p.names().contains(key)) {
                return p;
            }
        }
        return null;
    }

    public DriverPropertyInfo info(Properties props) {
        String v = props.getProperty(key());
        DriverPropertyInfo info = new DriverPropertyInfo(key(), v != null ? v : defaultValue);
        info.description = description;
        info.required = false;
        List<String> choices = choices();
        if (!choices.isEmpty()) {
            info.choices = choices.toArray(new String[0]);
        }
        return info;
    }
}
