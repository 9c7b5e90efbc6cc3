package dev.veil.driver;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for pools and frameworks, in two forms:
 * <ul>
 *   <li>URL-based: {@code setUrl("jdbc:veil:postgresql://…?veil.config=…")} plus user, password and any
 *       properties — connections come from {@link VeilDriver};</li>
 *   <li>wrapping: {@link #wrap(DataSource, VeilConfig, String)} turns an existing DataSource (a pool's, say) into a
 *       Veil one without a URL change. Wrapping a Veil DataSource again is refused.</li>
 * </ul>
 */
public final class VeilDataSource implements DataSource {

    private String url;
    private final Properties properties = new Properties();
    private final DataSource target;
    private final VeilRuntime runtime;
    private PrintWriter logWriter;
    private int loginTimeoutSeconds;

    /** A URL-based data source; set the URL before the first connection. */
    public VeilDataSource() {
        this.target = null;
        this.runtime = null;
    }

    private VeilDataSource(DataSource target, VeilRuntime runtime) {
        this.target = target;
        this.runtime = runtime;
    }

    /**
     * Wraps an existing data source: its connections become Veil connections using {@code config}.
     *
     * @param database the database name, for the KMS encryption context
     */
    public static VeilDataSource wrap(DataSource target, VeilConfig config, String database) throws SQLException {
        if (target instanceof VeilDataSource || target.isWrapperFor(VeilDataSource.class)) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("this DataSource is already a Veil DataSource; "
                    + "wrapping it twice would encrypt twice");
        }
        WarmUp.start();
        VeilRuntime runtime = VeilRuntime.create(config, target::getConnection, database);
        return new VeilDataSource(target, runtime);
    }

    /**
     * The runtime behind this data source (configuration, keys, plans), e.g. to attach listeners; for a URL-based
     * data source it is created on first call.
     */
    public VeilRuntime runtime() throws SQLException {
        return runtime != null ? runtime : VeilDriver.instance().runtime(url, properties);
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        if (target != null) {
            throw new IllegalStateException("a wrapping VeilDataSource has no URL");
        }
        if (url != null && !url.startsWith(VeilDriver.PREFIX)) {
            throw new IllegalArgumentException("a Veil URL starts with " + VeilDriver.PREFIX
                    + ", e.g. jdbc:veil:postgresql://host/db");
        }
        this.url = url;
    }

    public void setUser(String user) {
        properties.setProperty("user", user);
    }

    public void setPassword(String password) {
        properties.setProperty("password", password);
    }

    /** Any driver or Veil ({@code veil.*}) property. */
    public void setProperty(String name, String value) {
        properties.setProperty(name, value);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (target != null) {
            return new VeilConnection(target.getConnection(), runtime);
        }
        return connect(properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        if (target != null) {
            return new VeilConnection(target.getConnection(username, password), runtime);
        }
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("user", username);
        p.setProperty("password", password);
        return connect(p);
    }

    private Connection connect(Properties p) throws SQLException {
        if (url == null) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("VeilDataSource has no URL; call setUrl(\"jdbc:veil:…\")");
        }
        return VeilDriver.instance().connect(url, p);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Veil logs through System.Logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (target != null) {
            return iface.isInstance(target) ? iface.cast(target) : target.unwrap(iface);
        }
        throw new SQLException("VeilDataSource does not wrap a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || (target != null && (iface.isInstance(target) || target.isWrapperFor(iface)));
    }

    @Override
    public String toString() {
        return "VeilDataSource[" + (target != null ? "wrapping" : "url") + "]";
    }
}
