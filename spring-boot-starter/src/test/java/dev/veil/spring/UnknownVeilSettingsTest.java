package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class UnknownVeilSettingsTest {

    @Test
    void aMisspelledSettingIsReportedAndEveryKnownSpellingIsNot() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("veil.key-cache.tll", "5m");                       // the typo
        props.put("veil.keyCache.ttl", "5m");                        // relaxed spelling of a catalogue name
        props.put("veil.key-cache-ttl", "5m");                       // a former name
        props.put("veil.master-key", "local-keyset:/k.json");
        props.put("veil.schema.validate", "false");                  // the starter's own
        props.put("veil.allow-legacy-plaintext.patients.ssn", "true");
        props.put("veil.legacy-plaintext-columns[0]", "patients.ssn"); // a list, indexed
        props.put("spring.datasource.url", "jdbc:postgresql://x/y");
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", props));

        assertThat(UnknownVeilSettings.of(env)).containsExactly("veil.key-cache.tll");
    }

    @Test
    void noVeilSettingsNoReport() {
        assertThat(UnknownVeilSettings.of(new StandardEnvironment())).isEmpty();
    }
}
