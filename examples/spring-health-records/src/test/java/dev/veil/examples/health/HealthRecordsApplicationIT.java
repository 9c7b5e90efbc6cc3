package dev.veil.examples.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HealthRecordsApplicationIT {

    static final TestDatabase DB = TestDatabase.create(HealthRecordsApplicationIT.class);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path keyset = Files.createTempDirectory("veil-example").resolve("master-keyset.json");
        LocalKeysetGenerator.generate(keyset);
        registry.add("spring.datasource.url", DB::veilUrl);
        registry.add("spring.datasource.username", () -> DB.properties().getProperty("user", ""));
        registry.add("spring.datasource.password", () -> DB.properties().getProperty("password", ""));
        registry.add("veil.master-key", () -> "local-keyset:" + keyset);
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    static void drop() {
        DB.drop();
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void storesCiphertextAndServesPlaintext() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/patients"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"email\":\"ada@example.com\","
                        + "\"ssn\":\"123-45-6789\",\"heartRate\":72,\"birthDate\":\"1815-12-10\"}")));
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + location)));
        assertThat(read.body()).contains("\"ssn\":\"123-45-6789\"").contains("\"heartRate\":72")
                .contains("\"birthDate\":\"1815-12-10\"");
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/patients?page=0")));
        assertThat(page.body()).contains("\"totalElements\":1").contains("ada@example.com");
        HttpResponse<String> found = send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/patients?email=%20ADA@Example.com")));
        assertThat(found.body()).contains("\"name\":\"Ada\"").contains("\"ssn\":\"123-45-6789\"");
        assertThat(send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/patients?email=eve@example.com")))
                .body()).isEqualTo("[]");
        HttpResponse<String> duplicate = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/patients"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada again\",\"email\":\"ada2@example.com\","
                        + "\"ssn\":\"123-45-6789\"}")));
        assertThat(duplicate.statusCode()).isEqualTo(409);
        HttpResponse<String> health = send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health")));
        assertThat(health.body()).contains("\"veil\"");

        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, ssn, heart_rate FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("name")).isEqualTo("Ada");
            assertThat(rs.getBytes("ssn")[0]).isEqualTo((byte) 0x56);
            assertThat(rs.getBytes("heart_rate")[0]).isEqualTo((byte) 0x56);
            assertThat(rs.next()).isFalse(); // the duplicate SSN was refused
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT email_bidx, ssn_bidx FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes("email_bidx")).hasSize(32);
            assertThat(rs.getBytes("ssn_bidx")).hasSize(16);
        }
    }
}
