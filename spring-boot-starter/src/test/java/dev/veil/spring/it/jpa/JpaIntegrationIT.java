package dev.veil.spring.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.VeilDataSource;
import dev.veil.spring.TestKeys;
import dev.veil.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/** The real stack: Spring Boot, Hibernate, HikariCP and Spring Data JPA over a jdbc:veil: URL. */
@SpringBootTest(classes = JpaTestApplication.class)
class JpaIntegrationIT {

    static final TestDatabase DB = TestDatabase.create(JpaIntegrationIT.class);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::veilUrl);
        registry.add("spring.datasource.username", () -> DB.properties().getProperty("user", ""));
        registry.add("spring.datasource.password", () -> DB.properties().getProperty("password", ""));
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "create");
        registry.add("spring.jpa.properties.hibernate.jdbc.batch_size", () -> "20");
        registry.add("spring.jpa.properties.hibernate.order_inserts", () -> "true");
        registry.add("veil.master-key", TestKeys::masterKey);
        registry.add("veil.config", () -> "classpath:veil-blind-index.yml");
    }

    @Autowired
    PatientRepository patients;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void drop() {
        DB.drop();
    }

    @BeforeEach
    void clean() {
        patients.deleteAll();
    }

    static Patient ada() {
        Patient p = new Patient("Ada", "ada@example.com", "123-45-6789", 72, LocalDate.of(1815, 12, 10));
        p.setAddress(new Address("12 St James's Square", "London"));
        return p;
    }

    @Test
    void theDataSourceIsAVeilDataSourceOverHikariWithThePlainUrl() throws Exception {
        assertThat(dataSource).isInstanceOf(VeilDataSource.class);
        com.zaxxer.hikari.HikariDataSource hikari = dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class);
        assertThat(hikari.getJdbcUrl()).isEqualTo(DB.url());
    }

    @Test
    void savesLoadsUpdatesAndDeletes() {
        Patient saved = patients.save(ada());
        Patient loaded = patients.findById(saved.getId()).orElseThrow();
        assertThat(loaded.getSsn()).isEqualTo("123-45-6789");
        assertThat(loaded.getEmail()).isEqualTo("ada@example.com");
        assertThat(loaded.getHeartRate()).isEqualTo(72);
        assertThat(loaded.getBirthDate()).isEqualTo(LocalDate.of(1815, 12, 10));
        assertThat(loaded.getAddress().getStreet()).isEqualTo("12 St James's Square");

        loaded.setHeartRate(80);
        patients.save(loaded);
        assertThat(patients.findById(saved.getId()).orElseThrow().getHeartRate()).isEqualTo(80);

        patients.deleteById(saved.getId());
        assertThat(patients.findById(saved.getId())).isEmpty();
    }

    @Test
    void onlyCiphertextIsStored() throws Exception {
        Patient saved = patients.save(ada());
        try (Connection plain = DB.plainConnection(); Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, ssn, email, heart_rate, birth_date, street, city "
                        + "FROM patients WHERE id = " + saved.getId())) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("name")).isEqualTo("Ada");
            assertThat(rs.getString("city")).isEqualTo("London");
            for (String column : List.of("ssn", "email", "heart_rate", "birth_date", "street")) {
                byte[] stored = rs.getBytes(column);
                assertThat(stored).as(column).isNotNull();
                assertThat(stored[0]).as(column).isEqualTo((byte) 0x56);
                assertThat(stored[1]).as(column).isEqualTo((byte) 0x01);
                assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain("123-45-6789").doesNotContain("ada@").doesNotContain("James");
            }
        }
    }

    @Test
    void ddlAutoCreatesEncryptedColumnsAsBytea() throws Exception {
        Map<String, String> types = new HashMap<>();
        try (Connection plain = DB.plainConnection(); Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns "
                        + "WHERE table_name = 'patients'")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(types).containsEntry("ssn", "bytea").containsEntry("email", "bytea")
                .containsEntry("heart_rate", "bytea").containsEntry("birth_date", "bytea")
                .containsEntry("street", "bytea").containsEntry("name", "character varying")
                .containsEntry("city", "character varying");
    }

    @Test
    void derivedQueriesPagingAndSortingOnPlainFields() {
        List<Patient> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(new Patient("P" + i, "p" + i + "@example.com", "000-00-000" + i, 60 + i, LocalDate.of(1990, 1, 1 + i)));
        }
        patients.saveAll(all);
        assertThat(patients.findByName("P3")).singleElement().extracting(Patient::getSsn).isEqualTo("000-00-0003");
        Page<Patient> page = patients.findByNameStartingWith("P", PageRequest.of(1, 3, Sort.by("name").descending()));
        assertThat(page.getTotalElements()).isEqualTo(7);
        assertThat(page.getContent()).extracting(Patient::getName).containsExactly("P3", "P2", "P1");
        assertThat(page.getContent()).extracting(Patient::getHeartRate).containsExactly(63, 62, 61);
        assertThat(patients.findAll(PageRequest.of(0, 2, Sort.by("id"))).getContent()).hasSize(2);
        assertThat(patients.countByHeartRateIsNull()).isZero();
    }

    @Test
    void unsupportedOperationsOnEncryptedFieldsFailAsInvalidDataAccessApiUsage() {
        patients.save(ada());
        assertThatThrownBy(() -> patients.findByEmailContaining("example"))
                .isInstanceOf(InvalidDataAccessApiUsageException.class).hasMessageContaining("email");
        assertThatThrownBy(() -> patients.findAllByOrderByEmail())
                .isInstanceOf(InvalidDataAccessApiUsageException.class).hasMessageContaining("email");
        assertThatThrownBy(() -> jdbc.queryForList("SELECT id FROM patients WHERE street = ?", "12 St James's Square"))
                .isInstanceOf(InvalidDataAccessApiUsageException.class).hasMessageContaining("street");
        assertThat(meters.get("veil.statements.refused").tag("sqlstate", "VE010").counter().count()).isGreaterThan(0);
    }

    @Test
    void derivedQueriesOnBlindIndexedFieldsWorkUnchanged() {
        Patient ada = patients.save(ada());
        Patient bob = patients.save(new Patient("Bob", "bob@example.com", "987-65-4321", 64, LocalDate.of(1990, 5, 1)));

        assertThat(patients.findByEmail("ada@example.com")).map(Patient::getId).contains(ada.getId());
        assertThat(patients.findByEmail("  ADA@Example.COM ")).map(Patient::getName).contains("Ada"); // normalized
        assertThat(patients.findByEmail("eve@example.com")).isEmpty();
        assertThat(patients.findByEmailIn(List.of("ada@example.com", "bob@example.com", "eve@example.com")))
                .extracting(Patient::getName).containsExactlyInAnyOrder("Ada", "Bob");
        assertThat(patients.countByEmail("bob@example.com")).isEqualTo(1);
        assertThat(patients.findByEmailNot("ADA@example.com")).extracting(Patient::getName).containsExactly("Bob");

        assertThat(patients.existsBySsn("123-45-6789")).isTrue();
        assertThat(patients.existsBySsn("123-45-6780")).isFalse();
        assertThat(patients.findBySsn("987-65-4321")).singleElement().extracting(Patient::getName).isEqualTo("Bob");

        assertThat(patients.deleteByEmail("bob@example.com")).isEqualTo(1);
        assertThat(patients.findById(bob.getId())).isEmpty();
        assertThat(patients.countByEmail("bob@example.com")).isZero();

        // JdbcTemplate goes through the same indexes
        assertThat(jdbc.queryForList("SELECT name FROM patients WHERE ssn = ?", String.class, "123-45-6789"))
                .containsExactly("Ada");
    }

    @Test
    void aTruncatedIndexAnswersPlainSelectsExactlyAndRefusesTheRest() {
        List<Patient> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(new Patient("T" + i, "t" + i + "@example.com", "222-22-" + (1000 + i), 70,
                    LocalDate.of(1950, 1, 1).plusDays(i % 100)));
        }
        patients.saveAll(many);
        // 16 bits over 100 distinct dates: rarely a false positive, and any is dropped after decryption
        assertThat(patients.findByBirthDate(LocalDate.of(1950, 1, 1).plusDays(42))).hasSize(3)
                .allSatisfy(p -> assertThat(p.getBirthDate()).isEqualTo(LocalDate.of(1950, 2, 12)));
        assertThatThrownBy(() -> patients.countByBirthDate(LocalDate.of(1950, 2, 12)))
                .isInstanceOf(InvalidDataAccessApiUsageException.class).hasMessageContaining("truncated to 16 bits");
        assertThatThrownBy(() -> patients.existsByBirthDate(LocalDate.of(1950, 2, 12))) // LIMIT
                .isInstanceOf(InvalidDataAccessApiUsageException.class).hasMessageContaining("truncated to 16 bits");
        // a derived delete selects (post-filtered), then deletes by id
        assertThat(patients.deleteByBirthDate(LocalDate.of(1950, 2, 12))).isEqualTo(3);
        assertThat(patients.count()).isEqualTo(297);
    }

    @Test
    void theUniqueEmailIndexRefusesANormalizedDuplicate() {
        patients.save(ada());
        assertThatThrownBy(() -> patients.save(new Patient("Ada 2", " ADA@example.com", "000-00-0000", 60, null)))
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void ddlAutoCreatesBlindIndexColumnsAndTheirIndexes() throws Exception {
        Map<String, String> types = new HashMap<>();
        Map<String, String> indexes = new HashMap<>();
        try (Connection plain = DB.plainConnection(); Statement st = plain.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns "
                    + "WHERE table_name = 'patients'")) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'patients'")) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        assertThat(types).containsEntry("email_bidx", "bytea").containsEntry("ssn_bidx", "bytea")
                .containsEntry("birth_date_bidx", "bytea");
        assertThat(indexes.get("patients_email_bidx_idx")).startsWith("CREATE UNIQUE INDEX").endsWith("(email_bidx)");
        assertThat(indexes.get("patients_ssn_bidx_idx")).startsWith("CREATE INDEX").endsWith("(ssn_bidx)");
        assertThat(indexes.get("patients_birth_date_bidx_idx")).startsWith("CREATE INDEX").endsWith("(birth_date_bidx)");
    }

    @Test
    void companionColumnsHoldIndexValuesAndTheApplicationNeverSeesThem() throws Exception {
        Patient saved = patients.save(ada());
        try (Connection plain = DB.plainConnection(); Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT email_bidx, ssn_bidx, birth_date_bidx FROM patients WHERE id = "
                        + saved.getId())) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes("email_bidx")).hasSize(32);
            assertThat(rs.getBytes("ssn_bidx")).hasSize(32);
            assertThat(rs.getBytes("birth_date_bidx")).hasSize(2);
        }
        assertThat(jdbc.queryForList("SELECT * FROM patients WHERE id = ?", saved.getId()).get(0))
                .doesNotContainKeys("email_bidx", "ssn_bidx", "birth_date_bidx").containsKey("email");
    }

    @Test
    void transactionalRollbackLeavesNothing() {
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            patients.save(ada());
            patients.flush();
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(patients.count()).isZero();
    }

    @Test
    void hibernateJdbcBatchingWorks() {
        List<Patient> many = new ArrayList<>();
        for (int i = 0; i < 55; i++) {
            many.add(new Patient("B" + i, "b" + i + "@example.com", "111-11-" + (1000 + i), 50 + i, null));
        }
        tx.executeWithoutResult(s -> patients.saveAll(many));
        assertThat(patients.count()).isEqualTo(55);
        assertThat(patients.findByName("B54")).singleElement().extracting(Patient::getHeartRate).isEqualTo(104);
        tx.executeWithoutResult(s -> patients.findAll().forEach(p -> p.setHeartRate(p.getHeartRate() + 1)));
        assertThat(patients.findByName("B54")).singleElement().extracting(Patient::getHeartRate).isEqualTo(105);
    }

    @Test
    void optimisticLockingWithVersion() {
        Patient saved = patients.save(ada());
        Patient first = patients.findById(saved.getId()).orElseThrow();
        Patient second = patients.findById(saved.getId()).orElseThrow();
        first.setHeartRate(90);
        patients.save(first);
        second.setHeartRate(91);
        assertThatThrownBy(() -> patients.save(second)).isInstanceOf(ObjectOptimisticLockingFailureException.class);
        assertThat(patients.findById(saved.getId()).orElseThrow().getHeartRate()).isEqualTo(90);
    }

    @Test
    void metricsCountEncryptionsAndDecryptionsPerColumn() {
        Patient saved = patients.save(ada());
        patients.findById(saved.getId()).orElseThrow();
        assertThat(meters.get("veil.encryptions").tag("column", "patients.ssn").counter().count()).isGreaterThan(0);
        assertThat(meters.get("veil.decryptions").tag("column", "patients.ssn").counter().count()).isGreaterThan(0);
        assertThat(meters.get("veil.key.cache").tag("result", "hit").counter().count()).isGreaterThan(0);
        assertThat(meters.get("veil.key.cache").tag("result", "load").counter().count()).isGreaterThan(0);
        assertThat(meters.find("veil.encryptions").counters()).allSatisfy(c ->
                assertThat(c.getId().getTags()).extracting(t -> t.getKey()).containsOnly("column"));
    }
}
