package dev.veil.examples.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.spring.VeilSchemaException;
import dev.veil.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application against a schema managed by hand (ddl-auto=none): with a blind-index column missing it
 * does not start, and the failure analyzer prints the DDL; once that DDL is applied it starts and searches.
 */
@ExtendWith(OutputCaptureExtension.class)
class BlindIndexStartupIT {

    static final TestDatabase DB = TestDatabase.create(BlindIndexStartupIT.class);

    @AfterAll
    static void drop() {
        DB.drop();
    }

    static ConfigurableApplicationContext start(String ddlAuto, Path keyset) {
        // command-line arguments: they override the example's application.properties (ddl-auto=update)
        return SpringApplication.run(HealthRecordsApplication.class,
                "--spring.datasource.url=" + DB.veilUrl(),
                "--spring.datasource.username=" + DB.properties().getProperty("user", ""),
                "--spring.datasource.password=" + DB.properties().getProperty("password", ""),
                "--spring.jpa.hibernate.ddl-auto=" + ddlAuto,
                "--veil.master-key=local-keyset:" + keyset,
                "--server.port=0");
    }

    @Test
    void aMissingBlindIndexColumnFailsStartUpWithTheDdlAndTheApplicationStartsOnceItIsApplied(CapturedOutput output)
            throws Exception {
        Path keyset = Files.createTempDirectory("veil-example").resolve("master-keyset.json");
        LocalKeysetGenerator.generate(keyset);
        start("create", keyset).close(); // the schema as Hibernate creates it ...
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE patients DROP COLUMN email_bidx"); // ... minus one blind-index column (and its index)
        }

        Throwable failure = catchThrowable(() -> start("none", keyset));
        assertThat(failure).isInstanceOf(VeilSchemaException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("blind index patients.email_bidx (on email): column patients.email_bidx does not exist")
                .contains("ALTER TABLE patients ADD COLUMN email_bidx bytea; "
                        + "CREATE INDEX patients_email_bidx_idx ON patients (email_bidx);");

        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            for (VeilSchemaException.Problem problem : ((VeilSchemaException) failure).problems()) {
                st.execute(problem.ddl()); // exactly what the failure analyzer printed
            }
        }
        try (ConfigurableApplicationContext context = start("none", keyset)) {
            String base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/patients"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Grace\",\"email\":\"grace@example.com\","
                            + "\"ssn\":\"987-65-4321\",\"heartRate\":66,\"birthDate\":\"1906-12-09\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/patients?email=Grace@Example.com")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(found.body()).contains("\"name\":\"Grace\"").contains("\"heartRate\":66");
        }
    }
}
