package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.codec.Padding;
import dev.veil.driver.codec.Padding.OverMax;
import dev.veil.driver.codec.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pad:} in YAML, {@code @Encrypted(pad = @Pad(…))}, and what {@link VeilConfig.Builder#build()} refuses. */
class PaddingConfigTest {

    private static final String MASTER_KEY = "master-key: local-keyset:/etc/veil/master-keyset.json\n";
    private static final String FIXTURES = "dev.veil.driver.config.fixtures.";

    @TempDir
    Path dir;

    @Test
    void yamlSpellsAMultipleAndPowerOfTwoBuckets() {
        VeilConfig config = load(MASTER_KEY + "tables:\n  notes:\n"
                + "    body: { pad: 16 }\n"
                + "    body2: { pad: { multiple: 32 } }\n"
                + "    bio: { pad: { buckets: power-of-two, max: 4096 } }\n"
                + "    scan: { type: bytes, pad: { buckets: power-of-two, min: 64, max: 1024, over-max: round-up } }\n"
                + "    open: { pad: { buckets: power-of-two } }\n"
                + "    amount: { type: decimal, pad: 16 }\n"
                + "    plain: {}\n").build();
        Map<String, EncryptedColumn> c = config.columnsOf(null, "notes");
        assertThat(c.get("body").padding()).isEqualTo(Padding.multipleOf(16));
        assertThat(c.get("body2").padding()).isEqualTo(Padding.multipleOf(32));
        assertThat(c.get("bio").padding()).isEqualTo(Padding.powerOfTwo(16, 4096, OverMax.REFUSE));
        assertThat(c.get("scan").padding()).isEqualTo(Padding.powerOfTwo(64, 1024, OverMax.ROUND_UP));
        assertThat(c.get("open").padding()).isEqualTo(Padding.powerOfTwo(16, 0, OverMax.REFUSE));
        assertThat(c.get("amount").padding()).isEqualTo(Padding.multipleOf(16));
        assertThat(c.get("plain").padding()).isEqualTo(Padding.NONE);
    }

    @Test
    void badYamlValuesAreRefusedAtTheirPathWithTheForms() {
        String col = MASTER_KEY + "tables:\n  notes:\n    body: ";
        assertThat(error(col + "{ pad: 1 }\n")).contains("tables.notes.body.pad (line 4)", "from 2 to 1073741824",
                "was 1", "pad: 16");
        assertThat(error(col + "{ pad: -16 }\n")).contains("was -16");
        assertThat(error(col + "{ pad: 99999999999 }\n")).contains("from 2 to 1073741824");
        assertThat(error(col + "{ pad: sixteen }\n")).contains("tables.notes.body.pad", "whole number");
        assertThat(error(col + "{ pad: }\n")).contains("pad has no value", "or remove pad");
        assertThat(error(col + "{ pad: { buckets: fibonacci } }\n")).contains("buckets 'fibonacci'",
                "buckets: power-of-two");
        assertThat(error(col + "{ pad: { buckets: power-of-two, max: 4000 } }\n")).contains("pad max",
                "power of two", "was 4000");
        assertThat(error(col + "{ pad: { buckets: power-of-two, min: 128, max: 64 } }\n"))
                .contains("smaller than pad min");
        assertThat(error(col + "{ pad: { buckets: power-of-two, over-max: round-up } }\n")).contains("needs a max");
        assertThat(error(col + "{ pad: { buckets: power-of-two, max: 64, over-max: leak } }\n"))
                .contains("over-max 'leak'", "refuse", "round-up");
        assertThat(error(col + "{ pad: { multiple: 16, buckets: power-of-two } }\n")).contains("both multiple and buckets");
        assertThat(error(col + "{ pad: { multiple: 16, max: 64 } }\n")).contains("apply to buckets");
        assertThat(error(col + "{ pad: { max: 64 } }\n")).contains("neither multiple nor buckets");
        assertThat(error(col + "{ pad: { bucket: power-of-two } }\n")).contains("unknown key 'bucket'",
                "multiple, buckets, min, max, over-max");
    }

    @Test
    void padOnAFixedWidthTypeIsRefusedNamingTheColumn() {
        for (String type : List.of("int", "long", "boolean", "uuid", "local-date", "instant", "double")) {
            String m = error(MASTER_KEY + "tables:\n  patients:\n    heart_rate: { type: " + type + ", pad: 16 }\n");
            assertThat(m).contains("tables.patients.heart_rate", "pad on patients.heart_rate hides nothing",
                    "every " + type + " value has the same length", "Remove pad");
        }
    }

    @Test
    void annotationsSpellTheSameSettings() {
        VeilConfig.Builder b = builder();
        AnnotationConfigLoader.scan(List.of(FIXTURES + "padded"), null, b);
        Map<String, EncryptedColumn> c = b.build().columnsOf(null, "notes");
        assertThat(c.get("body").padding()).isEqualTo(Padding.multipleOf(16));
        assertThat(c.get("bio").padding()).isEqualTo(Padding.powerOfTwo(16, 4096, OverMax.REFUSE));
        assertThat(c.get("scan").padding()).isEqualTo(Padding.powerOfTwo(64, 1024, OverMax.ROUND_UP));
        assertThat(c.get("scan").type()).isEqualTo(ValueType.BYTES);
        assertThat(c.get("amount").padding()).isEqualTo(Padding.multipleOf(32));
        assertThat(c.get("age").padding()).isEqualTo(Padding.NONE);
    }

    @Test
    void badAnnotationsAreRefusedNamingTheField() {
        assertThat(scanError("padfixed")).contains("@Encrypted on " + FIXTURES + "padfixed.Counter.visits",
                "pad on counter.visits hides nothing", "every int value");
        assertThat(scanError("padboth")).contains(FIXTURES + "padboth.Both.body", "both a multiple (16) and buckets");
        assertThat(scanError("padmaxonly")).contains(FIXTURES + "padmaxonly.MaxOnly.body",
                "apply to buckets = Pad.Buckets.POWER_OF_TWO");
        assertThat(scanError("padbadmax")).contains(FIXTURES + "padbadmax.BadMax.body", "pad max", "was 4000");
    }

    @Test
    void yamlAndAnnotationsMergeWhenTheyAgreeOrOneIsSilent() {
        VeilConfig.Builder b = builder();
        b.column("notes", "body", null, null, Padding.NONE, "yaml");          // silent
        b.column("notes", "bio", null, null, Padding.powerOfTwo(16, 4096, OverMax.REFUSE), "yaml"); // agrees
        b.column("notes", "age", null, null, Padding.NONE, "yaml");
        AnnotationConfigLoader.scan(List.of(FIXTURES + "padded"), null, b);
        Map<String, EncryptedColumn> c = b.build().columnsOf(null, "notes");
        assertThat(c.get("body").padding()).isEqualTo(Padding.multipleOf(16));
        assertThat(c.get("body").type()).isEqualTo(ValueType.STRING);
        assertThat(c.get("bio").padding()).isEqualTo(Padding.powerOfTwo(16, 4096, OverMax.REFUSE));

        VeilConfig.Builder typedLater = builder();
        typedLater.column("notes", "x", null, null, Padding.multipleOf(16), "yaml");
        typedLater.column("notes", "x", ValueType.STRING, null, "annotation");
        EncryptedColumn x = typedLater.build().columnsOf(null, "notes").get("x");
        assertThat(x.padding()).as("the padding of the untyped declaration is kept").isEqualTo(Padding.multipleOf(16));
        assertThat(x.type()).isEqualTo(ValueType.STRING);
    }

    @Test
    void twoDifferentPaddingsOfOneColumnConflict() {
        VeilConfig.Builder b = builder();
        b.column("notes", "body", null, null, Padding.multipleOf(32), "veil.yml: tables.notes.body");
        AnnotationConfigLoader.scan(List.of(FIXTURES + "padded"), null, b);
        assertThatThrownBy(b::build).isInstanceOf(VeilConfigException.class)
                .hasMessageContaining("conflicting configuration for encrypted column notes.body")
                .hasMessageContaining("veil.yml: tables.notes.body says {type: any, bound to notes.body, pad: 32}")
                .hasMessageContaining("pad: 16}");
    }

    @Test
    void anUntypedDeclarationWithPadMeetingAFixedWidthTypeIsRefused() {
        VeilConfig.Builder b = builder();
        b.column("patients", "age", null, null, Padding.multipleOf(16), "veil.yml: tables.patients.age");
        b.column("patients", "age", ValueType.INT, null, "@Encrypted on Patient.age");
        assertThatThrownBy(b::build).hasMessageStartingWith("veil.yml: tables.patients.age: pad on patients.age");
    }

    private static VeilConfig.Builder builder() {
        return VeilConfig.builder().masterKey("local-keyset:/etc/veil/master-keyset.json");
    }

    private static String scanError(String pkg) {
        Throwable t = catchThrowable(() -> {
            VeilConfig.Builder b = builder();
            AnnotationConfigLoader.scan(List.of(FIXTURES + pkg), null, b);
            b.build();
        });
        assertThat(t).isInstanceOf(VeilConfigException.class);
        return t.getMessage();
    }

    private VeilConfig.Builder load(String yaml) {
        try {
            Path file = Files.writeString(dir.resolve("config.yml"), yaml);
            VeilConfig.Builder b = VeilConfig.builder();
            YamlConfigLoader.load(file.toString(), null, b, v -> null);
            return b;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String error(String yaml) {
        Throwable t = catchThrowable(() -> load(yaml).build());
        assertThat(t).isInstanceOf(VeilConfigException.class).hasMessageStartingWith(dir.resolve("config.yml")
                .toString());
        return t.getMessage();
    }
}
