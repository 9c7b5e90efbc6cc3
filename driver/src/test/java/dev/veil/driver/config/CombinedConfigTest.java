package dev.veil.driver.config;

import static dev.veil.driver.config.YamlConfigLoaderTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** YAML and annotations fill one builder; {@link VeilConfig.Builder#build()} merges and checks them. */
class CombinedConfigTest {

    private static final String FIXTURES = "dev.veil.driver.config.fixtures.";

    @Test
    void yamlAndAnnotationsProduceOneModelAndAgreeingDuplicatesCollapse() {
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load("classpath:config/combined.yml", getClass().getClassLoader(), b);
        AnnotationConfigLoader.scan(List.of(FIXTURES + "combined"), getClass().getClassLoader(), b);
        VeilConfig config = b.build();

        assertThat(config.source()).isEqualTo("classpath:config/combined.yml");
        assertThat(config.masterKey()).isEqualTo("local-keyset:/etc/veil/master-keyset.json");
        // doctors.licence is declared by both, with the same type: one column
        assertThat(describe(config.columns())).containsExactly(
                "patients.ssn string -> patients.ssn",
                "doctors.licence string -> doctors.licence",
                "doctors.phone string -> doctors.phone");
    }

    @Test
    void sameColumnWithDifferentTypesIsAConflictNamingBothOrigins() {
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load("classpath:config/combined.yml", getClass().getClassLoader(), b);
        AnnotationConfigLoader.scan(List.of(FIXTURES + "conflict"), getClass().getClassLoader(), b);

        assertThatThrownBy(b::build)
                .isInstanceOf(VeilConfigException.class)
                .hasMessageContaining("conflicting configuration for encrypted column patients.ssn")
                .hasMessageContaining("classpath:config/combined.yml: tables.patients.ssn says {type: string")
                .hasMessageContaining("@Encrypted on " + FIXTURES + "conflict.ConflictingPatient.ssn says {type: long")
                .hasMessageContaining("Make both declarations agree or remove one");
    }
}
