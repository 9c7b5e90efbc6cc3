package dev.veil.spring.it.jpa;

import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PatientRepository extends JpaRepository<Patient, Long> {

    List<Patient> findByName(String name);

    Page<Patient> findByNameStartingWith(String prefix, Pageable pageable);

    List<Patient> findBySsn(String ssn);

    List<Patient> findByEmailContaining(String part);

    List<Patient> findAllByOrderByEmail();

    long countByHeartRateIsNull();
}
