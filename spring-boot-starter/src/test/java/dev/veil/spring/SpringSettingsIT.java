package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.VeilDriver;
import dev.veil.driver.config.VeilProperty;
import dev.veil.spring.it.jpa.Patient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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

    static final Map<VeilProperty, String> SAMPLES = Map.ofEntries(
            Map.entry(VeilProperty.MASTER_KEY, "local-keyset:/etc/veil/other.json"),
            Map.entry(VeilProperty.PREVIOUS_MASTER_KEYS, "local-keyset:/etc/veil/old.json"),
            Map.entry(VeilProperty.KMS_REGION, "eu-west-1"),
            Map.entry(VeilProperty.KMS_ENDPOINT, "http://127.0.0.1:4566"),
            Map.entry(VeilProperty.KMS_PROFILE, "prod"),
            Map.entry(VeilProperty.KMS_API_CALL_TIMEOUT, "2s"),
            Map.entry(VeilProperty.KMS_API_CALL_ATTEMPT_TIMEOUT, "PT1S"),
            Map.entry(VeilProperty.KMS_CONNECT_TIMEOUT, "500ms"),
            Map.entry(VeilProperty.KMS_MAX_ATTEMPTS, "5"),
            Map.entry(VeilProperty.KEY_TABLE, "vault_keys"),
            Map.entry(VeilProperty.ENCRYPTION, "xaes-256-gcm"),
            Map.entry(VeilProperty.ALLOW_LEGACY_PLAINTEXT, "true"),
            Map.entry(VeilProperty.KEY_CACHE_TTL, "10m"),
            Map.entry(VeilProperty.KEY_CACHE_EAGER, "true"),
            Map.entry(VeilProperty.KEY_CACHE_REFRESH_AHEAD, "30s"),
            Map.entry(VeilProperty.KEY_MAX_STALENESS, "30m"),
            Map.entry(VeilProperty.STATEMENT_CACHE_SIZE, "500"),
            Map.entry(VeilProperty.LEGACY_PLAINTEXT_COLUMNS, "patients.ssn"));

    static Stream<Arguments> settings() {
        return Arrays.stream(VeilProperty.values()).filter(p -> p.yaml() != VeilProperty.Yaml.NONE)
                .map(Arguments::of);
    }

    static Path baseYaml() throws IOException {
        Path yaml = dir.resolve("base.yml");
        if (!Files.exists(yaml)) {
            Files.writeString(yaml, "master-key: " + KEY + "\ntables:\n  patients:\n    ssn: {}\n    email: {}\n");
        }
        return yaml;
    }

    @ParameterizedTest
    @MethodSource("settings")
    void aSpringPropertyHasTheSameNameAndEffectAsTheJdbcProperty(VeilProperty p) throws IOException, SQLException {
        String sample = SAMPLES.get(p);
        assertThat(sample).as("a sample for " + p).isNotNull();
        Properties jdbc = new Properties();
        jdbc.setProperty("veil.config", baseYaml().toString());
        jdbc.setProperty(p.key(), sample);
        Map<String, Object> expected = view(VeilDriver.configFrom(jdbc));
        runner.withPropertyValues("veil.config=" + baseYaml(), p.key() + "=" + sample).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(view(context.getBean(VeilConfig.class))).isEqualTo(expected);
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

    static Map<String, Object> view(VeilConfig c) {
        Map<String, Object> out = new TreeMap<>();
        out.put("master-key", c.masterKey());
        out.put("previous-master-keys", c.previousMasterKeys());
        out.put("master-key-options", new TreeMap<>(c.masterKeyOptions()));
        out.put("key-table", c.keyTable());
        out.put("encryption", c.encryption());
        out.put("allow-legacy-plaintext", c.allowLegacyPlaintext());
        out.put("legacy-plaintext-columns", c.legacyPlaintextColumns());
        out.put("key-cache.ttl", c.keyCacheTtl());
        out.put("key-cache.eager", c.eagerKeyLoading());
        out.put("key-cache.refresh-ahead", c.keyRefreshAhead());
        out.put("key-cache.max-staleness", c.keyMaxStaleness());
        out.put("statement-cache-size", c.statementCacheSize());
        return out;
    }
}
