package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.RuntimeSeams;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.FakeTicker;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaWatch}'s interval on the runtime's clock: a change made around Veil is not looked for before the
 * interval (one minute) has passed and is seen by the first statement after it. The clock is a fake ticker the
 * test moves, so neither half sleeps and neither needs the interval shortened.
 */
class SchemaWatchIT {

    static final String SSN = "123-45-6789";

    VeilFixture fx;
    FakeTicker ticker;
    VeilRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        fx = VeilFixture.create(SchemaWatchIT.class, "  patients:\n    ssn: { type: string }\n");
        fx.plainExecute("CREATE TABLE patients (id int PRIMARY KEY, ssn text)");
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        ticker = new FakeTicker();
        runtime = RuntimeSeams.tuned(VeilDriver.configFrom(p), fx::plain, fx.database().name(), ticker, b -> b);
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        fx.close();
    }

    @Test
    void aColumnRenamedAroundVeilIsSeenByTheFirstStatementAfterTheIntervalAndNotBefore() throws Exception {
        try (Connection veil = new VeilConnection(fx.plain(), runtime)) {
            try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, ssn) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, SSN);
                ps.executeUpdate(); // reads the catalog: the first plan
            }
            assertThat(readSsn(veil)).isEqualTo(SSN);
            fx.plainExecute("ALTER TABLE patients RENAME COLUMN ssn TO social"); // around Veil

            ticker.advance(Duration.ofSeconds(59));
            SQLException server = catchThrowableOfType(SQLException.class, () -> readSsn(veil));
            assertThat(server.getSQLState()).as("not looked for yet: the server answers").isEqualTo("42703");

            ticker.advance(Duration.ofSeconds(2));
            SQLException veilRefusal = catchThrowableOfType(SQLException.class, () -> readSsn(veil));
            assertThat(veilRefusal.getSQLState()).isEqualTo(VeilSqlState.SCHEMA_MISMATCH.state());
            assertThat(veilRefusal.getMessage()).contains("patients.ssn").doesNotContain(SSN);
        }
    }

    private static String readSsn(Connection veil) throws SQLException {
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT ssn FROM patients")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
