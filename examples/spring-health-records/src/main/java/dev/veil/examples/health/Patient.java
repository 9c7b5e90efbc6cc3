package dev.veil.examples.health;

import dev.veil.annotation.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;

/**
 * Encrypt the heart rate, not the whole database: only the four sensitive fields are encrypted (in the JVM, before
 * they leave); {@code name} stays plain, so it can be searched and sorted in SQL.
 */
@Entity
@Table(name = "patients")
public class Patient {

    @Id
    @GeneratedValue
    private Long id;

    private String name;

    @Encrypted // equality search on it will come through a blind index (@BlindIndex)
    private String email;

    @Encrypted
    private String ssn;

    @Encrypted
    private Integer heartRate;

    @Encrypted
    private LocalDate birthDate;

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

    public String getName() {
        return name;
    }

    public String getEmail() {
        return email;
    }

    public String getSsn() {
        return ssn;
    }

    public Integer getHeartRate() {
        return heartRate;
    }

    public LocalDate getBirthDate() {
        return birthDate;
    }
}
