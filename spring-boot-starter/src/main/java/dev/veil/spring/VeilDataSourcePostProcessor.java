package dev.veil.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.VeilDataSource;
import dev.veil.driver.VeilDriver;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.driver.VeilUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Turns DataSource beans into Veil DataSources, with the configuration built from Spring properties:
 * <ol>
 *   <li>Spring Boot's {@code DataSourceProperties} with a {@code jdbc:veil:} URL and no driver class get
 *       {@code dev.veil.driver.VeilDriver} as driver class (Spring Boot cannot infer it from the URL).</li>
 *   <li>A {@code HikariDataSource} with a {@code jdbc:veil:} URL is switched, before its pool starts, to the
 *       database's own URL and driver ({@code jdbc:postgresql:…}), and after initialization wrapped with
 *       {@link VeilDataSource#wrap}: the pool holds plain connections, Veil wraps each borrowed one.</li>
 *   <li>With {@code veil.wrap-data-source=true}, every other DataSource bean is wrapped the same way.</li>
 * </ol>
 * A DataSource that already is a Veil one is never wrapped again; its runtime only gets the
 * {@link VeilRuntimeCustomizer}s. The wrapped pool is closed when its bean is destroyed.
 */
final class VeilDataSourcePostProcessor implements DestructionAwareBeanPostProcessor, Ordered {

    private static final Set<String> DATA_SOURCE_PROPERTIES = Set.of(
            "org.springframework.boot.jdbc.autoconfigure.DataSourceProperties",
            "org.springframework.boot.autoconfigure.jdbc.DataSourceProperties");
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
            VeilDataSourcePostProcessor.class.getClassLoader());

    private final ObjectProvider<VeilConfig> config;
    private final ObjectProvider<VeilRuntimeCustomizer> customizers;
    private final boolean wrapAll;
    private final Set<String> veilUrlBeans = ConcurrentHashMap.newKeySet();
    private final Map<Object, DataSource> wrapped = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<VeilRuntime, Boolean> customized = Collections.synchronizedMap(new IdentityHashMap<>());

    VeilDataSourcePostProcessor(ObjectProvider<VeilConfig> config, ObjectProvider<VeilRuntimeCustomizer> customizers,
            boolean wrapAll) {
        this.config = config;
        this.customizers = customizers;
        this.wrapAll = wrapAll;
    }

    @Override
    public int getOrder() {
        // after @ConfigurationProperties binding (spring.datasource.hikari.*), before most others
        return Ordered.LOWEST_PRECEDENCE - 100;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
        if (DATA_SOURCE_PROPERTIES.contains(bean.getClass().getName())
                || DATA_SOURCE_PROPERTIES.contains(bean.getClass().getSuperclass().getName())) {
            BeanWrapperImpl properties = new BeanWrapperImpl(bean);
            Object url = properties.getPropertyValue("url");
            if (url != null && VeilUrl.accepts(url.toString())
                    && !StringUtils.hasText((String) properties.getPropertyValue("driverClassName"))) {
                properties.setPropertyValue("driverClassName", VeilDriver.class.getName());
            }
        } else if (HIKARI && Hikari.isVeil(bean)) {
            Hikari.unveil((HikariDataSource) bean, beanName);
            veilUrlBeans.add(beanName);
        }
        return bean;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (!(bean instanceof DataSource dataSource)) {
            return bean;
        }
        try {
            if (dataSource instanceof VeilDataSource || dataSource.isWrapperFor(VeilDataSource.class)) {
                VeilDataSource veil = dataSource.unwrap(VeilDataSource.class);
                VeilRuntime runtime;
                try {
                    runtime = veil.runtime();
                } catch (SQLException e) {
                    if (veil.getUrl() == null) {
                        return bean; // a URL-based VeilDataSource whose URL is set later
                    }
                    throw e;
                }
                customize(runtime);
                return bean;
            }
            if (!veilUrlBeans.contains(beanName) && !wrapAll) {
                return bean;
            }
            VeilDataSource veil = VeilDataSource.wrap(dataSource, config.getObject(), databaseName(dataSource));
            customize(veil.runtime());
            wrapped.put(veil, dataSource);
            return veil;
        } catch (SQLException e) {
            throw new BeanCreationException(beanName, "cannot make DataSource '" + beanName + "' a Veil DataSource: "
                    + e.getMessage(), e);
        }
    }

    private void customize(VeilRuntime runtime) {
        if (customized.putIfAbsent(runtime, Boolean.TRUE) == null) {
            customizers.orderedStream().forEach(c -> c.customize(runtime));
        }
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return wrapped.containsKey(bean);
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) throws BeansException {
        DataSource target = wrapped.remove(bean);
        try {
            ((VeilDataSource) bean).runtime().close();
        } catch (SQLException | RuntimeException ignored) {
            // the pool below is closed regardless
        }
        if (target instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new BeanCreationException(beanName, "cannot close the DataSource behind Veil", e);
            }
        }
    }

    /** The database name bound into every wrapped data key, as {@code VeilDriver} derives it from the URL. */
    static String databaseName(DataSource dataSource) throws SQLException {
        String url = HIKARI ? Hikari.url(dataSource) : null;
        if (url == null) {
            try (Connection c = dataSource.getConnection()) {
                url = c.getMetaData().getURL();
                if (url == null) {
                    String catalog = c.getCatalog();
                    return catalog == null ? "" : catalog;
                }
            }
        }
        return databaseName(url);
    }

    /** The database name of a URL, by the same rule the driver uses for its key context. */
    static String databaseName(String url) {
        return VeilUrl.databaseName(url);
    }

    /**
     * The database's own URL for a {@code jdbc:veil:} URL, by the driver's parser ({@link VeilUrl}). Veil settings in
     * the URL are refused: with the starter they are Spring properties, so there is one place to read them.
     */
    static String delegateUrl(String veilUrl, String where) {
        VeilUrl parsed;
        try {
            parsed = VeilUrl.parse(veilUrl, new Properties());
        } catch (SQLException e) {
            throw new VeilConfigException(where + ": " + e.getMessage(), e);
        }
        for (String key : parsed.veilProperties().stringPropertyNames()) {
            throw new VeilConfigException(where + " carries the Veil setting '" + key + "'. With the Spring Boot "
                    + "starter, Veil's settings are Spring properties: remove it from the URL and set " + key
                    + (parsed.veilProperties().getProperty(key).isEmpty() ? "" : "="
                            + parsed.veilProperties().getProperty(key))
                    + " in application.properties (see veil.* in the starter's README)");
        }
        return parsed.delegateUrl();
    }

    /** Hikari-specific code, loaded only when HikariCP is on the class path. */
    private static final class Hikari {

        static boolean isVeil(Object bean) {
            return bean instanceof HikariDataSource h && h.getJdbcUrl() != null
                    && VeilUrl.accepts(h.getJdbcUrl());
        }

        static void unveil(HikariDataSource hikari, String beanName) {
            for (String key : hikari.getDataSourceProperties().stringPropertyNames()) {
                if (VeilUrl.looksLikeVeil(key)) {
                    throw new VeilConfigException("DataSource '" + beanName + "' has the data-source property '" + key
                            + "'. With the Spring Boot starter, Veil's settings are Spring properties: set " + key
                            + " in application.properties instead");
                }
            }
            String delegate = delegateUrl(hikari.getJdbcUrl(), "the URL of DataSource '" + beanName + "'");
            String driver = hikari.getDriverClassName();
            if (driver == null || driver.equals(VeilDriver.class.getName())) {
                try {
                    hikari.setDriverClassName(DriverManager.getDriver(delegate).getClass().getName());
                } catch (SQLException e) {
                    throw new VeilConfigException("no JDBC driver on the class path accepts the URL Veil delegates to "
                            + "(" + delegate.substring(0, Math.max(delegate.indexOf("//"), 0)) + "…); add the "
                            + "database's driver, e.g. org.postgresql:postgresql", e);
                }
            }
            hikari.setJdbcUrl(delegate);
        }

        static String url(DataSource dataSource) throws SQLException {
            if (dataSource instanceof HikariDataSource h) {
                return h.getJdbcUrl();
            }
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                return dataSource.unwrap(HikariDataSource.class).getJdbcUrl();
            }
            return null;
        }
    }
}
