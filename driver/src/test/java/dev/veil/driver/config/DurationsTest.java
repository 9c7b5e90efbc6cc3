package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar of YAML, JDBC and Spring properties. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({"250ms,PT0.25S", "30s,PT30S", "5m,PT5M", "1h,PT1H", "1d,PT24H", "PT5M,PT5M", "pt1h30m,PT1H30M",
        "P1D,PT24H", "' 90 s ',PT1M30S"})
    void shortAndIsoFormsAreAccepted(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"300", "5 minutes", "5M", "10us", "", "soon"})
    void anythingElseIsRefusedWithTheForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("250ms").hasMessageContaining("PT5M");
    }
}
