package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test-side reader of {@code --json} output, against what {@link Json} (the CLI's writer) produces. */
class JsonReaderTest {

    @Test
    void readsWhatTheCliWrites() {
        Map<String, Object> written = new java.util.LinkedHashMap<>();
        written.put("command", "migrate encrypt");
        written.put("rows_examined", 1_000_000L);
        written.put("seconds", 12.5);
        written.put("resumed", true);
        written.put("rows_by_key_version", Map.of("2390129081", 7L));
        written.put("plan", List.of("a \"quoted\"\tline\n", "\u0001"));
        written.put("none", null);
        assertThat(JsonReader.object(Json.write(written) + "\n")).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "veil: starting\n{}", "{} {}", "{}\nveil: done", "[]", "{\"a\":1,}", "{\"a\":1,\"a\":2}",
            "{\"a\":tru}", "{\"a\":\"x}"})
    void refusesAnythingButOneObject(String text) {
        assertThatThrownBy(() -> JsonReader.object(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
