package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.blindindex.Argon2idCost;
import dev.veil.blindindex.BlindIndexDefinition;
import dev.veil.driver.VeilDataSource;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/** Conditions, property binding and back-off of the auto-configurations. */
class VeilAutoConfigurationIT {

    static final TestDatabase DB = TestDatabase.create(VeilAutoConfigurationIT.class);

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VeilAutoConfiguration.class, VeilMetricsAutoConfiguration.class,
                    VeilHealthAutoConfiguration.class))
            .withPropertyValues("veil.master-key=" + TestKeys.masterKey(), "veil.entity-packages=dev.veil.spring.it.jpa");

    @AfterAll
    static void drop() {
        DB.drop();
    }

    static DataSource plainDataSource() {
        DriverManagerDataSource ds = new DriverManagerDataSource(DB.url());
        Properties p = DB.properties();
        ds.setConnectionProperties(p);
        return ds;
    }

    @Test
    void bindsEveryPropertyIntoTheVeilConfig() {
        runner.withPropertyValues("veil.kms.region=eu-west-1", "veil.kms.endpoint=http://127.0.0.1:4566",
                "veil.kms.profile=prod", "veil.kms.api-call-timeout=2s", "veil.key-table=vault_keys",
                "veil.key-cache.ttl=10m", "veil.key-cache.max-staleness=30m", "veil.key-cache.eager=true",
                "veil.allow-legacy-plaintext=true", "veil.statement-cache-size=500").run(context -> {
                    VeilConfig config = context.getBean(VeilConfig.class);
                    assertThat(config.masterKey()).isEqualTo(TestKeys.masterKey());
                    assertThat(config.masterKeyOptions()).containsExactlyInAnyOrderEntriesOf(Map.of("region", "eu-west-1",
                            "endpoint", "http://127.0.0.1:4566", "profile", "prod", "api-call-timeout", "PT2S"));
                    assertThat(config.keyTable()).isEqualTo("vault_keys");
                    assertThat(config.keyCacheTtl()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(config.keyMaxStaleness()).isEqualTo(Duration.ofMinutes(30));
                    assertThat(config.eagerKeyLoading()).isTrue();
                    assertThat(config.allowLegacyPlaintext()).isTrue();
                    assertThat(config.statementCacheSize()).isEqualTo(500);
                    assertThat(config.columns()).extracting(EncryptedColumn::qualified).contains("patients.ssn",
                            "patients.email", "patients.heart_rate", "patients.birth_date", "patients.street");
                    assertThat(config.blindIndexes()).extracting(i -> i.qualified()).contains("patients.email_bidx");
                    assertThat(context.getBean(VeilProperties.class).getSchema().isValidate()).isTrue();
                    assertThat(context.getBean(VeilProperties.class).isWrapDataSource()).isFalse();
                });
    }

    @Test
    void legacyPlaintextColumnsOpenTheMigrationWindowOfThoseColumnsOnly() {
        runner.withPropertyValues("veil.legacy-plaintext-columns=patients.ssn, patients.email").run(context -> {
            VeilConfig config = context.getBean(VeilConfig.class);
            assertThat(config.allowLegacyPlaintext()).isFalse();
            assertThat(config.legacyPlaintextColumns()).containsExactlyInAnyOrder("patients.ssn", "patients.email");
            assertThat(config.allowsLegacyPlaintext(config.columnsOf(null, "patients").get("ssn"))).isTrue();
            assertThat(config.allowsLegacyPlaintext(config.columnsOf(null, "patients").get("heart_rate"))).isFalse();
        });
        runner.withPropertyValues("veil.legacy-plaintext-columns=patients.sssn").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(VeilConfigException.class)
                    .hasMessageContaining("'patients.sssn'").hasMessageContaining("veil.legacy-plaintext-columns");
        });
    }

    @Test
    void combinesYamlWithAnnotationsAndReportsConflicts() {
        runner.withPropertyValues("veil.config=classpath:veil-extra.yml").run(context -> assertThat(
                context.getBean(VeilConfig.class).columns()).extracting(EncryptedColumn::qualified)
                        .contains("patients.notes", "patients.ssn", "patients.heart_rate"));
        runner.withPropertyValues("veil.config=classpath:veil-conflict.yml").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(VeilConfigException.class)
                    .hasMessageContaining("conflicting configuration for encrypted column patients.heart_rate");
        });
    }

    @Test
    void blindIndexesComeFromAnnotationsAndYaml() {
        runner.withPropertyValues("veil.config=classpath:veil-blind-index.yml").run(context -> {
            Map<String, BlindIndexDefinition> indexes = new java.util.HashMap<>();
            context.getBean(VeilConfig.class).blindIndexes().forEach(i -> indexes.put(i.qualified(), i.definition()));
            assertThat(indexes).containsOnlyKeys("patients.email_bidx", "patients.ssn_bidx", "patients.birth_date_bidx");
            assertThat(indexes.get("patients.email_bidx").normalizes()).isTrue();
            assertThat(indexes.get("patients.email_bidx").exact()).isTrue();
            assertThat(indexes.get("patients.ssn_bidx").slowHash()).contains(Argon2idCost.INSECURE_FOR_TESTS);
            assertThat(indexes.get("patients.birth_date_bidx").bits()).isEqualTo(16);
        });
    }

    @Test
    void entityPackagesDefaultToSpringBootsPackages() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(VeilAutoConfiguration.class))
                .withInitializer(c -> AutoConfigurationPackages.register((GenericApplicationContext) c,
                        "dev.veil.spring.it.jpa"))
                .withPropertyValues("veil.master-key=" + TestKeys.masterKey())
                .run(context -> assertThat(context.getBean(VeilConfig.class).columns())
                        .extracting(EncryptedColumn::qualified).contains("patients.ssn"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VeilAutoConfiguration.class))
                .withPropertyValues("veil.master-key=" + TestKeys.masterKey())
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("Veil has nothing to encrypt"));
    }

    @Test
    void backsOffForTheApplicationsOwnBeans() {
        VeilConfig own = VeilConfig.builder().masterKey(TestKeys.masterKey()).encrypt("t", "c").build();
        SQLExceptionTranslator translator = new SQLExceptionSubclassTranslator();
        runner.withBean(VeilConfig.class, () -> own).withBean(SQLExceptionTranslator.class, () -> translator)
                .run(context -> {
                    assertThat(context.getBean(VeilConfig.class)).isSameAs(own);
                    assertThat(context.getBean(SQLExceptionTranslator.class)).isSameAs(translator);
                });
        runner.run(context -> assertThat(context.getBean(SQLExceptionTranslator.class))
                .isInstanceOf(VeilSqlExceptionTranslator.class));
    }

    @Test
    void offSwitchesAndOptionalParts() {
        runner.withPropertyValues("veil.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(VeilConfig.class).doesNotHaveBean("veilDataSourcePostProcessor")
                    .doesNotHaveBean(VeilHealth.class);
        });
        runner.withPropertyValues("veil.schema.validate=false").run(context ->
                assertThat(context).doesNotHaveBean(VeilSchemaValidator.class));
        runner.run(context -> {
            assertThat(context).hasSingleBean(VeilSchemaValidator.class).hasBean("veilJpaPostProcessor")
                    .doesNotHaveBean(VeilMetrics.class);
            assertThat(context).hasSingleBean(VeilHealth.class).hasBean("veilHealthIndicator");
        });
        runner.withBean(SimpleMeterRegistry.class).run(context -> assertThat(context).hasSingleBean(VeilMetrics.class));
        runner.withPropertyValues("management.health.veil.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean("veilHealthIndicator"));
    }

    @Test
    void wrapsAnExistingDataSourceOnlyWhenAskedAndNeverTwice() {
        runner.withBean("dataSource", DataSource.class, VeilAutoConfigurationIT::plainDataSource).run(context ->
                assertThat(context.getBean(DataSource.class)).isInstanceOf(DriverManagerDataSource.class));
        runner.withPropertyValues("veil.wrap-data-source=true", "veil.schema.validate=false")
                .withBean("dataSource", DataSource.class, VeilAutoConfigurationIT::plainDataSource)
                .run(context -> {
                    DataSource ds = context.getBean(DataSource.class);
                    assertThat(ds).isInstanceOf(VeilDataSource.class);
                    assertThat(ds.unwrap(DriverManagerDataSource.class)).isNotNull();
                    assertThat(context.getBean(VeilHealth.class).check().status()).isEqualTo("UP");
                    // the adapter of whichever Spring Boot line is on the class path
                    Object indicator = context.getBean("veilHealthIndicator");
                    Object health = indicator.getClass().getMethod("health").invoke(indicator);
                    assertThat(health.getClass().getMethod("getStatus").invoke(health)).hasToString("UP");
                    assertThat(health.getClass().getMethod("getDetails").invoke(health).toString())
                            .contains("runtimes=1");
                });
        VeilConfig own = VeilConfig.builder().masterKey(TestKeys.masterKey()).encrypt("t", "c").build();
        runner.withPropertyValues("veil.wrap-data-source=true", "veil.schema.validate=false")
                .withBean("dataSource", DataSource.class, () -> {
                    try {
                        return VeilDataSource.wrap(plainDataSource(), own, DB.name());
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .run(context -> {
                    VeilDataSource ds = (VeilDataSource) context.getBean(DataSource.class);
                    assertThat(ds.runtime().config()).isSameAs(own);
                    assertThat(ds.unwrap(DriverManagerDataSource.class)).isNotNull();
                });
    }

    @Test
    void aVeilUrlWorksWithHikariAndSpringBootDefaults() {
        runner.withConfiguration(AutoConfigurations.of(TestKeys.jpaAutoConfigurations()[0]))
                .withPropertyValues("spring.datasource.url=" + DB.veilUrl(), "veil.schema.validate=false",
                        "spring.datasource.username=" + DB.properties().getProperty("user", ""),
                        "spring.datasource.password=" + DB.properties().getProperty("password", ""))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DataSource ds = context.getBean(DataSource.class);
                    assertThat(ds).isInstanceOf(VeilDataSource.class);
                    com.zaxxer.hikari.HikariDataSource hikari = ds.unwrap(com.zaxxer.hikari.HikariDataSource.class);
                    assertThat(hikari.getJdbcUrl()).isEqualTo(DB.url());
                    assertThat(hikari.getDriverClassName()).isEqualTo("org.postgresql.Driver");
                    try (var c = ds.getConnection()) {
                        assertThat(c.isValid(1)).isTrue();
                    }
                });
        runner.withConfiguration(AutoConfigurations.of(TestKeys.jpaAutoConfigurations()[0]))
                .withPropertyValues("spring.datasource.url=" + DB.veilUrl() + "?veil.config=/etc/veil.yml")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(VeilConfigException.class)
                        .hasMessageContaining("set veil.config=/etc/veil.yml in application.properties"));
    }
}
