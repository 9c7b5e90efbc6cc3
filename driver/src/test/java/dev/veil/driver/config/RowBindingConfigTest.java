package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.veil.driver.schema.RowBindingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code row-binding} and {@code accept-unbound-values} from YAML, annotations and the builder. */
class RowBindingConfigTest {

    private static final String FIXTURE = "dev.veil.driver.config.fixtures.rowbinding";
    private static final String MASTER_KEY = "master-key: local-keyset:/etc/veil/master-keyset.json\n";

    @TempDir
    Path dir;

    @Test
    void yamlBindsToThePrimaryKeyOrToNamedColumns() {
        VeilConfig c = load("tables:\n  patients:\n    row-binding: true\n    diagnosis: {}\n"
                + "  visits:\n    row-binding: [tenant_id, '\"Visit\"']\n    accept-unbound-values: true\n    note: {}\n"
                + "  plain:\n    row-binding: false\n    secret: {}\n");
        RowBindingSpec p = c.rowBinding(null, "patients");
        assertThat(p.primaryKey()).isTrue();
        assertThat(p.acceptUnbound()).isFalse();
        assertThat(p.origin()).contains("tables.patients.row-binding");
        RowBindingSpec v = c.rowBinding(null, "visits");
        assertThat(v.keyColumns()).containsExactly("tenant_id", "Visit");
        assertThat(v.acceptUnbound()).isTrue();
        assertThat(c.rowBinding(null, "plain")).isNull();
        assertThat(c.columnsOf(null, "patients")).containsOnlyKeys("diagnosis"); // the option is not a column
    }

    @Test
    void badRowBindingsAreRefusedWithTheFix() {
        assertThat(error("tables:\n  t:\n    accept-unbound-values: true\n    c: {}\n"))
                .contains("without row-binding", "Set row-binding: true");
        assertThat(error("tables:\n  t:\n    row-binding: []\n    c: {}\n")).contains("lists no key columns");
        assertThat(error("tables:\n  t:\n    row-binding: [c]\n    c: {}\n"))
                .contains("names encrypted column t.c", "a key must be a plain column");
        assertThat(error("tables:\n  t:\n    row-binding: [id, id]\n    c: {}\n")).contains("names id twice");
        assertThat(error("tables:\n  t:\n    row-binding: maybe\n    c: {}\n")).contains("row-binding");
    }

    @Test
    void annotationAndYamlMustAgree() throws IOException {
        VeilConfig.Builder b = VeilConfig.builder().masterKey("local-keyset:/k.json");
        AnnotationConfigLoader.scan(List.of(FIXTURE), null, b);
        VeilConfig c = b.build();
        assertThat(c.rowBinding(null, "bound").keyColumns()).containsExactly("id");
        VeilConfig.Builder both = VeilConfig.builder().masterKey("local-keyset:/k.json");
        AnnotationConfigLoader.scan(List.of(FIXTURE), null, both);
        both.rowBinding("bound", List.of(), false, "veil.yml");
        Throwable t = catchThrowable(both::build);
        assertThat(t).isInstanceOf(VeilConfigException.class).hasMessageContaining("conflicting row binding for table bound");
        Throwable none = catchThrowable(() -> VeilConfig.builder().masterKey("local-keyset:/k.json")
                .rowBinding("nothing", List.of(), false, "code").build());
        assertThat(none).hasMessageContaining("has no encrypted column");
    }


    private VeilConfig load(String yaml) {
        try {
            Path file = Files.writeString(dir.resolve("config.yml"), MASTER_KEY + yaml);
            VeilConfig.Builder b = VeilConfig.builder();
            YamlConfigLoader.load(file.toString(), null, b, v -> null);
            return b.build();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String error(String yaml) {
        Throwable t = catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(VeilConfigException.class);
        return t.getMessage();
    }
}
