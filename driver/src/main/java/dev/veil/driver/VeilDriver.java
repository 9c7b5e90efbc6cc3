package dev.veil.driver;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.config.VeilProperty;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    public static final String PREFIX = VeilUrl.PREFIX;

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
        return VeilUrl.accepts(url);
    }

    /**
     * The runtime that connections to this URL and properties use, created (configuration read, master key opened)
     * if needed; frameworks use it to attach listeners before the first connection.
     */
    public VeilRuntime runtime(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("not a Veil URL; it must start with " + PREFIX);
        }
        VeilUrl target = VeilUrl.parse(url, info);
        return runtime(target, delegateFor(target.delegateUrl()));
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        VeilUrl target = VeilUrl.parse(url, info);
        Driver delegate = delegateFor(target.delegateUrl());
        VeilRuntime runtime = runtime(target, delegate);
        Connection raw = delegate.connect(target.delegateUrl(), target.delegateProperties());
        if (raw == null) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("the driver for " + VeilUrl.scheme(target.delegateUrl())
                    + " did not accept the URL Veil delegated to it");
        }
        return new VeilConnection(raw, runtime);
    }

    private VeilRuntime runtime(VeilUrl target, Driver delegate) throws SQLException {
        String key = target.runtimeKey();
        VeilRuntime runtime = runtimes.get(key);
        if (runtime != null) {
            return runtime;
        }
        synchronized (runtimes) {
            runtime = runtimes.get(key);
            if (runtime == null) {
                WarmUp.start();
                VeilConfig config = configFrom(target.veilProperties());
                runtime = VeilRuntime.create(config,
                        () -> delegate.connect(target.delegateUrl(), target.delegateProperties()),
                        databaseName(target.delegateUrl()));
                runtimes.put(key, runtime);
                LOG.log(System.Logger.Level.DEBUG, () -> "Veil runtime created: " + config.columns().size()
                        + " encrypted columns from " + config.source());
            }
            return runtime;
        }
    }

    /**
     * Builds the configuration from Veil's properties ({@link VeilConfigSources}): the YAML of {@code veil.config},
     * the {@code @Encrypted} classes of {@code veil.entity-packages}, then every other setting of {@link VeilProperty}.
     */
    public static VeilConfig configFrom(Properties veil) throws SQLException {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String k : veil.stringPropertyNames()) {
            settings.put(k, veil.getProperty(k));
        }
        try {
            return VeilConfigSources.of(settings, "JDBC properties").build();
        } catch (VeilConfigException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("invalid Veil configuration: " + e.getMessage(), e);
        }
    }

    private static Driver delegateFor(String delegateUrl) throws SQLException {
        try {
            return DriverManager.getDriver(delegateUrl);
        } catch (SQLException e) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("no JDBC driver on the class path accepts "
                    + VeilUrl.scheme(delegateUrl) + " URLs, which Veil delegates to. Add the database's driver "
                    + "(e.g. org.postgresql:postgresql)", e);
        }
    }

    /** {@code jdbc:postgresql:} of a URL, for messages that must not show hosts or credentials. */
    static String scheme(String url) {
        return VeilUrl.scheme(url);
    }

    /**
     * The database name of a {@code jdbc:x://host:port/db?…} URL, or empty: what the KMS encryption context names.
     * Frameworks that wrap a DataSource use the same rule so their keys are shared with URL-based connections.
     */
    public static String databaseName(String url) {
        return VeilUrl.databaseName(url);
    }

    /**
     * The URL the database's own driver gets for a Veil URL ({@code jdbc:veil:postgresql://h/db?veil.config=x} gives
     * {@code jdbc:postgresql://h/db}): Veil's properties removed. Tools that must bypass Veil (the CLI's jobs write
     * raw envelopes) connect with it.
     */
    public static String delegateUrl(String url) throws SQLException {
        return VeilUrl.parse(url, new Properties()).delegateUrl();
    }

    /** Veil's own properties of a Veil URL and connection properties ({@code veil.*}), checked as connect() does. */
    public static Properties veilProperties(String url, Properties info) throws SQLException {
        Properties out = new Properties();
        out.putAll(VeilUrl.parse(url, info).veilProperties());
        return out;
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        Properties props = info == null ? new Properties() : info;
        List<DriverPropertyInfo> out = new ArrayList<>();
        VeilUrl target = acceptsURL(url) ? VeilUrl.parse(url, props) : null;
        Properties veil = target == null ? props : target.veilProperties();
        for (VeilProperty p : VeilProperty.values()) {
            out.add(p.info(veil));
        }
        if (target != null) {
            try {
                Driver d = DriverManager.getDriver(target.delegateUrl());
                out.addAll(Arrays.asList(d.getPropertyInfo(target.delegateUrl(), target.delegateProperties())));
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
