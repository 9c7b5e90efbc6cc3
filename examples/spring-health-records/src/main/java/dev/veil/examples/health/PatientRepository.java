package dev.veil.examples.health;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Plain Spring Data JPA: the email and SSN lookups go through Veil's blind indexes without any code for it. */
public interface PatientRepository extends JpaRepository<Patient, Long> {

    Optional<Patient> findByEmail(String email);

    boolean existsBySsn(String ssn);
}
