package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.annotation.Argon2idCost;
import dev.veil.annotation.BlindIndex;
import dev.veil.annotation.CompoundBlindIndex;
import dev.veil.annotation.Encrypted;
import dev.veil.blindindex.BlindIndexDefinition;
import dev.veil.driver.schema.ConfiguredIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Annotations express every blind-index option YAML has: an Argon2id cost on simple and compound indexes, and a
 * compound index's join domain; the two sources give equal definitions. Classes are read from a given list
 * ({@link AnnotationConfigLoader#classes}), as the starter hands over JPA's managed types.
 */
class AnnotationIndexOptionsTest {

    static final String KEY = "local-keyset:/etc/veil/master-keyset.json";

    @TempDir
    Path dir;

    @CompoundBlindIndex(name = "name_dob_bidx", columns = {"last_name", "birth_date"}, slow = "argon2id",
            argon2idCost = @Argon2idCost(memoryKib = 64, iterations = 1), domain = "person")
    static class Person {
        @Encrypted @BlindIndex(slow = "argon2id", argon2idCost = @Argon2idCost(memoryKib = 128)) String ssn;
        @Encrypted String lastName;
        @Encrypted String birthDate;
    }

    @CompoundBlindIndex(name = "name_dob_bidx", columns = {"last_name", "birth_date"}, slow = "argon2id",
            argon2idCost = @Argon2idCost(memoryKib = 64, iterations = 1), domain = "person")
    static class Patient {
        @Encrypted String lastName;
        @Encrypted String birthDate;
    }

    static class BadCost {
        @Encrypted @BlindIndex(slow = "argon2id", argon2idCost = @Argon2idCost(memoryKib = 1)) String ssn;
    }

    @Test
    void annotationsGiveTheDefinitionsYamlGives() throws IOException {
        VeilConfig.Builder fromAnnotations = VeilConfig.builder().masterKey(KEY);
        AnnotationConfigLoader.classes(List.of(Person.class.getName(), Patient.class.getName()), "test list",
                getClass().getClassLoader(), fromAnnotations);
        Path yaml = Files.writeString(dir.resolve("veil.yml"), """
                master-key: %s
                tables:
                  person:
                    ssn: { blind-index: { slow: argon2id, argon2id-cost: { memory-kib: 128 } } }
                    last_name: {}
                    birth_date: {}
                    indexes:
                      name_dob_bidx: { columns: [last_name, birth_date], slow: argon2id,
                                       argon2id-cost: { memory-kib: 64, iterations: 1 }, domain: person }
                  patient:
                    last_name: {}
                    birth_date: {}
                    indexes:
                      name_dob_bidx: { columns: [last_name, birth_date], slow: argon2id,
                                       argon2id-cost: { memory-kib: 64, iterations: 1 }, domain: person }
                """.formatted(KEY));
        VeilConfig.Builder fromYaml = VeilConfig.builder();
        YamlConfigLoader.load(yaml.toString(), null, fromYaml);
        Map<String, BlindIndexDefinition> a = definitions(fromAnnotations.build());
        assertThat(a).containsOnlyKeys("person.ssn_bidx", "person.name_dob_bidx", "patient.name_dob_bidx");
        assertThat(a.get("person.ssn_bidx").slowHash())
                .contains(new dev.veil.blindindex.Argon2idCost(128, 2, 1));
        assertThat(a.get("patient.name_dob_bidx").domain()).contains("person");
        assertThat(a).isEqualTo(definitions(fromYaml.build()));
    }

    @Test
    void aCostOutOfRangeNamesTheAnnotation() {
        VeilConfig.Builder b = VeilConfig.builder().masterKey(KEY);
        assertThatThrownBy(() -> AnnotationConfigLoader.classes(List.of(BadCost.class.getName()), "test list",
                getClass().getClassLoader(), b)).isInstanceOf(VeilConfigException.class)
                .hasMessageContaining("@BlindIndex on " + BadCost.class.getName() + ".ssn")
                .hasMessageContaining("@Argon2idCost(");
    }

    private static Map<String, BlindIndexDefinition> definitions(VeilConfig c) {
        Map<String, BlindIndexDefinition> out = new TreeMap<>();
        for (ConfiguredIndex i : c.blindIndexes()) {
            out.put(i.qualified(), i.definition());
        }
        return out;
    }
}
