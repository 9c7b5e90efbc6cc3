package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.config.VeilProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the settings tables of the README and docs/configuration.md identical to {@link VeilProperty}, the single
 * declaration: the text between {@code <!-- settings:begin -->} and {@code <!-- settings:end -->} must be what
 * {@link #table()} generates. On a mismatch the expected table is written to {@code target/settings-table.md}.
 */
class ReadmePropertiesTest {

    static final String BEGIN = "<!-- settings:begin (generated from VeilProperty by ReadmePropertiesTest) -->";
    static final String END = "<!-- settings:end -->";

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/configuration.md"})
    void settingsTableIsTheCatalogues(String file) throws IOException {
        String text = Files.readString(Path.of("..", file), StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String expected = table();
        String actual = begin < 0 || end < begin ? "" : text.substring(begin + BEGIN.length(), end);
        if (!expected.equals(actual)) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/settings-table.md"), BEGIN + expected + END + "\n");
        }
        assertThat(actual).as(file + ": replace the block with target/settings-table.md").isEqualTo(expected);
    }

    /** The settings table and the former names, as Markdown between the markers. */
    static String table() {
        List<String> rows = new ArrayList<>();
        rows.add("| JDBC and Spring property | YAML | type | default | description |");
        rows.add("|---|---|---|---|---|");
        List<String> former = new ArrayList<>();
        for (VeilProperty p : VeilProperty.values()) {
            String yaml = switch (p.yaml()) {
                case KEY -> "`" + p.path() + "`";
                case PER_COLUMN -> "`legacy-plaintext: true` on each column";
                case NONE -> "–";
            };
            rows.add("| `" + p.key() + "` | " + yaml + " | " + p.kind().describe() + " | "
                    + (p.defaultValue() == null ? "–" : "`" + p.defaultValue() + "`") + " | " + p.description() + " |");
            for (String f : p.formerNames()) {
                former.add("| `" + f + "` | `" + p.key() + "` |");
            }
        }
        StringBuilder sb = new StringBuilder("\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        if (!former.isEmpty()) {
            sb.append("\nFormer names, still accepted with a deprecation warning (logged once per name, without the "
                    + "value):\n\n| former name | use |\n|---|---|\n");
            former.forEach(r -> sb.append(r).append('\n'));
        }
        return sb.toString();
    }
}
