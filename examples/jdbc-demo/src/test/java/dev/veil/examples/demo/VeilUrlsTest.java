package dev.veil.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VeilUrlsTest {

    @Test
    void veilAddsThePrefixAndTheConfigParameter() {
        assertThat(VeilUrls.veil("jdbc:postgresql://db:5432/app", Path.of("/tmp/my dir/veil.yml")))
                .isEqualTo("jdbc:veil:postgresql://db:5432/app?veil.config=/tmp/my+dir/veil.yml");
        assertThat(VeilUrls.veil("jdbc:postgresql://db:5432/app?user=u", Path.of("/tmp/veil.yml")))
                .isEqualTo("jdbc:veil:postgresql://db:5432/app?user=u&veil.config=/tmp/veil.yml");
    }

    @Test
    void displayHidesDriverParametersThatMayHoldAPassword() {
        assertThat(VeilUrls.display("jdbc:veil:postgresql://db/app?user=u&password=secret&veil.config=/v.yml"))
                .isEqualTo("jdbc:veil:postgresql://db/app?veil.config=/v.yml&...");
        assertThat(VeilUrls.display("jdbc:veil:postgresql://db/app?veil.config=/v.yml"))
                .isEqualTo("jdbc:veil:postgresql://db/app?veil.config=/v.yml");
    }

    @Test
    void demoDatabaseDescriptionShowsNoParameters() {
        assertThat(DemoDatabase.of("jdbc:postgresql://db:5432/app?user=u&password=secret").description())
                .isEqualTo("PostgreSQL at db:5432/app");
    }

    @Test
    void shortenCutsCiphertextOnly() {
        assertThat(ConsoleReport.shorten("veil1:" + "A".repeat(40))).isEqualTo("veil1:" + "A".repeat(18) + "...");
        String plain = "Ada Lovelace, a long plain name";
        assertThat(ConsoleReport.shorten(plain)).isEqualTo(plain);
    }
}
