package dev.veil.spring.it.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.spring.TestKeys;
import dev.veil.spring.VeilStartupException;
import dev.veil.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Start-up refuses configurations in which an @Encrypted field could reach the database in plaintext. */
@ExtendWith(OutputCaptureExtension.class)
class FailClosedStartupIT {

    static final TestDatabase DB = TestDatabase.create(FailClosedStartupIT.class);

    @AfterAll
    static void drop() {
        DB.drop();
    }

    static SpringApplicationBuilder app(String url) {
        return new SpringApplicationBuilder(NamingTestApplication.class).properties(
                "spring.datasource.url=" + url,
                "spring.datasource.username=" + DB.properties().getProperty("user", ""),
                "spring.datasource.password=" + DB.properties().getProperty("password", ""),
                "spring.jpa.hibernate.ddl-auto=create",
                "veil.master-key=" + TestKeys.masterKey());
    }

    @Test
    void aNamingStrategyThatRenamesAnEncryptedColumnsTableIsRefused(CapturedOutput output) {
        assertThatThrownBy(() -> app(DB.veilUrl()).run()).hasRootCauseInstanceOf(VeilStartupException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("@Encrypted dev.veil.spring.it.naming.Record.ssn is mapped by Hibernate to "
                        + "patient_records.ssn, which Veil does not encrypt (Veil encrypts: patientrecords.ssn)")
                .contains("@Table(name = \"patient_records\")");
    }

    @Test
    void aDataSourceThatBypassesVeilIsRefused(CapturedOutput output) {
        assertThatThrownBy(() -> app(DB.url()).run()).hasRootCauseInstanceOf(VeilStartupException.class);
        assertThat(output).contains("is not a Veil DataSource").contains("veil.wrap-data-source=true");
    }
}
