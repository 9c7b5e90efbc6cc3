package dev.veil.spring;

import dev.veil.driver.config.VeilConfig;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * Veil for Spring Boot: builds the {@link VeilConfig} from {@code veil.*}, {@code veil.config} and the
 * {@code @Encrypted} entities, makes {@code jdbc:veil:} DataSources (and, on request, others) Veil DataSources,
 * prepares Hibernate, validates the schema at start-up and translates Veil's SQLStates. Metrics and health are in
 * {@link VeilMetricsAutoConfiguration} and {@link VeilHealthAutoConfiguration}. {@code veil.enabled=false} turns
 * all of it off.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration"})
@ConditionalOnClass(DataSource.class)
@ConditionalOnProperty(prefix = "veil", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(VeilProperties.class)
@Import({VeilAutoConfiguration.ConfigConfiguration.class, VeilAutoConfiguration.DataSourceConfiguration.class,
        VeilAutoConfiguration.HibernateConfiguration.class, VeilAutoConfiguration.SchemaConfiguration.class,
        VeilAutoConfiguration.TranslationConfiguration.class})
public class VeilAutoConfiguration {

    /** The configuration model; an application's own {@code VeilConfig} bean replaces it. */
    @Configuration(proxyBeanMethods = false)
    static class ConfigConfiguration {

        @Bean
        @ConditionalOnMissingBean
        VeilConfig veilConfig(Environment environment, BeanFactory beanFactory, ResourceLoader resourceLoader,
                ObjectProvider<VeilConfigCustomizer> customizers) {
            return VeilConfigFactory.create(environment, beanFactory, resourceLoader.getClassLoader(),
                    customizers.orderedStream().toList());
        }

        @Bean
        static VeilStartupReport veilStartupReport(ObjectProvider<DataSource> dataSources) {
            return new VeilStartupReport(dataSources);
        }
    }

    /** {@code jdbc:veil:} URLs and {@code veil.wrap-data-source}. */
    @Configuration(proxyBeanMethods = false)
    static class DataSourceConfiguration {

        @Bean
        static VeilDataSourcePostProcessor veilDataSourcePostProcessor(ObjectProvider<VeilConfig> config,
                ObjectProvider<VeilRuntimeCustomizer> customizers, Environment environment) {
            return new VeilDataSourcePostProcessor(config, customizers,
                    environment.getProperty("veil.wrap-data-source", Boolean.class, false));
        }
    }

    /** Hibernate: bytea DDL for encrypted columns, the @Encrypted-to-column check, exception translation. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.hibernate.integrator.spi.Integrator",
            "org.springframework.orm.jpa.AbstractEntityManagerFactoryBean"})
    static class HibernateConfiguration {

        @Bean
        static VeilJpaPostProcessor veilJpaPostProcessor(ObjectProvider<VeilConfig> config, Environment environment) {
            return new VeilJpaPostProcessor(config,
                    environment.getProperty("veil.allow-plaintext-data-source", Boolean.class, false));
        }
    }

    /** Start-up schema validation, after Hibernate's ddl-auto. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "veil.schema", name = "validate", havingValue = "true", matchIfMissing = true)
    static class SchemaConfiguration {

        @Bean
        VeilSchemaValidator veilSchemaValidator(ObjectProvider<DataSource> dataSources, VeilProperties properties) {
            return new VeilSchemaValidator(dataSources, properties.getSchema().getPlaintextCheck(),
                    properties.getSchema().getPlaintextSampleSize());
        }
    }

    /** Veil's SQLStates for JdbcTemplate (Spring Boot hands an SQLExceptionTranslator bean to it). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SQLExceptionTranslator.class)
    static class TranslationConfiguration {

        @Bean
        @ConditionalOnMissingBean(SQLExceptionTranslator.class)
        VeilSqlExceptionTranslator veilSqlExceptionTranslator() {
            return new VeilSqlExceptionTranslator(new SQLExceptionSubclassTranslator());
        }
    }
}
