package dev.veil.examples.health;

import dev.veil.annotation.BlindIndex;
import dev.veil.annotation.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;

/**
 * Encrypt the heart rate, not the whole database: only the four sensitive fields are encrypted (in the JVM, before
 * they leave); {@code name} stays plain, so it can be searched and sorted in SQL. {@code email} and {@code ssn} can
 * still be searched by equality through blind indexes: companion columns {@code email_bidx} and {@code ssn_bidx}
 * ({@code bytea}, indexed) that Veil fills on every write and Hibernate never maps.
 */
@Entity
@Table(name = "patients")
public class Patient {

    @Id
    @GeneratedValue
    private Long id;

    private String name;

    /** findByEmail: exact index, " Ada@Example.com" and "ada@example.com" are the same address. */
    @Encrypted
    @BlindIndex(normalize = {"trim", "lowercase"})
    private String email;

    /**
     * existsBySsn: an SSN has few possible values, so its index is slow (Argon2id, ~25 ms per write and lookup)
     * to make guessing expensive even for someone holding the key. 128 bits keeps it exact, which existsBy/countBy
     * need (they use LIMIT/count, which a truncated index cannot answer exactly); SSNs are unique per person, so
     * the full-length index shows little beyond "these values differ" — the start-up leakage guidance says so.
     */
    @Encrypted
    @BlindIndex(slow = "argon2id", bits = 128)
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
