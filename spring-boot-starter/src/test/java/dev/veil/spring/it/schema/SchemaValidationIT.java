package dev.veil.spring.it.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.spring.TestKeys;
import dev.veil.spring.VeilSchemaException;
import dev.veil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A missing and a mis-typed encrypted column fail start-up through the failure analyzer, with the DDL to run. */
@ExtendWith(OutputCaptureExtension.class)
class SchemaValidationIT {

    static final TestDatabase DB = TestDatabase.create(SchemaValidationIT.class);

    @AfterAll
    static void drop() {
        DB.drop();
    }

    static SpringApplicationBuilder app() {
        return new SpringApplicationBuilder(SchemaTestApplication.class).properties(
                "spring.datasource.url=" + DB.veilUrl(),
                "spring.datasource.username=" + DB.properties().getProperty("user", ""),
                "spring.datasource.password=" + DB.properties().getProperty("password", ""),
                "spring.jpa.hibernate.ddl-auto=none",
                "veil.master-key=" + TestKeys.masterKey());
    }

    @Test
    void failsWithTheDdlToRunThenStartsOnceItIsApplied(CapturedOutput output) throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS visits");
            st.execute("CREATE TABLE visits (id bigint PRIMARY KEY, name varchar(50), pulse integer)");
        }
        assertThatThrownBy(() -> app().run()).isInstanceOfSatisfying(VeilSchemaException.class,
                e -> assertThat(e.problems()).hasSize(2));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Veil's schema validation found 2 problems with encrypted columns")
                .contains("column visits.notes does not exist")
                .contains("column visits.pulse has type int4, which cannot hold ciphertext")
                .contains("ALTER TABLE visits ADD COLUMN notes bytea;")
                .contains("ALTER TABLE visits ALTER COLUMN pulse TYPE bytea USING NULL; -- after migrating values");

        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE visits ADD COLUMN notes bytea");
            st.execute("ALTER TABLE visits ALTER COLUMN pulse TYPE bytea USING NULL");
        }
        try (ConfigurableApplicationContext context = app().run()) {
            assertThat(context.isRunning()).isTrue();
        }
    }

    @Test
    void aVarcharTooShortForCiphertextIsReported(CapturedOutput output) throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS visits");
            st.execute("CREATE TABLE visits (id bigint PRIMARY KEY, name varchar(50), notes varchar(40), pulse text)");
        }
        assertThatThrownBy(() -> app().run()).isInstanceOf(VeilSchemaException.class);
        assertThat(output).contains("column visits.notes is varchar(40), too short for ciphertext")
                .contains("ALTER TABLE visits ALTER COLUMN notes TYPE bytea USING NULL; -- after migrating values")
                .doesNotContain("visits.pulse has");
        try (ConfigurableApplicationContext context = app().properties("veil.schema.validate=false").run()) {
            assertThat(context.isRunning()).isTrue();
        }
    }
}
