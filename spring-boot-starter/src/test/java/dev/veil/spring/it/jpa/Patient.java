package dev.veil.spring.it.jpa;

import dev.veil.annotation.BlindIndex;
import dev.veil.annotation.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.LocalDate;

@Entity
@Table(name = "patients")
public class Patient {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "patients_seq")
    @SequenceGenerator(name = "patients_seq", allocationSize = 50)
    private Long id;

    @Version
    private long version;

    private String name;

    /** Exact blind index email_bidx; unique, so the integrator makes its index unique (normalized uniqueness). */
    @Encrypted
    @BlindIndex(normalize = {"trim", "lowercase"})
    @Column(unique = true)
    private String email;

    /** Slow (Argon2id) blind index ssn_bidx, declared in veil-blind-index.yml with the cheap test cost. */
    @Encrypted
    private String ssn;

    @Encrypted
    private Integer heartRate;

    /** Truncated (16-bit) blind index birth_date_bidx, declared in veil-blind-index.yml. */
    @Encrypted
    private LocalDate birthDate;

    @Embedded
    private Address address;

    protected Patient() {
    }

    public Patient(String name, String email, String ssn, Integer heartRate, LocalDate birthDate) {
        this.name = name;
        this.email = email;
        this.ssn = ssn;
        this.heartRate = heartRate;
        this.birthDate = birthDate;
    }

    public Long getId() {
        return id;
    }

    public long getVersion() {
        return version;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getSsn() {
        return ssn;
    }

    public Integer getHeartRate() {
        return heartRate;
    }

    public void setHeartRate(Integer heartRate) {
        this.heartRate = heartRate;
    }

    public LocalDate getBirthDate() {
        return birthDate;
    }

    public Address getAddress() {
        return address;
    }

    public void setAddress(Address address) {
        this.address = address;
    }
}
