package dev.veil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.admin.job.JobOptions;
import dev.veil.driver.VeilDriver;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The column jobs do not bind values to rows yet: on a table with {@code row-binding} they are refused (exit code 2,
 * the reason and what to do instead) before anything is written, rather than writing unbound values.
 */
class RowBoundJobsIT {

    static VeilFixture fx;
    static VeilAdmin admin;

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(RowBoundJobsIT.class, """
                  charts:
                    row-binding: true
                    diagnosis: {}
                allow-legacy-plaintext: true
                """);
        fx.plainExecute("CREATE TABLE charts (id uuid PRIMARY KEY, diagnosis text)",
                "INSERT INTO charts VALUES ('0f8fad5b-d9cb-469f-a165-70867728950e', 'plaintext before Veil')");
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        admin = VeilAdmin.open(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    @AfterAll
    static void tearDown() {
        admin.close();
        fx.close();
    }

    @Test
    void columnJobsOnARowBoundTableAreRefusedBeforeWriting() throws Exception {
        assertThatThrownBy(() -> admin.migrateEncrypt(List.of("charts.diagnosis"), JobOptions.defaults()))
                .isInstanceOf(AdminException.class)
                .satisfies(e -> assertThat(((AdminException) e).outcome()).isEqualTo(AdminException.Outcome.USAGE))
                .hasMessageContaining("charts").hasMessageContaining("row-binding")
                .hasMessageContaining("UPDATE … SET column = ? WHERE key = ?");
        try (Connection c = fx.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT diagnosis FROM charts")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("plaintext before Veil");
        }
    }
}
