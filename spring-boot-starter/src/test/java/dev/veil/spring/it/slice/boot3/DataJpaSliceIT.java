package dev.veil.spring.it.slice.boot3;

import dev.veil.spring.it.slice.NoteRepository;
import dev.veil.spring.it.slice.SliceChecks;
import dev.veil.spring.it.slice.SliceTestApplication;
import jakarta.persistence.EntityManager;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.boot.test.autoconfigure.jdbc.AutoConfigureTestDatabase;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spring Boot 3.5: {@code @DataJpaTest} on a {@code jdbc:veil:} URL picks up Veil from the starter alone. */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@ContextConfiguration(classes = SliceTestApplication.class)
class DataJpaSliceIT {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SliceChecks.properties(registry);
    }

    @AfterAll
    static void drop() {
        SliceChecks.DB.drop();
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    NoteRepository notes;

    @Autowired
    EntityManager em;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void anEncryptedEntityIsSavedAndReadThroughVeil() throws Exception {
        SliceChecks.savesThroughVeil(dataSource, notes, em);
        // the slice has Veil's auto-configuration (registered for it), not the application's full one
        org.assertj.core.api.Assertions.assertThat(context.getBeanNamesForType(dev.veil.driver.config.VeilConfig.class))
                .hasSize(1);
        org.assertj.core.api.Assertions.assertThat(context.containsBean("veilMetrics")).isFalse();
    }
}
