package dev.veil.spring.it.bidx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.spring.TestKeys;
import dev.veil.spring.VeilSchemaException;
import dev.veil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Blind-index companion columns at start-up: missing or unindexed ones fail through the failure analyzer with the
 * DDL to run; ddl-auto=update adds them; rows that predate an index are a warning (searches refused with VE013
 * until re-saved); leakage guidance is logged per index.
 */
@ExtendWith(OutputCaptureExtension.class)
class BlindIndexSchemaIT {

    static final TestDatabase DB = TestDatabase.create(BlindIndexSchemaIT.class);

    @AfterAll
    static void drop() {
        DB.drop();
    }

    static SpringApplicationBuilder app(String ddlAuto) {
        return new SpringApplicationBuilder(BlindIndexTestApplication.class).properties(
                "spring.datasource.url=" + DB.veilUrl(),
                "spring.datasource.username=" + DB.properties().getProperty("user", ""),
                "spring.datasource.password=" + DB.properties().getProperty("password", ""),
                "spring.jpa.hibernate.ddl-auto=" + ddlAuto,
                "veil.master-key=" + TestKeys.masterKey());
    }

    static void sql(String... statements) throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    @BeforeEach
    void dropTable() throws Exception {
        sql("DROP TABLE IF EXISTS members");
    }

    @Test
    void aMissingCompanionColumnFailsWithTheDdlAndStartsOnceItIsApplied(CapturedOutput output) throws Exception {
        sql("CREATE TABLE members (id bigint PRIMARY KEY, name varchar(50), email bytea)");
        VeilSchemaException failure = (VeilSchemaException) org.assertj.core.api.Assertions.catchThrowable(
                () -> app("none").run());
        assertThat(failure.problems()).singleElement().satisfies(p -> assertThat(p.ddl()).isEqualTo(
                "ALTER TABLE members ADD COLUMN email_bidx bytea; "
                        + "CREATE INDEX members_email_bidx_idx ON members (email_bidx);"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Veil's schema validation found 1 problem with encrypted columns and blind indexes")
                .contains("blind index members.email_bidx (on email): column members.email_bidx does not exist")
                .contains("    ALTER TABLE members ADD COLUMN email_bidx bytea; "
                        + "CREATE INDEX members_email_bidx_idx ON members (email_bidx);");

        sql(failure.problems().get(0).ddl());
        try (ConfigurableApplicationContext context = app("none").run()) {
            MemberRepository members = context.getBean(MemberRepository.class);
            members.save(new Member(1L, "Ada", "Ada@Example.com"));
            assertThat(members.findByEmail("ada@example.com")).map(Member::getId).contains(1L);
        }
    }

    @Test
    void aCompanionColumnWithoutAnIndexOrOfTheWrongTypeIsReported(CapturedOutput output) throws Exception {
        sql("CREATE TABLE members (id bigint PRIMARY KEY, name varchar(50), email bytea, email_bidx text)");
        assertThatThrownBy(() -> app("none").run()).isInstanceOfSatisfying(VeilSchemaException.class,
                e -> assertThat(e.problems()).extracting(VeilSchemaException.Problem::ddl).containsExactly(
                        "ALTER TABLE members ALTER COLUMN email_bidx TYPE bytea USING NULL; -- rows are indexed "
                                + "again when re-saved through Veil",
                        "CREATE INDEX members_email_bidx_idx ON members (email_bidx);"));
        assertThat(output).contains("column members.email_bidx has type text, but index values are bytea")
                .contains("column members.email_bidx has no index");

        sql("ALTER TABLE members ALTER COLUMN email_bidx TYPE bytea USING NULL",
                "CREATE UNIQUE INDEX members_email_uq ON members (email_bidx)"); // any index leading with it will do
        try (ConfigurableApplicationContext context = app("none").run()) {
            assertThat(context.isRunning()).isTrue();
        }
    }

    @Test
    void ddlAutoUpdateAddsTheColumnAndIndexAndOlderRowsAreAWarningUntilReSaved(CapturedOutput output)
            throws Exception {
        try (ConfigurableApplicationContext context = app("create").run()) {
            context.getBean(MemberRepository.class).saveAll(List.of(new Member(1L, "Ada", "ada@example.com"),
                    new Member(2L, "Bob", "bob@example.com")));
        }
        // as if the index had been declared after these rows were written
        sql("ALTER TABLE members DROP COLUMN email_bidx");

        try (ConfigurableApplicationContext context = app("update").run()) {
            assertThat(output).contains("Veil: blind index members.email_bidx has no value yet for rows written "
                    + "before it was declared");
            MemberRepository members = context.getBean(MemberRepository.class);
            assertThatThrownBy(() -> members.findByEmail("ada@example.com"))
                    .isInstanceOf(InvalidDataAccessResourceUsageException.class)
                    .hasMessageContaining("members.email_bidx");
            // re-save the old rows through Veil: read each value, write it back
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            for (Map<String, Object> row : jdbc.queryForList("SELECT id, email FROM members")) {
                jdbc.update("UPDATE members SET email = ? WHERE id = ?", row.get("email"), row.get("id"));
            }
            assertThat(members.findByEmail("BOB@example.com")).map(Member::getId).contains(2L);
        }
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'members_email_bidx_idx'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("CREATE INDEX").endsWith("(email_bidx)");
        }
    }

    @Test
    void logsLeakageGuidancePerIndexWithoutValues(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = app("create").run()) {
            MemberRepository members = context.getBean(MemberRepository.class);
            for (long i = 0; i < 200; i++) {
                members.save(new Member(i, "M" + i, "member" + i + "@example.com"));
            }
        }
        assertThat(output).contains("Veil leakage guidance: blind index members.email_bidx has no statistics yet");
        sql("ANALYZE members");
        try (ConfigurableApplicationContext context = app("none").run()) {
            assertThat(output).contains("Veil leakage guidance (from PostgreSQL statistics; numbers only)")
                    .contains("members.email_bidx at 256 bits (exact)").contains("recommended: ")
                    .doesNotContain("member42@example.com");
        }
    }
}
