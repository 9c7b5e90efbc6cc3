package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearMissTest {

    @ParameterizedTest
    @CsvSource({"patients, patient, true", "patient, patients, true", "patients, Patients, true",
        "ssn, snn, true", "ssn, ssm, true", "address, addresses, true", "category, categories, true",
        "patients, patinets, true", "patients, pateints, true", "patients, patientz, true",
        "patients, visits, false", "ssn, sin, true", "id, ix, false", "ssn, name, false", "patients, patients, false",
        "email, e_mail, true", "email, emails, true", "email, gmail, true", "email, phone, false"})
    void aNearMissIsACaseSlipAPluralOrAnEditOrTwo(String configured, String candidate, boolean near) {
        assertThat(NearMiss.near(configured, candidate)).isEqualTo(near);
    }

    @Test
    void closestComeFirst() {
        assertThat(NearMiss.closest("snn", List.of("id", "name", "sn", "ssn", "sin"))).startsWith("ssn");
    }

    @Test
    void identifiersAreFoldedAsPostgresqlFoldsThem() {
        assertThat(SqlWords.identifiers("INSERT INTO Public.\"Patients\" (ssn) VALUES (?) -- x"))
                .containsExactly("insert", "into", "public", "Patients", "ssn", "values", "x");
        assertThat(SqlWords.first("  /* c */ -- d\n (CREATE TABLE x")).isEqualTo("create");
        assertThat(SqlWords.first("")).isEmpty();
    }
}
