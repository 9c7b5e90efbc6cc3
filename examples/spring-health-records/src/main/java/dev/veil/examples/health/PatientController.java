package dev.veil.examples.health;

import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /patients} (409 when the SSN is already registered), {@code GET /patients/{id}},
 * {@code GET /patients?email=} (search by e-mail, case-insensitive) and {@code GET /patients?page=} (sorted by the
 * plain name).
 */
@RestController
@RequestMapping("/patients")
class PatientController {

    /** What clients send and receive; Veil decrypts before this is built. */
    record PatientView(Long id, String name, String email, String ssn, Integer heartRate, LocalDate birthDate) {
        static PatientView of(Patient p) {
            return new PatientView(p.getId(), p.getName(), p.getEmail(), p.getSsn(), p.getHeartRate(), p.getBirthDate());
        }
    }

    record PageView(List<PatientView> content, int page, int size, long totalElements) {
    }

    private final PatientRepository patients;

    PatientController(PatientRepository patients) {
        this.patients = patients;
    }

    @PostMapping
    ResponseEntity<PatientView> create(@RequestBody PatientView body) {
        if (body.ssn() != null && patients.existsBySsn(body.ssn())) {
            return ResponseEntity.status(HttpStatus.CONFLICT).build();
        }
        Patient saved = patients.save(new Patient(body.name(), body.email(), body.ssn(), body.heartRate(),
                body.birthDate()));
        return ResponseEntity.created(URI.create("/patients/" + saved.getId())).body(PatientView.of(saved));
    }

    @GetMapping("/{id}")
    ResponseEntity<PatientView> get(@PathVariable("id") long id) {
        return patients.findById(id).map(PatientView::of).map(ResponseEntity::ok)
                .orElse(ResponseEntity.notFound().build());
    }

    @GetMapping(params = "email")
    List<PatientView> byEmail(@RequestParam("email") String email) {
        return patients.findByEmail(email).map(PatientView::of).stream().toList();
    }

    @GetMapping
    PageView list(@RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "20") int size) {
        Page<Patient> result = patients.findAll(PageRequest.of(page, Math.min(size, 100), Sort.by("name", "id")));
        return new PageView(result.getContent().stream().map(PatientView::of).toList(), page, result.getSize(),
                result.getTotalElements());
    }
}
