package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.VeilDataSource;
import dev.veil.e2e.model.Patient;
import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.testing.TestDatabaseExtension;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hibernate ORM 7, bootstrapped without Spring, on the Veil driver. The schema is exported by Hibernate
 * ({@code hbm2ddl.auto=create}); the entity gives encrypted columns {@code columnDefinition = "bytea"} (or
 * {@code text}) because Hibernate would otherwise create {@code varchar(255)} / {@code integer} / {@code date} /
 * {@code numeric} columns that cannot hold ciphertext.
 *
 * <p>The main session factory configures Veil from annotations ({@code veil.entity-packages}) and connects through a
 * {@link VeilDataSource}; a second one configures Veil from YAML and connects through Hibernate's own
 * {@code DriverManager} connection provider with a {@code jdbc:veil:} URL. Both read what the other wrote.
 */
class HibernateIT {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static Path dir;
    static Path masterKey;
    static SessionFactory annotated;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-hibernate");
        masterKey = dir.resolve("master-keyset.json");
        LocalKeysetGenerator.generate(masterKey);

        VeilDataSource ds = new VeilDataSource();
        ds.setUrl(DB.veilUrl());
        DB.properties().forEach((k, v) -> ds.setProperty((String) k, (String) v));
        ds.setProperty("veil.entity-packages", "dev.veil.e2e.model");
        ds.setProperty("veil.master-key", "local-keyset:" + masterKey);
        annotated = sessionFactory(Map.of("hibernate.connection.datasource", ds, "hibernate.hbm2ddl.auto", "create"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (annotated != null) {
            annotated.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static SessionFactory sessionFactory(Map<String, Object> settings) {
        Configuration cfg = new Configuration().addAnnotatedClass(Patient.class);
        cfg.setProperty("hibernate.show_sql", "false");
        cfg.setProperty("hibernate.jdbc.batch_size", "20");
        cfg.setProperty("hibernate.order_inserts", "true");
        cfg.setProperty("hibernate.order_updates", "true");
        cfg.setProperty("hibernate.generate_statistics", "true");
        cfg.getProperties().putAll(settings);
        return cfg.buildSessionFactory();
    }

    static Patient ada() {
        return new Patient("Ada", "123-45-6789", "ada@example.com", 72, LocalDate.of(1990, 12, 10),
                new BigDecimal("1234.56"));
    }

    static void inTransaction(SessionFactory sf, Consumer<Session> work) {
        try (Session s = sf.openSession()) {
            Transaction tx = s.beginTransaction();
            try {
                work.accept(s);
                tx.commit();
            } catch (RuntimeException e) {
                if (tx.isActive()) {
                    tx.rollback();
                }
                throw e;
            }
        }
    }

    @Test
    void persistFindUpdateDeleteRoundTripEveryEncryptedType() throws SQLException {
        Patient p = ada();
        inTransaction(annotated, s -> s.persist(p));
        long id = p.getId();

        try (Session s = annotated.openSession()) {
            Patient found = s.find(Patient.class, id);
            assertThat(found.getName()).isEqualTo("Ada");
            assertThat(found.getSsn()).isEqualTo("123-45-6789");
            assertThat(found.getEmail()).isEqualTo("ada@example.com");
            assertThat(found.getHeartRate()).isEqualTo(72);
            assertThat(found.getBirthDate()).isEqualTo(LocalDate.of(1990, 12, 10));
            assertThat(found.getBalance()).isEqualTo(new BigDecimal("1234.56"));
            assertThat(found.getVersion()).isZero();
        }
        assertOnlyCiphertext(id, "123-45-6789", "ada@example.com");

        inTransaction(annotated, s -> {
            Patient found = s.find(Patient.class, id);
            found.setHeartRate(80);
            found.setEmail(null);
            found.setBalance(new BigDecimal("-0.01"));
            found.setBirthDate(LocalDate.of(1815, 12, 10));
        });
        try (Session s = annotated.openSession()) {
            Patient found = s.find(Patient.class, id);
            assertThat(found.getHeartRate()).isEqualTo(80);
            assertThat(found.getEmail()).isNull();
            assertThat(found.getBalance()).isEqualTo(new BigDecimal("-0.01"));
            assertThat(found.getBirthDate()).isEqualTo(LocalDate.of(1815, 12, 10));
            assertThat(found.getSsn()).isEqualTo("123-45-6789");
            assertThat(found.getVersion()).isEqualTo(1);
        }
        assertOnlyCiphertext(id, "123-45-6789", null);

        inTransaction(annotated, s -> s.remove(s.find(Patient.class, id)));
        try (Session s = annotated.openSession()) {
            assertThat(s.find(Patient.class, id)).isNull();
        }
        assertThat(plainCount("SELECT count(*) FROM patients WHERE id = " + id)).isZero();
    }

    @Test
    void fiftyPersistsAreSentInJdbcBatchesAndReadBack() {
        annotated.getStatistics().clear();
        List<Long> ids = new ArrayList<>();
        inTransaction(annotated, s -> {
            for (int i = 0; i < 50; i++) {
                Patient p = new Patient(String.format("batch-%02d", i), "900-00-" + (1000 + i), "b" + i + "@example.com",
                        60 + i, LocalDate.of(2000, 1, 1).plusDays(i), new BigDecimal(i).movePointLeft(2));
                s.persist(p);
                ids.add(p.getId());
            }
        });
        // batch_size 20: 50 inserts go as 3 batches; without batching Hibernate would prepare 50 statements
        long prepared = annotated.getStatistics().getPrepareStatementCount();
        assertThat(prepared).as("JDBC statements prepared for 50 inserts").isLessThanOrEqualTo(6);

        try (Session s = annotated.openSession()) {
            List<Patient> all = s.createSelectionQuery("from Patient p where p.name like 'batch-%' order by p.name",
                    Patient.class).getResultList();
            assertThat(all).hasSize(50);
            for (int i = 0; i < 50; i++) {
                Patient p = all.get(i);
                assertThat(p.getSsn()).isEqualTo("900-00-" + (1000 + i));
                assertThat(p.getEmail()).isEqualTo("b" + i + "@example.com");
                assertThat(p.getHeartRate()).isEqualTo(60 + i);
                assertThat(p.getBirthDate()).isEqualTo(LocalDate.of(2000, 1, 1).plusDays(i));
                assertThat(p.getBalance()).isEqualTo(new BigDecimal(i).movePointLeft(2));
            }
        }
    }

    @Test
    void jpqlFiltersSortsAndPagesByPlainColumnsAndDecryptsTheRows() {
        inTransaction(annotated, s -> {
            for (int i = 0; i < 30; i++) {
                s.persist(new Patient(String.format("page-%02d", i), "700-00-" + (1000 + i), null, i,
                        null, null));
            }
        });
        try (Session s = annotated.openSession()) {
            List<Patient> page = s.createSelectionQuery(
                            "from Patient p where p.name like :prefix order by p.name desc", Patient.class)
                    .setParameter("prefix", "page-%")
                    .setFirstResult(5)
                    .setMaxResults(10)
                    .getResultList();
            assertThat(page).extracting(Patient::getName).containsExactly("page-24", "page-23", "page-22", "page-21",
                    "page-20", "page-19", "page-18", "page-17", "page-16", "page-15");
            assertThat(page).extracting(Patient::getSsn).containsExactly("700-00-1024", "700-00-1023", "700-00-1022",
                    "700-00-1021", "700-00-1020", "700-00-1019", "700-00-1018", "700-00-1017", "700-00-1016",
                    "700-00-1015");
            assertThat(page).extracting(Patient::getHeartRate).containsExactly(24, 23, 22, 21, 20, 19, 18, 17, 16, 15);
            assertThat(page).allSatisfy(p -> {
                assertThat(p.getEmail()).isNull();
                assertThat(p.getBalance()).isNull();
            });

            // a projection of encrypted attributes, and count() over an encrypted column, are allowed too
            List<Object[]> rows = s.createSelectionQuery(
                            "select p.ssn, p.heartRate from Patient p where p.name = 'page-07'", Object[].class)
                    .getResultList();
            assertThat(rows).singleElement().satisfies(r -> assertThat(r).containsExactly("700-00-1007", 7));
            Long withEmail = s.createSelectionQuery(
                    "select count(p.email) from Patient p where p.name like 'page-%'", Long.class).getSingleResult();
            assertThat(withEmail).isZero();
        }
    }

    @Test
    void concurrentUpdateOfTheSameVersionFailsOptimisticLocking() {
        Patient p = ada();
        p.setName("versioned");
        inTransaction(annotated, s -> s.persist(p));
        long id = p.getId();

        try (Session first = annotated.openSession(); Session second = annotated.openSession()) {
            Transaction t1 = first.beginTransaction();
            Transaction t2 = second.beginTransaction();
            Patient a = first.find(Patient.class, id);
            Patient b = second.find(Patient.class, id);
            a.setHeartRate(101);
            t1.commit();

            b.setSsn("000-00-0000");
            assertThatThrownBy(t2::commit).satisfies(e -> assertThat(causes(e))
                    .anySatisfy(c -> assertThat(c).isInstanceOfAny(StaleStateException.class,
                            jakarta.persistence.OptimisticLockException.class)));
            if (t2.isActive()) {
                t2.rollback();
            }
        }
        try (Session s = annotated.openSession()) {
            Patient now = s.find(Patient.class, id);
            assertThat(now.getVersion()).isEqualTo(1);
            assertThat(now.getHeartRate()).isEqualTo(101);
            assertThat(now.getSsn()).isEqualTo("123-45-6789");
        }
    }

    @Test
    void rolledBackTransactionLeavesNothing() throws SQLException {
        try (Session s = annotated.openSession()) {
            Transaction tx = s.beginTransaction();
            for (int i = 0; i < 3; i++) {
                Patient p = ada();
                p.setName("rollback-" + i);
                s.persist(p);
            }
            s.flush(); // the INSERTs reach the database inside the transaction
            tx.rollback();
        }
        assertThat(plainCount("SELECT count(*) FROM patients WHERE name LIKE 'rollback-%'")).isZero();
    }

    @Test
    void jpqlFilteringOrSortingOnAnEncryptedColumnIsRefusedWithVe010AndWritesNothing() throws SQLException {
        Patient before = ada();
        before.setName("refused-existing");
        inTransaction(annotated, s -> s.persist(before));

        // auto-flush sends the pending INSERT, then the SELECT is refused: the transaction rolls back
        assertThatThrownBy(() -> inTransaction(annotated, s -> {
            Patient doomed = ada();
            doomed.setName("refused-doomed");
            s.persist(doomed);
            s.createSelectionQuery("from Patient p where p.ssn = :ssn", Patient.class)
                    .setParameter("ssn", "123-45-6789").getResultList();
        })).satisfies(e -> assertVe010(e, "ssn"));
        assertThat(plainCount("SELECT count(*) FROM patients WHERE name = 'refused-doomed'")).isZero();

        // a bulk update filtered on an encrypted column is refused before anything is sent
        assertThatThrownBy(() -> inTransaction(annotated, s -> s.createMutationQuery(
                        "update Patient p set p.name = 'renamed' where p.ssn = :ssn")
                .setParameter("ssn", "123-45-6789").executeUpdate()))
                .satisfies(e -> assertVe010(e, "ssn"));
        assertThat(plainCount("SELECT count(*) FROM patients WHERE name = 'renamed'")).isZero();

        // sorting by an encrypted column cannot be made correct either
        assertThatThrownBy(() -> {
            try (Session s = annotated.openSession()) {
                s.createSelectionQuery("from Patient p order by p.heartRate", Patient.class).getResultList();
            }
        }).satisfies(e -> assertVe010(e, "heart_rate"));

        try (Session s = annotated.openSession()) {
            assertThat(s.find(Patient.class, before.getId()).getName()).isEqualTo("refused-existing");
        }
    }

    @Test
    void yamlConfiguredSessionFactoryOnAJdbcUrlSharesRowsWithTheAnnotatedOne() throws Exception {
        Path yaml = dir.resolve("veil.yml");
        Files.writeString(yaml, """
                master-key: local-keyset:%s
                tables:
                  patients:
                    ssn: { type: string }
                    email: { type: string }
                    heart_rate: { type: int }
                    birth_date: { type: local-date }
                    balance: { type: decimal }
                """.formatted(masterKey));
        String url = DB.veilUrl() + (DB.veilUrl().contains("?") ? "&" : "?") + "veil.config="
                + URLEncoder.encode(yaml.toString(), StandardCharsets.UTF_8);
        Map<String, Object> settings = new java.util.HashMap<>();
        settings.put("hibernate.connection.url", url);
        DB.properties().forEach((k, v) -> settings.put("hibernate.connection." + k, v));
        settings.put("hibernate.hbm2ddl.auto", "none");
        settings.put("hibernate.connection.pool_size", "2");

        try (SessionFactory fromYaml = sessionFactory(settings)) {
            Patient viaAnnotations = ada();
            viaAnnotations.setName("yaml-1");
            inTransaction(annotated, s -> s.persist(viaAnnotations));
            Patient viaYaml = new Patient("yaml-2", "555-55-5555", "grace@example.com", 64, LocalDate.of(1906, 12, 9),
                    new BigDecimal("99.90"));
            inTransaction(fromYaml, s -> s.persist(viaYaml));

            try (Session s = fromYaml.openSession()) {
                Patient p = s.find(Patient.class, viaAnnotations.getId());
                assertThat(p.getSsn()).isEqualTo("123-45-6789");
                assertThat(p.getBirthDate()).isEqualTo(LocalDate.of(1990, 12, 10));
                assertThat(p.getBalance()).isEqualTo(new BigDecimal("1234.56"));
            }
            try (Session s = annotated.openSession()) {
                Patient p = s.find(Patient.class, viaYaml.getId());
                assertThat(p.getSsn()).isEqualTo("555-55-5555");
                assertThat(p.getEmail()).isEqualTo("grace@example.com");
                assertThat(p.getHeartRate()).isEqualTo(64);
                assertThat(p.getBirthDate()).isEqualTo(LocalDate.of(1906, 12, 9));
                assertThat(p.getBalance()).isEqualTo(new BigDecimal("99.90"));
            }
            assertOnlyCiphertext(viaYaml.getId(), "555-55-5555", "grace@example.com");

            assertThatThrownBy(() -> {
                try (Session s = fromYaml.openSession()) {
                    s.createSelectionQuery("from Patient p where p.email like '%example%'", Patient.class)
                            .getResultList();
                }
            }).satisfies(e -> assertVe010(e, "email"));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** What a DBA sees with plain pgjdbc: every encrypted column holds Veil ciphertext, never the value. */
    static void assertOnlyCiphertext(long id, String ssn, String email) throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn, email, heart_rate, birth_date, balance FROM patients "
                        + "WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            byte[] storedSsn = rs.getBytes("ssn");
            assertThat(storedSsn).startsWith('V', 1);
            assertThat(new String(storedSsn, StandardCharsets.ISO_8859_1)).doesNotContain(ssn);
            String storedEmail = rs.getString("email");
            if (email == null) {
                assertThat(storedEmail).isNull();
            } else {
                assertThat(storedEmail).startsWith("veil1:").doesNotContain(email).doesNotContain("example");
            }
            for (String column : List.of("heart_rate", "birth_date", "balance")) {
                // envelope 2 + Tink prefix 5 + AES-GCM nonce 12 + tag 16 + type tag 1 + a non-empty value
                assertThat(rs.getBytes(column)).as(column).startsWith('V', 1).hasSizeGreaterThan(2 + 5 + 12 + 16 + 1);
            }
        }
    }

    static long plainCount(String sql) throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<Throwable> causes(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    static void assertVe010(Throwable e, String column) {
        assertThat(causes(e)).filteredOn(c -> c instanceof SQLException s && "VE010".equals(s.getSQLState()))
                .as("VE010 in the cause chain of %s", e)
                .singleElement()
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .satisfies(c -> assertThat(c.getMessage()).contains("patients." + column));
    }
}
