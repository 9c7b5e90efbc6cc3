package dev.veil.spring;

import dev.veil.driver.VeilDataSource;
import dev.veil.driver.config.VeilConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.hibernate.jpa.boot.spi.JpaSettings;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.orm.jpa.AbstractEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;

/**
 * Prepares each JPA {@code EntityManagerFactory} bean built on Hibernate, before it starts:
 * <ul>
 *   <li>adds {@link VeilHibernateIntegrator} (bytea DDL for encrypted columns, @Encrypted-to-column check) through
 *       {@code hibernate.integrator_provider}, keeping an integrator provider the application set;</li>
 *   <li>sets {@link VeilSqlExceptionTranslator} as the Hibernate dialect's JDBC exception translator, so Veil's
 *       SQLStates become the documented Spring exceptions (other SQLStates keep Hibernate's translation);</li>
 *   <li>refuses to start when encrypted columns are configured but the factory's DataSource is not a Veil one
 *       (an H2 test profile, {@code @DataJpaTest}'s replacement database…), unless
 *       {@code veil.allow-plaintext-data-source=true}, which logs a WARNING naming the columns stored in plaintext.</li>
 * </ul>
 */
final class VeilJpaPostProcessor implements BeanPostProcessor {

    private static final System.Logger LOG = System.getLogger(VeilJpaPostProcessor.class.getName());

    private final ObjectProvider<VeilConfig> config;
    private final boolean allowPlaintextDataSource;

    VeilJpaPostProcessor(ObjectProvider<VeilConfig> config) {
        this(config, false);
    }

    VeilJpaPostProcessor(ObjectProvider<VeilConfig> config, boolean allowPlaintextDataSource) {
        this.config = config;
        this.allowPlaintextDataSource = allowPlaintextDataSource;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
        if (!(bean instanceof AbstractEntityManagerFactoryBean factory)) {
            return bean;
        }
        if (factory.getJpaDialect() instanceof HibernateJpaDialect dialect) {
            dialect.setJdbcExceptionTranslator(new VeilSqlExceptionTranslator(null));
        }
        VeilConfig veil = config.getIfAvailable();
        if (veil == null) {
            return bean;
        }
        DataSource dataSource = factory.getDataSource();
        if (!veil.columns().isEmpty() && dataSource != null && !isVeil(dataSource) && allowPlaintextDataSource) {
            LOG.log(System.Logger.Level.WARNING, "Veil: veil.allow-plaintext-data-source=true and the DataSource of "
                    + "EntityManagerFactory '" + beanName + "' is not a Veil DataSource: the " + veil.columns().size()
                    + " encrypted columns (" + String.join(", ", veil.columns().stream().map(c -> c.qualified())
                            .toList()) + ") are stored in PLAINTEXT. Use this for test profiles with fake data only.");
        } else if (!veil.columns().isEmpty() && dataSource != null && !isVeil(dataSource)) {
            throw new VeilStartupException(List.of("the DataSource of EntityManagerFactory '" + beanName
                    + "' is not a Veil DataSource, so the " + veil.columns().size() + " encrypted columns ("
                    + String.join(", ", veil.columns().stream().map(c -> c.qualified()).toList())
                    + ") would be written in plaintext"),
                    "Use a Veil URL (spring.datasource.url=jdbc:veil:postgresql://…), or set "
                            + "veil.wrap-data-source=true to wrap the existing DataSource. With @DataJpaTest, add "
                            + "@AutoConfigureTestDatabase(replace = Replace.NONE) so the test keeps the Veil URL. "
                            + "For a test profile on another database (H2) with fake data only, "
                            + "veil.allow-plaintext-data-source=true stores these columns in plaintext.");
        }
        Map<String, Object> properties = factory.getJpaPropertyMap();
        Object existing = properties.get(JpaSettings.INTEGRATOR_PROVIDER);
        if (existing != null && !(existing instanceof IntegratorProvider)) {
            throw new VeilStartupException(List.of("hibernate.integrator_provider is set to " + existing
                    + ", which Veil cannot combine with its own integrator"),
                    "Set hibernate.integrator_provider to an IntegratorProvider instance (e.g. from a "
                            + "HibernatePropertiesCustomizer bean), so Veil can add its integrator to it.");
        }
        Integrator integrator = new VeilHibernateIntegrator(veil);
        properties.put(JpaSettings.INTEGRATOR_PROVIDER, (IntegratorProvider) () -> {
            List<Integrator> all = new ArrayList<>();
            if (existing instanceof IntegratorProvider provider) {
                all.addAll(provider.getIntegrators());
            }
            all.add(integrator);
            return all;
        });
        return bean;
    }

    static boolean isVeil(DataSource dataSource) {
        try {
            return dataSource instanceof VeilDataSource || dataSource.isWrapperFor(VeilDataSource.class);
        } catch (SQLException e) {
            return false;
        }
    }
}
