package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilProperty;
import dev.veil.driver.error.VeilSqlState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil.legacy-plaintext-columns}: one column's migration window, named exactly, unknown names refused. */
class LegacyPlaintextColumnsTest {

    @TempDir
    Path dir;

    private Properties properties(String legacyColumns) throws IOException {
        Path yaml = dir.resolve("veil.yml");
        Files.writeString(yaml, "master-key: local-keyset:/etc/veil/master-keyset.json\ntables:\n"
                + "  patients:\n    ssn: {}\n    email: {}\n  clinic.visits:\n    notes: {}\n", StandardCharsets.UTF_8);
        Properties p = new Properties();
        p.setProperty("veil.config", yaml.toString());
        if (legacyColumns != null) {
            p.setProperty(VeilProperty.LEGACY_PLAINTEXT_COLUMNS.key(), legacyColumns);
        }
        return p;
    }

    private static boolean legacy(VeilConfig config, String schema, String table, String column) {
        return config.allowsLegacyPlaintext(config.columnsOf(schema, table).get(column));
    }

    @Test
    void namedColumnsReadLegacyPlaintextAndTheOthersStayStrict() throws Exception {
        VeilConfig config = VeilDriver.configFrom(properties(" patients.ssn , clinic.visits.notes"));
        assertThat(legacy(config, null, "patients", "ssn")).isTrue();
        assertThat(legacy(config, null, "patients", "email")).isFalse();
        assertThat(legacy(config, "clinic", "visits", "notes")).isTrue();
        assertThat(config.allowLegacyPlaintext()).isFalse();
    }

    @Test
    void withoutThePropertyNoColumnReadsLegacyPlaintext() throws Exception {
        VeilConfig config = VeilDriver.configFrom(properties(null));
        assertThat(config.columns()).noneSatisfy(c -> assertThat(config.allowsLegacyPlaintext(c)).isTrue());
    }

    @Test
    void unknownColumnsAreAConfigurationErrorNamingThem() throws Exception {
        Properties p = properties("patients.ssn, patients.sn, other.schema.patients.ssn, clinic.visits.notes, "
                + "public.visits.notes");
        SQLException e = catchThrowableOfType(SQLException.class, () -> VeilDriver.configFrom(p));
        assertThat(e.getSQLState()).isEqualTo(VeilSqlState.INVALID_CONFIGURATION.state());
        assertThat(e.getMessage()).contains("veil.legacy-plaintext-columns", "'patients.sn'",
                "'other.schema.patients.ssn'", "'public.visits.notes'", "configured: patients.ssn, patients.email")
                .doesNotContain("'patients.ssn'").doesNotContain("'clinic.visits.notes'");
    }

    @Test
    void theDriverListsThePropertyAndRefusesItsMisspelling() throws SQLException {
        Properties p = new Properties();
        p.setProperty("veil.legacy_plaintext_columns", "patients.ssn");
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> VeilUrl.parse("jdbc:veil:postgresql://127.0.0.1:5432/none", p));
        assertThat(e.getMessage()).contains("did you mean veil.legacy-plaintext-columns?").doesNotContain("patients");
        assertThat(VeilDriver.instance().getPropertyInfo("jdbc:veil:postgresql://127.0.0.1:5432/none",
                new Properties())).anySatisfy(i -> assertThat(i.name).isEqualTo("veil.legacy-plaintext-columns"));
    }
}
