package dev.veil.driver;

import dev.veil.driver.config.AnnotationConfigLoader;
import dev.veil.driver.config.YamlConfigLoader;
import dev.veil.driver.jdbc.VeilConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@code jdbc:veil:} driver. It accepts {@code jdbc:veil:<rest>}, removes Veil's own {@code veil.*} properties
 * (from the URL's query string and from {@link Properties}), and delegates to whichever registered driver accepts
 * {@code jdbc:<rest>}, wrapping what it returns so configured columns are encrypted and decrypted.
 *
 * <p>One {@link VeilRuntime} (configuration, key ring, statement plans) is kept per delegate URL and Veil settings,
 * and shared by all connections opened with them.
 */
public final class VeilDriver implements Driver {

    /** The URL prefix Veil accepts. */
    public static final String PREFIX = "jdbc:veil:";

    private static final System.Logger LOG = System.getLogger(VeilDriver.class.getName());
    private static final VeilDriver INSTANCE = new VeilDriver();

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<String, VeilRuntime> runtimes = new ConcurrentHashMap<>();

    /** The registered instance. */
    public static VeilDriver instance() {
        return INSTANCE;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /**
     * The runtime that connections to this URL and properties use, created (configuration read, master key opened)
     * if needed; frameworks use it to attach listeners before the first connection.
     */
    public VeilRuntime runtime(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("not a Veil URL; it must start with " + PREFIX);
        }
        Target target = split(url, info == null ? new Properties() : info);
        return runtime(target, delegateFor(target.delegateUrl));
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Target target = split(url, info == null ? new Properties() : info);
        Driver delegate = delegateFor(target.delegateUrl);
        VeilRuntime runtime = runtime(target, delegate);
        Connection raw = delegate.connect(target.delegateUrl, target.delegateProperties);
        if (raw == null) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("the driver for " + scheme(target.delegateUrl)
                    + " did not accept the URL Veil delegated to it");
        }
        return new VeilConnection(raw, runtime);
    }

    private VeilRuntime runtime(Target target, Driver delegate) throws SQLException {
        String key = target.runtimeKey();
        VeilRuntime runtime = runtimes.get(key);
        if (runtime != null) {
            return runtime;
        }
        synchronized (runtimes) {
            runtime = runtimes.get(key);
            if (runtime == null) {
                WarmUp.start();
                VeilConfig config = configFrom(target.veilProperties);
                runtime = VeilRuntime.create(config,
                        () -> delegate.connect(target.delegateUrl, target.delegateProperties),
                        databaseName(target.delegateUrl));
                runtimes.put(key, runtime);
                LOG.log(System.Logger.Level.DEBUG, () -> "Veil runtime created: " + config.columns().size()
                        + " encrypted columns from " + config.source());
            }
            return runtime;
        }
    }

    /**
     * Builds the configuration from Veil's properties: the YAML of {@code veil.config}, the {@code @Encrypted}
     * classes of {@code veil.entity-packages}, then the individual properties.
     */
    public static VeilConfig configFrom(Properties veil) throws SQLException {
        try {
            VeilConfig.Builder builder = VeilConfig.builder().source("JDBC properties");
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = VeilDriver.class.getClassLoader();
            }
            String yaml = VeilProperty.CONFIG.get(veil);
            if (yaml != null) {
                YamlConfigLoader.load(yaml, loader, builder);
            }
            String packages = VeilProperty.ENTITY_PACKAGES.get(veil);
            if (packages != null) {
                List<String> names = new ArrayList<>();
                for (String p : packages.split(",")) {
                    if (!p.isBlank()) {
                        names.add(p.trim());
                    }
                }
                AnnotationConfigLoader.scan(names, loader, builder);
            }
            if (yaml == null && packages == null) {
                throw new VeilConfigException("Veil has nothing to encrypt: set veil.config (a YAML file) and/or "
                        + "veil.entity-packages (packages with @Encrypted classes) in the URL or the properties");
            }
            if (veil.getProperty(VeilProperty.MASTER_KEY.key()) != null) {
                builder.masterKey(VeilProperty.MASTER_KEY.get(veil));
            }
            if (veil.getProperty(VeilProperty.KEY_TABLE.key()) != null) {
                builder.keyTable(VeilProperty.KEY_TABLE.get(veil));
            }
            if (veil.getProperty(VeilProperty.ALLOW_LEGACY_PLAINTEXT.key()) != null) {
                builder.allowLegacyPlaintext(bool(VeilProperty.ALLOW_LEGACY_PLAINTEXT, veil));
            }
            String legacyColumns = VeilProperty.LEGACY_PLAINTEXT_COLUMNS.get(veil);
            if (legacyColumns != null) {
                List<String> names = new ArrayList<>();
                for (String n : legacyColumns.split(",")) {
                    if (!n.isBlank()) {
                        names.add(n.trim());
                    }
                }
                builder.legacyPlaintextColumns(names, VeilProperty.LEGACY_PLAINTEXT_COLUMNS.key());
            }
            if (veil.getProperty(VeilProperty.KEY_CACHE_TTL.key()) != null) {
                builder.keyCacheTtl(duration(VeilProperty.KEY_CACHE_TTL, veil));
            }
            if (veil.getProperty(VeilProperty.KEY_MAX_STALENESS.key()) != null) {
                builder.keyMaxStaleness(duration(VeilProperty.KEY_MAX_STALENESS, veil));
            }
            if (veil.getProperty(VeilProperty.STATEMENT_CACHE_SIZE.key()) != null) {
                String v = VeilProperty.STATEMENT_CACHE_SIZE.get(veil);
                try {
                    builder.statementCacheSize(Long.parseLong(v));
                } catch (NumberFormatException e) {
                    throw new VeilConfigException(VeilProperty.STATEMENT_CACHE_SIZE.key() + " must be a whole number, "
                            + "was '" + v + "'");
                }
            }
            return builder.build();
        } catch (VeilConfigException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("invalid Veil configuration: " + e.getMessage(), e);
        }
    }

    private static boolean bool(VeilProperty p, Properties veil) {
        String v = p.get(veil);
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new VeilConfigException(p.key() + " must be true or false, was '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static Duration duration(VeilProperty p, Properties veil) {
        String v = p.get(veil);
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new VeilConfigException(p.key() + " must be an ISO-8601 duration such as PT5M, was '" + v + "'");
        }
    }

    private static Driver delegateFor(String delegateUrl) throws SQLException {
        try {
            return DriverManager.getDriver(delegateUrl);
        } catch (SQLException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("no JDBC driver on the class path accepts "
                    + scheme(delegateUrl) + " URLs, which Veil delegates to. Add the database's driver "
                    + "(e.g. org.postgresql:postgresql)", e);
        }
    }

    /** {@code jdbc:postgresql:} of a URL, for messages that must not show hosts or credentials. */
    static String scheme(String url) {
        int second = url.indexOf(':', "jdbc:".length());
        return second < 0 ? "jdbc:" : url.substring(0, second + 1);
    }

    /**
     * The database name of a {@code jdbc:x://host:port/db?…} URL, or empty: what the KMS encryption context names.
     * Frameworks that wrap a DataSource use the same rule so their keys are shared with URL-based connections.
     */
    public static String databaseName(String url) {
        int hosts = url.indexOf("//");
        if (hosts < 0) {
            return "";
        }
        int slash = url.indexOf('/', hosts + 2);
        if (slash < 0) {
            return "";
        }
        int end = url.length();
        for (char c : new char[] {'?', ';', '&'}) {
            int i = url.indexOf(c, slash);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return url.substring(slash + 1, end);
    }

    /**
     * The URL the database's own driver gets for a Veil URL ({@code jdbc:veil:postgresql://h/db?veil.config=x} gives
     * {@code jdbc:postgresql://h/db}): Veil's properties removed. Tools that must bypass Veil (the CLI's jobs write
     * raw envelopes) connect with it.
     */
    public static String delegateUrl(String url) throws SQLException {
        return split(url, new Properties()).delegateUrl;
    }

    /** Veil's own properties of a Veil URL and connection properties ({@code veil.*}), checked as connect() does. */
    public static Properties veilProperties(String url, Properties info) throws SQLException {
        Properties out = new Properties();
        out.putAll(split(url, info == null ? new Properties() : info).veilProperties);
        return out;
    }

    /** The delegate URL and properties, and Veil's own, split apart. */
    static final class Target {
        final String delegateUrl;
        final Properties delegateProperties;
        final Properties veilProperties;

        Target(String delegateUrl, Properties delegateProperties, Properties veilProperties) {
            this.delegateUrl = delegateUrl;
            this.delegateProperties = delegateProperties;
            this.veilProperties = veilProperties;
        }

        String runtimeKey() {
            Map<String, String> sorted = new TreeMap<>();
            for (String k : veilProperties.stringPropertyNames()) {
                sorted.put(k, veilProperties.getProperty(k));
            }
            return delegateUrl + '\n' + sorted;
        }
    }

    /**
     * Strips {@code jdbc:veil:} exactly once and moves every {@code veil.*} parameter out of the query string and
     * the properties. Unknown {@code veil.*} names are an error, so a typo cannot silently disable a setting.
     */
    static Target split(String url, Properties info) throws SQLException {
        String rest = url.substring(PREFIX.length());
        if (rest.regionMatches(true, 0, "postgres:", 0, "postgres:".length())) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception(PREFIX + rest.substring(0, "postgres:".length())
                    + " is not a database URL scheme; did you mean " + PREFIX + "postgresql:? (pgjdbc's URLs start with "
                    + "jdbc:postgresql:, and a Veil URL inserts veil: after jdbc:)");
        }
        Properties veil = new Properties();
        StringBuilder delegate = new StringBuilder("jdbc:");
        int q = rest.indexOf('?');
        if (q < 0) {
            delegate.append(rest);
        } else {
            delegate.append(rest, 0, q);
            List<String> kept = new ArrayList<>();
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (VeilProperty.looksLikeVeil(key)) {
                    veil.setProperty(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
                } else {
                    kept.add(pair);
                }
            }
            if (!kept.isEmpty()) {
                delegate.append('?').append(String.join("&", kept));
            }
        }
        Properties delegateProps = new Properties();
        for (String key : info.stringPropertyNames()) {
            if (VeilProperty.looksLikeVeil(key)) {
                veil.setProperty(key, info.getProperty(key));
            } else {
                delegateProps.setProperty(key, info.getProperty(key));
            }
        }
        for (String key : veil.stringPropertyNames()) {
            VeilProperty meant = VeilProperty.meant(key);
            if (meant == null || !meant.key().equals(key)) {
                throw VeilSqlState.INVALID_CONFIGURATION.exception("unknown Veil property '" + key + "'"
                        + (meant == null ? "" : "; did you mean " + meant.key() + "?") + " Veil's properties are "
                        + "spelt exactly as listed (lower case, 'veil.' then words joined by '-'): "
                        + Arrays.stream(VeilProperty.values()).map(VeilProperty::key).reduce((a, b) -> a + ", " + b)
                                .orElse(""));
            }
        }
        return new Target(delegate.toString(), delegateProps, veil);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        Properties props = info == null ? new Properties() : info;
        List<DriverPropertyInfo> out = new ArrayList<>();
        Target target = acceptsURL(url) ? split(url, props) : null;
        Properties veil = target == null ? props : target.veilProperties;
        for (VeilProperty p : VeilProperty.values()) {
            out.add(p.info(veil));
        }
        if (target != null) {
            try {
                Driver d = DriverManager.getDriver(target.delegateUrl);
                out.addAll(Arrays.asList(d.getPropertyInfo(target.delegateUrl, target.delegateProperties)));
            } catch (SQLException ignored) {
                // no delegate yet: Veil's own properties are still worth listing
            }
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Veil logs through System.Logger");
    }
}
