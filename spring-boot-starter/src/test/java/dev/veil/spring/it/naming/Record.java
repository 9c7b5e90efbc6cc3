package dev.veil.spring.it.naming;

import dev.veil.annotation.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Spring Boot's naming strategy maps this to patient_records; Veil's annotation rules to patientrecords. */
@Entity
@Table(name = "PatientRecords")
public class Record {

    @Id
    private Long id;

    @Encrypted
    private String ssn;

    protected Record() {
    }
}
