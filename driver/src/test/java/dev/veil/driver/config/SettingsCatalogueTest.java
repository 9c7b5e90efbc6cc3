package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.VeilDriver;
import dev.veil.driver.VeilUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting of the catalogue is reachable from YAML and from JDBC properties with the same name, type and
 * effect, has the default the builder uses, and is listed by {@code getPropertyInfo}. (The starter's
 * {@code SpringSettingsIT} does the same for Spring properties.)
 */
class SettingsCatalogueTest {

    static final String BASE_KEY = "local-keyset:/etc/veil/master-keyset.json";

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.veil.driver.config.SettingSamples#settings")
    void yamlAndJdbcPropertiesGiveTheSameConfiguration(VeilProperty p) throws IOException, SQLException {
        String sample = SettingSamples.SAMPLES.get(p);
        assertThat(sample).as("a sample for " + p).isNotNull();
        Path withSetting = write("with.yml", yaml(p, sample));
        Path without = write("without.yml", yaml(null, null));
        Properties viaYaml = new Properties();
        viaYaml.setProperty("veil.config", withSetting.toString());
        Properties viaJdbc = new Properties();
        viaJdbc.setProperty("veil.config", without.toString());
        viaJdbc.setProperty(p.key(), sample);
        Properties defaults = new Properties();
        defaults.setProperty("veil.config", without.toString());
        Map<String, Object> fromYaml = SettingSamples.view(VeilDriver.configFrom(viaYaml));
        assertThat(SettingSamples.view(VeilDriver.configFrom(viaJdbc))).isEqualTo(fromYaml);
        assertThat(fromYaml).as("the setting changes something")
                .isNotEqualTo(SettingSamples.view(VeilDriver.configFrom(defaults)));
    }

    @Test
    void theBuildersDefaultsAreTheCatalogues() {
        VeilConfig c = VeilConfig.builder().masterKey(BASE_KEY).encrypt("patients", "ssn").build();
        assertThat(c.keyTable()).isEqualTo(VeilProperty.KEY_TABLE.typedDefault());
        assertThat(c.encryption().configName()).isEqualTo(VeilProperty.ENCRYPTION.typedDefault());
        assertThat(c.allowLegacyPlaintext()).isEqualTo(VeilProperty.ALLOW_LEGACY_PLAINTEXT.typedDefault());
        assertThat(c.keyCacheTtl()).isEqualTo(VeilProperty.KEY_CACHE_TTL.typedDefault());
        assertThat(c.eagerKeyLoading()).isEqualTo(VeilProperty.KEY_CACHE_EAGER.typedDefault());
        assertThat(c.keyMaxStaleness()).isEqualTo(VeilProperty.KEY_MAX_STALENESS.typedDefault());
        assertThat(c.statementCacheSize()).isEqualTo(VeilProperty.STATEMENT_CACHE_SIZE.typedDefault());
        assertThat(c.keyRefreshAhead()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void getPropertyInfoListsEverySettingWithItsDefaultAndDescription() throws SQLException {
        DriverPropertyInfo[] infos = VeilDriver.instance().getPropertyInfo("jdbc:veil:postgresql://127.0.0.1:1/none",
                new Properties());
        for (VeilProperty p : VeilProperty.values()) {
            assertThat(infos).as(p.key()).anySatisfy(i -> {
                assertThat(i.name).isEqualTo(p.key());
                assertThat(i.value).isEqualTo(p.defaultValue());
                assertThat(i.description).isEqualTo(p.description());
            });
        }
    }

    @Test
    void aFormerNameStillWorksAndBothNamesTogetherAreRefused() throws IOException, SQLException {
        Properties p = new Properties();
        p.setProperty("veil.config", write("base.yml", yaml(null, null)).toString());
        p.setProperty("veil.key-cache-ttl", "PT10M");
        assertThat(VeilDriver.configFrom(p).keyCacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(VeilUrl.parse("jdbc:veil:postgresql://h/db?veil.key-max-staleness=2h", null).veilProperties()
                .stringPropertyNames()).containsExactly("veil.key-max-staleness");
        p.setProperty("veil.key-cache.ttl", "10m");
        SQLException e = catchThrowableOfType(SQLException.class, () -> VeilDriver.configFrom(p));
        assertThat(e.getSQLState()).isEqualTo("VE020");
        assertThat(e.getMessage()).contains("veil.key-cache.ttl", "veil.key-cache-ttl", "same setting")
                .doesNotContain("PT10M");
    }

    @Test
    void aDeprecationIsLoggedOncePerName() {
        assertThat(VeilProperty.warnDeprecated("veil.test-former-name", VeilProperty.KEY_CACHE_TTL)).isTrue();
        assertThat(VeilProperty.warnDeprecated("veil.test-former-name", VeilProperty.KEY_CACHE_TTL)).isFalse();
    }

    @Test
    void jdbcDurationsTakeTheShortFormsAndRefuseABareNumber() throws IOException, SQLException {
        Properties p = new Properties();
        p.setProperty("veil.config", write("base.yml", yaml(null, null)).toString());
        p.setProperty("veil.key-cache.max-staleness", "90s");
        assertThat(VeilDriver.configFrom(p).keyMaxStaleness()).isEqualTo(Duration.ofSeconds(90));
        p.setProperty("veil.key-cache.max-staleness", "300");
        SQLException e = catchThrowableOfType(SQLException.class, () -> VeilDriver.configFrom(p));
        assertThat(e.getMessage()).contains("veil.key-cache.max-staleness", "has no unit", "5m", "PT5M");
    }

    @Test
    void masterKeyOptionsFromCodeAreCheckedAgainstTheCatalogue() {
        VeilConfig.Builder b = VeilConfig.builder().masterKey(BASE_KEY).encrypt("patients", "ssn");
        assertThat(b.masterKeyOption("api-call-timeout", "2s").build().masterKeyOptions())
                .containsEntry("api-call-timeout", "PT2S");
        b.masterKeyOption("regoin", "eu-west-1");
        assertThat(catchThrowableOfType(VeilConfigException.class, b::build)).hasMessageContaining("'regoin'")
                .hasMessageContaining("region, endpoint, profile");
        VeilConfig.Builder bad = VeilConfig.builder().masterKey(BASE_KEY).masterKeyOption("max-attempts", "many");
        assertThat(catchThrowableOfType(VeilConfigException.class, bad::build))
                .hasMessageContaining("master-key-options.max-attempts must be a whole number");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** A YAML file with a master key, one table, and the setting at its path (or, per column, on the column). */
    static String yaml(VeilProperty p, String value) {
        StringBuilder sb = new StringBuilder();
        if (p != VeilProperty.MASTER_KEY) {
            sb.append("master-key: ").append(BASE_KEY).append('\n');
        }
        if (p != null && p.yaml() == VeilProperty.Yaml.KEY) {
            int dot = p.path().indexOf('.');
            if (dot < 0) {
                sb.append(p.path()).append(": '").append(value).append("'\n");
            } else {
                sb.append(p.path(), 0, dot).append(":\n  ").append(p.path().substring(dot + 1)).append(": '")
                        .append(value).append("'\n");
            }
        }
        boolean legacy = p == VeilProperty.LEGACY_PLAINTEXT_COLUMNS;
        return sb.append("tables:\n  patients:\n    ssn: ").append(legacy ? "{ legacy-plaintext: true }" : "{}")
                .append("\n    email: {}\n").toString();
    }
}
