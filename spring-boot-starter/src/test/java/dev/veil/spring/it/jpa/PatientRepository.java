package dev.veil.spring.it.jpa;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.annotation.Transactional;

public interface PatientRepository extends JpaRepository<Patient, Long> {

    List<Patient> findByName(String name);

    Page<Patient> findByNameStartingWith(String prefix, Pageable pageable);

    // through the exact blind index email_bidx (normalize trim, lowercase)
    Optional<Patient> findByEmail(String email);

    List<Patient> findByEmailIn(Collection<String> emails);

    long countByEmail(String email);

    List<Patient> findByEmailNot(String email);

    @Transactional
    long deleteByEmail(String email);

    // through the slow (Argon2id) blind index ssn_bidx
    boolean existsBySsn(String ssn);

    List<Patient> findBySsn(String ssn);

    // through the truncated blind index birth_date_bidx: plain SELECTs only (false positives dropped after decryption)
    List<Patient> findByBirthDate(LocalDate birthDate);

    long countByBirthDate(LocalDate birthDate);

    boolean existsByBirthDate(LocalDate birthDate);

    @Transactional
    long deleteByBirthDate(LocalDate birthDate);

    // refused: no blind index answers LIKE or ORDER BY
    List<Patient> findByEmailContaining(String part);

    List<Patient> findAllByOrderByEmail();

    long countByHeartRateIsNull();
}
