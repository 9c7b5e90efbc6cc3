package dev.veil.e2e.model;

import dev.veil.annotation.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A JPA entity with five encrypted fields. Encrypted columns hold ciphertext, so their SQL type is given with
 * {@code columnDefinition}: {@code bytea} (preferred) for four of them and {@code text} for {@code email}, to
 * exercise both storage forms. Without it Hibernate's schema export would create {@code varchar(255)},
 * {@code integer}, {@code date} and {@code numeric} columns that cannot hold ciphertext.
 */
@Entity
@Table(name = "patients")
public class Patient {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "patients_seq")
    @SequenceGenerator(name = "patients_seq", sequenceName = "patients_seq", allocationSize = 50)
    private Long id;

    @Version
    private int version;

    private String name;

    @Encrypted
    @Column(columnDefinition = "bytea")
    private String ssn;

    @Encrypted
    @Column(columnDefinition = "text")
    private String email;

    @Encrypted
    @Column(name = "heart_rate", columnDefinition = "bytea")
    private Integer heartRate;

    @Encrypted
    @Column(name = "birth_date", columnDefinition = "bytea")
    private LocalDate birthDate;

    @Encrypted
    @Column(columnDefinition = "bytea")
    private BigDecimal balance;

    protected Patient() {
    }

    public Patient(String name, String ssn, String email, Integer heartRate, LocalDate birthDate, BigDecimal balance) {
        this.name = name;
        this.ssn = ssn;
        this.email = email;
        this.heartRate = heartRate;
        this.birthDate = birthDate;
        this.balance = balance;
    }

    public Long getId() {
        return id;
    }

    public int getVersion() {
        return version;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getSsn() {
        return ssn;
    }

    public void setSsn(String ssn) {
        this.ssn = ssn;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
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

    public void setBirthDate(LocalDate birthDate) {
        this.birthDate = birthDate;
    }

    public BigDecimal getBalance() {
        return balance;
    }

    public void setBalance(BigDecimal balance) {
        this.balance = balance;
    }
}
