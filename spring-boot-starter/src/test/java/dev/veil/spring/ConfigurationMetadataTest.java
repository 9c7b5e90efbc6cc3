package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.config.VeilProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spring's configuration metadata for Veil's settings is generated from the driver's catalogue ({@link VeilProperty}):
 * the checked-in {@code additional-spring-configuration-metadata.json} must equal what {@link #generate()} makes, and
 * the metadata the build publishes must list every setting. On a mismatch the expected file is written to
 * {@code target/} for copying.
 */
class ConfigurationMetadataTest {

    static final Path CHECKED_IN = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

    @Test
    void checkedInMetadataIsTheCatalogues() throws IOException {
        String expected = generate();
        String actual = Files.exists(CHECKED_IN) ? Files.readString(CHECKED_IN, StandardCharsets.UTF_8) : "";
        if (!expected.equals(actual)) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/additional-spring-configuration-metadata.json"), expected);
        }
        assertThat(actual).as("regenerate: cp spring-boot-starter/target/additional-spring-configuration-metadata.json "
                + CHECKED_IN).isEqualTo(expected);
    }

    @Test
    void publishedMetadataListsEverySettingAndTheStartersOwn() throws IOException {
        String published = Files.readString(Path.of("target/classes/META-INF/spring-configuration-metadata.json"),
                StandardCharsets.UTF_8);
        for (VeilProperty p : VeilProperty.values()) {
            assertThat(published).as(p.key()).contains("\"name\": \"" + p.key() + "\"");
        }
        assertThat(published).contains("\"name\": \"veil.schema.plaintext-check\"", "\"name\": \"veil.enabled\"");
    }

    /** The metadata of every catalogue setting, its former names as deprecated, and the choices as hints. */
    static String generate() {
        List<String> properties = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        for (VeilProperty p : VeilProperty.values()) {
            properties.add(entry(p, p.key(), null));
            for (String former : p.formerNames()) {
                properties.add(entry(p, former, p.key()));
            }
            if (p.kind() == VeilProperty.Kind.CHOICE) {
                List<String> values = new ArrayList<>();
                p.choices().forEach(c -> values.add("        { \"value\": " + quote(c) + " }"));
                hints.add("    {\n      \"name\": " + quote(p.key()) + ",\n      \"values\": [\n"
                        + String.join(",\n", values) + "\n      ]\n    }");
            }
        }
        return "{\n  \"properties\": [\n" + String.join(",\n", properties) + "\n  ],\n  \"hints\": [\n"
                + String.join(",\n", hints) + "\n  ]\n}\n";
    }

    private static String entry(VeilProperty p, String name, String replacement) {
        StringBuilder sb = new StringBuilder("    {\n");
        sb.append("      \"name\": ").append(quote(name)).append(",\n");
        sb.append("      \"type\": ").append(quote(javaType(p.kind()))).append(",\n");
        sb.append("      \"description\": ").append(quote(p.description())).append(",\n");
        sb.append("      \"sourceType\": \"dev.veil.driver.config.VeilProperty\"");
        if (p.defaultValue() != null && replacement == null) {
            sb.append(",\n      \"defaultValue\": ").append(switch (p.kind()) {
                case BOOLEAN, COUNT -> p.defaultValue();
                default -> quote(p.defaultValue());
            });
        }
        if (replacement != null) {
            sb.append(",\n      \"deprecation\": {\n        \"level\": \"warning\",\n        \"replacement\": ")
                    .append(quote(replacement)).append("\n      }");
        }
        return sb.append("\n    }").toString();
    }

    private static String javaType(VeilProperty.Kind kind) {
        return switch (kind) {
            case BOOLEAN -> "java.lang.Boolean";
            case COUNT -> "java.lang.Long";
            case DURATION -> "java.time.Duration";
            case LIST -> "java.util.List<java.lang.String>";
            default -> "java.lang.String";
        };
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
