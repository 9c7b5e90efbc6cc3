package dev.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.veil.driver.VeilDataSource;
import dev.veil.e2e.rowbound.Chart;
import dev.veil.key.local.LocalKeysetGenerator;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hibernate ORM on a table with row binding ({@code @RowBinding}, client-assigned UUID ids): persist, batched
 * inserts, find, versioned update, JPQL, delete all work unchanged; diagnoses swapped between two rows around Veil
 * fail to load with VE001 instead of loading as each other's.
 */
class RowBoundHibernateIT {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static Path dir;
    static SessionFactory sf;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("veil-rowbound");
        Path masterKey = dir.resolve("master-keyset.json");
        LocalKeysetGenerator.generate(masterKey);
        VeilDataSource ds = new VeilDataSource();
        ds.setUrl(DB.veilUrl());
        DB.properties().forEach((k, v) -> ds.setProperty((String) k, (String) v));
        ds.setProperty("veil.entity-packages", "dev.veil.e2e.rowbound");
        ds.setProperty("veil.master-key", "local-keyset:" + masterKey);
        Configuration cfg = new Configuration().addAnnotatedClass(Chart.class);
        cfg.setProperty("hibernate.jdbc.batch_size", "20");
        cfg.getProperties().put("hibernate.connection.datasource", ds);
        cfg.getProperties().put("hibernate.hbm2ddl.auto", "create");
        sf = cfg.buildSessionFactory();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (sf != null) {
            sf.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static void inTransaction(Consumer<Session> work) {
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
    void entitiesWithClientAssignedUuidsRoundTripAndSwappedValuesFailToLoad() throws SQLException {
        Chart ada = new Chart("Ada", "diabetes");
        Chart bob = new Chart("Bob", "hypertension");
        inTransaction(s -> {
            s.persist(ada);
            s.persist(bob);
            for (int i = 0; i < 30; i++) {
                s.persist(new Chart("batch " + i, "note " + i)); // JDBC batches of 20
            }
        });
        inTransaction(s -> {
            Chart loaded = s.find(Chart.class, ada.getId());
            assertThat(loaded.getDiagnosis()).isEqualTo("diabetes");
            loaded.setDiagnosis("diabetes, type 2"); // UPDATE … WHERE id = ? AND version = ?
        });
        inTransaction(s -> {
            assertThat(s.find(Chart.class, ada.getId()).getDiagnosis()).isEqualTo("diabetes, type 2");
            List<Chart> all = s.createQuery("from Chart c where c.patient like 'batch%' order by c.patient",
                    Chart.class).getResultList();
            assertThat(all).hasSize(30).allSatisfy(c -> assertThat(c.getDiagnosis()).startsWith("note "));
        });

        try (Connection raw = DB.plainConnection(); Statement st = raw.createStatement()) {
            UUID a = ada.getId();
            UUID b = bob.getId();
            st.executeUpdate("UPDATE charts SET diagnosis = CASE id WHEN '" + a + "' THEN (SELECT diagnosis FROM "
                    + "charts WHERE id = '" + b + "') ELSE (SELECT diagnosis FROM charts WHERE id = '" + a + "') END "
                    + "WHERE id IN ('" + a + "', '" + b + "')");
        }
        for (UUID id : List.of(ada.getId(), bob.getId())) {
            Throwable t = catchThrowable(() -> inTransaction(s -> s.find(Chart.class, id).getDiagnosis()));
            SQLException cause = null;
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof SQLException) {
                    cause = (SQLException) c;
                    break;
                }
            }
            assertThat((Throwable) cause).as(String.valueOf(t)).isNotNull();
            assertThat(cause.getSQLState()).isEqualTo("VE001");
            assertThat(cause.getMessage()).contains("charts.diagnosis", "row binding on id")
                    .doesNotContain("diabetes").doesNotContain("hypertension").doesNotContain(id.toString());
        }
        inTransaction(s -> s.remove(s.createQuery("from Chart c where c.patient = 'batch 0'", Chart.class)
                .getSingleResult()));
        inTransaction(s -> assertThat(s.createQuery("select count(c) from Chart c", Long.class).getSingleResult())
                .isEqualTo(31L));
    }
}
