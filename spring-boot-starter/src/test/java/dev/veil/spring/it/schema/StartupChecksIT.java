package dev.veil.spring.it.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.spring.TestKeys;
import dev.veil.spring.VeilLegacyPlaintextException;
import dev.veil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What start-up reports and refuses on a real PostgreSQL: the summary of encrypted columns, the legacy-plaintext
 * warning, rows that are not ciphertext, a refused statement in data.sql, and the plaintext DataSource opt-out.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupChecksIT {

    static final TestDatabase DB = TestDatabase.create(StartupChecksIT.class);

    @AfterAll
    static void drop() {
        DB.drop();
    }

    @BeforeEach
    void freshTable() throws Exception {
        plain("DROP TABLE IF EXISTS visits",
                "CREATE TABLE visits (id bigint PRIMARY KEY, name varchar(50), notes bytea, pulse bytea)");
    }

    static SpringApplicationBuilder app(String url, String... properties) {
        return new SpringApplicationBuilder(SchemaTestApplication.class).properties(
                "spring.datasource.url=" + url,
                "spring.datasource.username=" + DB.properties().getProperty("user", ""),
                "spring.datasource.password=" + DB.properties().getProperty("password", ""),
                "spring.jpa.hibernate.ddl-auto=none",
                "veil.master-key=" + TestKeys.masterKey()).properties(properties);
    }

    @Test
    void startUpListsEveryEncryptedColumnAndWarnsWhileLegacyPlaintextIsAllowed(CapturedOutput output) {
        try (ConfigurableApplicationContext context = app(DB.veilUrl()).run()) {
            assertThat(output).contains("Veil encrypts 2 columns and keeps 0 blind indexes (master key local-keyset, "
                    + "development only):")
                    .contains("  encrypted   visits.notes (", "  encrypted   visits.pulse (")
                    .doesNotContain("allow-legacy-plaintext is ON");
        }
        try (ConfigurableApplicationContext context = app(DB.veilUrl(), "veil.allow-legacy-plaintext=true").run()) {
            assertThat(output).contains("WARN").contains("Veil: allow-legacy-plaintext is ON (insecure, for "
                    + "migrations only)");
        }
    }

    @Test
    void rowsWrittenWithoutVeilFailStartUpWithTheCountAndTheMigration(CapturedOutput output) throws Exception {
        plain("INSERT INTO visits (id, name, notes) VALUES (1, 'Ada', convert_to('plain notes', 'UTF8')), "
                + "(2, 'Alan', NULL)");
        assertThatThrownBy(() -> app(DB.veilUrl()).run()).isInstanceOfSatisfying(VeilLegacyPlaintextException.class,
                e -> assertThat(e.findings()).singleElement().satisfies(f -> {
                    assertThat(f.column()).isEqualTo("visits.notes");
                    assertThat(f.plaintext()).isEqualTo(1);
                }));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("  - visits.notes: 1 of 1 sampled non-null values are not Veil ciphertext")
                .contains("start with veil.allow-legacy-plaintext=true", "re-save every such row through the "
                        + "application", "veil.schema.plaintext-check=warn")
                .doesNotContain("plain notes");

        try (ConfigurableApplicationContext context = app(DB.veilUrl(), "veil.schema.plaintext-check=warn").run()) {
            assertThat(output).contains("Veil: encrypted columns hold values that are not Veil ciphertext: "
                    + "[visits.notes: 1 of 1");
        }
    }

    @Test
    void plaintextOnlyInColumnsWhoseWindowIsOpenWarnsInsteadOfFailing(CapturedOutput output) throws Exception {
        plain("INSERT INTO visits (id, name, notes) VALUES (1, 'Ada', convert_to('plain notes', 'UTF8'))");
        try (ConfigurableApplicationContext context = app(DB.veilUrl(),
                "veil.legacy-plaintext-columns=visits.notes").run()) {
            assertThat(output).contains("Veil: the migration window is open for visits.notes")
                    .contains("Veil: encrypted columns hold values that are not Veil ciphertext: [visits.notes: 1 of 1")
                    .doesNotContain("plain notes");
        }
        // a window on another column does not excuse this one
        assertThatThrownBy(() -> app(DB.veilUrl(), "veil.legacy-plaintext-columns=visits.pulse").run())
                .isInstanceOf(VeilLegacyPlaintextException.class);
    }

    @Test
    void aStatementVeilRefusesInDataSqlIsReportedWithoutItsValuesOrAStackTrace(CapturedOutput output) {
        assertThatThrownBy(() -> app(DB.veilUrl(), "spring.sql.init.mode=always",
                "spring.sql.init.data-locations=classpath:veil-refused-data.sql").run());
        String report = output.getOut() + output.getErr();
        String failure = report.substring(report.indexOf("APPLICATION FAILED TO START"));
        assertThat(failure).contains("Spring's SQL initialization ran statement #1 of class path resource "
                + "[veil-refused-data.sql], which Veil refused (SQLState VE010)")
                .contains("visits.notes")
                .contains("insert the data through the application")
                .doesNotContain("secret words")
                .doesNotContain("\tat ");
    }

    @Test
    void aPlainDataSourceStartsOnlyWithTheOptOutThatNamesTheRisk(CapturedOutput output) {
        assertThatThrownBy(() -> app(DB.url()).run()).hasRootCauseInstanceOf(dev.veil.spring.VeilStartupException.class);
        assertThat(output).contains("veil.allow-plaintext-data-source=true")
                .contains("@AutoConfigureTestDatabase(replace = Replace.NONE)");
        try (ConfigurableApplicationContext context = app(DB.url(), "veil.allow-plaintext-data-source=true").run()) {
            assertThat(output).contains("are stored in PLAINTEXT");
        }
    }

    private static void plain(String... statements) throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
