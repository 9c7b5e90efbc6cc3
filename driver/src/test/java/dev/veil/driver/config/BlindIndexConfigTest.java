package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.schema.ConfiguredIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blind index entries in YAML map onto the one model, and build() refuses what cannot work. */
class BlindIndexConfigTest {

    @TempDir
    Path dir;

    private VeilConfig load(String tables) throws IOException {
        Path f = dir.resolve("config.yml");
        Files.writeString(f, "master-key: local-keyset:/k.json\ntables:\n" + tables);
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load(f.toString(), null, b);
        return b.build();
    }

    @Test
    void columnAndTableEntriesBecomeDefinitions() throws IOException {
        VeilConfig c = load("""
                  patients:
                    email: { blind-index: { column: email_bidx, bits: 32, normalize: [lowercase, trim], domain: person_email } }
                    ssn: { blind-index: ssn_idx }
                    last_name: {}
                    birth_date: { type: local-date }
                    indexes:
                      name_dob_bidx: { columns: [last_name, birth_date], slow: argon2id }
                """);
        assertThat(c.blindIndexes()).extracting(ConfiguredIndex::qualified).containsExactly("patients.email_bidx",
                "patients.ssn_idx", "patients.name_dob_bidx");
        ConfiguredIndex email = c.indexesOf(null, "patients").get(0);
        assertThat(email.definition().bits()).isEqualTo(32);
        assertThat(email.definition().exact()).isFalse();
        assertThat(email.definition().domain()).hasValue("person_email");
        assertThat(email.definition().columns().get(0).normalizerNames()).containsExactly("lowercase", "trim");
        assertThat(c.blindIndexes().get(2).columns()).containsExactly("last_name", "birth_date");
        assertThat(c.blindIndexes().get(2).definition().slowHash()).isPresent();
    }

    @Test
    void mistakesAreRefusedNamingTheOrigin() {
        assertThat(catchThrowableOfType(VeilConfigException.class, () -> load("""
                  patients:
                    email: { blind-index: { bitz: 32 } }
                """)).getMessage()).contains("tables.patients.email.blind-index.bitz", "unknown key");
        assertThat(catchThrowableOfType(VeilConfigException.class, () -> load("""
                  patients:
                    email: { blind-index: { bits: 999 } }
                """)).getMessage()).contains("tables.patients.email", "bits 999");
        assertThat(catchThrowableOfType(VeilConfigException.class, () -> load("""
                  patients:
                    email: {}
                    indexes:
                      plain_bidx: { columns: [name, clinic_id] }
                """)).getMessage()).contains("none of which is an encrypted column");
        assertThat(catchThrowableOfType(VeilConfigException.class, () -> load("""
                  patients:
                    email: { blind-index: { domain: d, bits: 64 } }
                  staff:
                    mail: { blind-index: { domain: d } }
                """)).getMessage()).contains("join domain d", "bits");
    }
}
