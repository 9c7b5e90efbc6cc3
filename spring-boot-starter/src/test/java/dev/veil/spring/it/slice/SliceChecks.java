package dev.veil.spring.it.slice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.VeilDataSource;
import dev.veil.spring.TestKeys;
import dev.veil.testing.TestDatabase;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What both Spring Boot lines' {@code @DataJpaTest} classes check, on a database of their own. */
public final class SliceChecks {

    public static final TestDatabase DB = TestDatabase.create("slice");

    private SliceChecks() {
    }

    /** A {@code jdbc:veil:} URL and nothing else: no imports file or @ImportAutoConfiguration in the test. */
    public static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::veilUrl);
        registry.add("spring.datasource.username", () -> DB.properties().getProperty("user", ""));
        registry.add("spring.datasource.password", () -> DB.properties().getProperty("password", ""));
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "create-drop");
        registry.add("veil.master-key", TestKeys::masterKey);
    }

    public static void savesThroughVeil(DataSource dataSource, NoteRepository notes, EntityManager em)
            throws Exception {
        assertThat(dataSource.isWrapperFor(VeilDataSource.class)).isTrue();
        Long id = notes.saveAndFlush(new Note("private words")).getId();
        em.clear();
        assertThat(notes.findById(id)).map(Note::getBody).contains("private words");
        // the test's transaction is not committed: look through its own connection, below Veil
        Connection c = DataSourceUtils.getConnection(dataSource);
        Connection raw = (Connection) c.unwrap(org.postgresql.PGConnection.class);
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery("SELECT body FROM slice_notes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).startsWith((byte) 'V', (byte) 1);
        }
    }
}
