package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.error.VeilSqlState;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A property that looks like Veil's but is not one, and the {@code jdbc:veil:postgres:} slip, are errors. */
class PropertyNameTest {

    static final String URL = "jdbc:veil:postgresql://127.0.0.1:5432/none";

    @ParameterizedTest
    @ValueSource(strings = {"Veil.Key-Table", "veil_key_table", "VEIL-KEY-TABLE", "veil.key_table", "veil.keytable",
        "veil.master_key", "Veil.config"})
    void aVeilLookingPropertyThatIsNotOneIsRefusedWithTheKnownNames(String name) {
        Properties p = new Properties();
        p.setProperty(name, "somewhere");
        SQLException e = catchThrowableOfType(SQLException.class, () -> VeilUrl.parse(URL, p));
        assertThat((Throwable) e).isInstanceOf(SQLNonTransientConnectionException.class);
        assertThat(e.getSQLState()).isEqualTo(VeilSqlState.INVALID_CONFIGURATION.state());
        assertThat(e.getMessage()).contains("'" + name + "'").contains("veil.key-table").contains("veil.config")
                .doesNotContain("somewhere");
    }

    @Test
    void aVeilLookingNameInTheUrlIsRefusedAndNeverPassedOn() {
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> VeilUrl.parse(URL + "?sslmode=disable&veil_key_table=k", new Properties()));
        assertThat(e.getSQLState()).isEqualTo("VE020");
        assertThat(e.getMessage()).contains("'veil_key_table'").contains("did you mean veil.key-table?");
    }

    @Test
    void aCaseSlipSuggestsTheRightSpelling() {
        Properties p = new Properties();
        p.setProperty("Veil.Key-Table", "k");
        SQLException e = catchThrowableOfType(SQLException.class, () -> VeilUrl.parse(URL, p));
        assertThat(e.getMessage()).contains("did you mean veil.key-table?");
    }

    @Test
    void exactVeilNamesAreKeptAndOtherNamesGoToTheDelegate() throws SQLException {
        Properties p = new Properties();
        p.setProperty("veil.key-table", "k");
        p.setProperty("veilchen", "x");
        p.setProperty("sslmode", "disable");
        VeilUrl t = VeilUrl.parse(URL + "?veil.config=a.yml&ApplicationName=app", p);
        assertThat(t.veilProperties().stringPropertyNames()).containsExactlyInAnyOrder("veil.key-table", "veil.config");
        assertThat(t.delegateProperties().stringPropertyNames()).containsExactlyInAnyOrder("veilchen", "sslmode");
        assertThat(t.delegateUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/none?ApplicationName=app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:veil:postgres://127.0.0.1:5432/db?veil.config=x.yml",
        "jdbc:veil:Postgres://user:secret@127.0.0.1/db"})
    void thePostgresSlipSuggestsPostgresql(String url) {
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(url, new Properties()));
        assertThat(e.getSQLState()).isEqualTo("VE020");
        assertThat(e.getMessage()).contains("did you mean jdbc:veil:postgresql:?").doesNotContain("127.0.0.1")
                .doesNotContain("secret").doesNotContain("no JDBC driver");
    }
}
