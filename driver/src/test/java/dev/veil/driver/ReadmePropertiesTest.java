package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the README's property table in step with {@link VeilProperty}, the single declaration. */
class ReadmePropertiesTest {

    @Test
    void readmeTableListsEveryPropertyWithItsDefaultAndDescription() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String> rows = new ArrayList<>();
        for (String line : readme.split("\n")) {
            if (line.startsWith("| `veil.")) {
                rows.add(line);
            }
        }
        assertThat(rows).hasSize(VeilProperty.values().length);
        for (VeilProperty p : VeilProperty.values()) {
            String expected = "| `" + p.key() + "` | " + (p.defaultValue() == null ? "–" : "`" + p.defaultValue() + "`")
                    + " | " + p.description() + " |";
            assertThat(rows).as(p.key()).contains(expected);
        }
    }
}
