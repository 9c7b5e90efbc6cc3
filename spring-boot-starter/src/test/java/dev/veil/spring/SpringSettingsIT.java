package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.VeilDriver;
import dev.veil.driver.config.SettingSamples;
import dev.veil.driver.config.VeilProperty;
import dev.veil.spring.it.jpa.Patient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;

/**
 * Every setting of the driver's catalogue is a Spring property of the same name with the same effect as the JDBC
 * property (the driver's {@code SettingsCatalogueTest} does YAML against JDBC), and the {@code @Encrypted} classes
 * under Spring are the ones JPA manages.
 */
class SpringSettingsIT {

    static final String KEY = "local-keyset:/etc/veil/master-keyset.json";

    @TempDir
    static Path dir;

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VeilAutoConfiguration.class));

    static Path baseYaml() throws IOException {
        Path yaml = dir.resolve("base.yml");
        if (!Files.exists(yaml)) {
            Files.writeString(yaml, "master-key: " + KEY + "\ntables:\n  patients:\n    ssn: {}\n    email: {}\n");
        }
        return yaml;
    }

    @ParameterizedTest
    @MethodSource("dev.veil.driver.config.SettingSamples#settings")
    void aSpringPropertyHasTheSameNameAndEffectAsTheJdbcProperty(VeilProperty p) throws IOException, SQLException {
        String sample = SettingSamples.SAMPLES.get(p);
        assertThat(sample).as("a sample for " + p).isNotNull();
        Properties jdbc = new Properties();
        jdbc.setProperty("veil.config", baseYaml().toString());
        jdbc.setProperty(p.key(), sample);
        Map<String, Object> expected = SettingSamples.view(VeilDriver.configFrom(jdbc));
        runner.withPropertyValues("veil.config=" + baseYaml(), p.key() + "=" + sample).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(SettingSamples.view(context.getBean(VeilConfig.class))).isEqualTo(expected);
        });
    }

    @Test
    void aBareNumberIsNotADurationUnderSpringEither() throws IOException {
        runner.withPropertyValues("veil.config=" + baseYaml(), "veil.key-cache.ttl=300000").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(VeilConfigException.class)
                    .hasMessageContaining("veil.key-cache.ttl").hasMessageContaining("has no unit");
        });
    }

    @Test
    void theEncryptedClassesAreJpasManagedTypes() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VeilAutoConfiguration.class))
                .withPropertyValues("veil.master-key=" + KEY)
                .withBean(PersistenceManagedTypes.class, () -> PersistenceManagedTypes.of(Patient.class.getName()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(VeilConfig.class).columns()).extracting(EncryptedColumn::qualified)
                            .contains("patients.ssn", "patients.email");
                });
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VeilAutoConfiguration.class))
                .withPropertyValues("veil.master-key=" + KEY)
                .withBean(PersistenceManagedTypes.class, () -> PersistenceManagedTypes.of(String.class.getName()))
                .run(context -> assertThat(context.getBean(VeilConfig.class).columns()).isEmpty());
    }
}
