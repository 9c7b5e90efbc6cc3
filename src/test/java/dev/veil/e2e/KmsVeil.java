package dev.veil.e2e;

import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.TestDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes Veil YAML files whose master key is a key of a {@link FakeKmsServer}, and builds Veil URLs for them. */
final class KmsVeil {

    private KmsVeil() {
    }

    /**
     * A config with generous KMS timeouts (api-call 30 s, attempt 10 s, connect 5 s): for tests that are not about
     * timeouts, so a busy machine or a cold AWS SDK slows them down but cannot fail them.
     *
     * @param keyCache the {@code key-cache} mapping, e.g. {@code "{ ttl: PT1S, max-staleness: PT2S }"}, or null
     * @param tables the body of {@code tables:}, indented two spaces per level
     */
    static Path writeConfig(Path dir, String fileName, FakeKmsServer kms, String keyArn, String keyCache,
            String tables) throws IOException {
        return write(dir, fileName, kms, keyArn, keyCache, tables, "PT30S", "PT10S", "PT5S");
    }

    /** As {@link #writeConfig}, with the short timeouts outage tests are about: api-call 2 s, attempt 1 s. */
    static Path writeOutageConfig(Path dir, String fileName, FakeKmsServer kms, String keyArn, String keyCache,
            String tables) throws IOException {
        return write(dir, fileName, kms, keyArn, keyCache, tables, API_CALL_TIMEOUT, "PT1S", "PT0.5S");
    }

    /** The api-call timeout of {@link #writeOutageConfig}. */
    static final String API_CALL_TIMEOUT = "PT2S";

    private static Path write(Path dir, String fileName, FakeKmsServer kms, String keyArn, String keyCache,
            String tables, String apiCallTimeout, String attemptTimeout, String connectTimeout) throws IOException {
        String yaml = "master-key: " + FakeKmsServer.uri(keyArn) + "\n"
                + "master-key-options:\n"
                + "  region: " + FakeKmsServer.REGION + "\n"
                + "  endpoint: " + kms.endpoint() + "\n"
                + "  api-call-timeout: " + apiCallTimeout + "\n"
                + "  api-call-attempt-timeout: " + attemptTimeout + "\n"
                + "  connect-timeout: " + connectTimeout + "\n"
                + "  max-attempts: 2\n"
                + (keyCache == null ? "" : "key-cache: " + keyCache + "\n")
                + "tables:\n" + tables;
        Path file = dir.resolve(fileName);
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * {@code jdbc:veil:…?veil.config=…&ApplicationName=…}. The driver keeps one runtime (and so one key cache) per
     * URL and Veil properties; a distinct {@code label} (a harmless pgjdbc parameter) gives a fresh, cold one.
     */
    static String url(TestDatabase db, Path config, String label) {
        String base = db.veilUrl();
        return base + (base.contains("?") ? "&" : "?") + "veil.config="
                + URLEncoder.encode(config.toString(), StandardCharsets.UTF_8) + "&ApplicationName="
                + URLEncoder.encode(label, StandardCharsets.UTF_8);
    }
}
