package dev.veil.e2e.rowbound;

import dev.veil.annotation.Encrypted;
import dev.veil.annotation.RowBinding;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.UUID;

/**
 * A JPA entity whose encrypted values are bound to their row's key: a client-assigned UUID, so the key is known
 * when Hibernate writes (a server-generated identity would be refused).
 */
@Entity
@Table(name = "charts")
@RowBinding
public class Chart {

    @Id
    private UUID id = UUID.randomUUID();

    @Version
    private int version;

    private String patient;

    @Encrypted
    @Column(columnDefinition = "bytea")
    private String diagnosis;

    protected Chart() {
    }

    public Chart(String patient, String diagnosis) {
        this.patient = patient;
        this.diagnosis = diagnosis;
    }

    public UUID getId() {
        return id;
    }

    public String getPatient() {
        return patient;
    }

    public String getDiagnosis() {
        return diagnosis;
    }

    public void setDiagnosis(String diagnosis) {
        this.diagnosis = diagnosis;
    }
}
