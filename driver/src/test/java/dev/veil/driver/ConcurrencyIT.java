package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One driver and URL used from 8 threads at once, each with its own connection: mixed inserts, reads and updates
 * of encrypted columns through PreparedStatement and Statement literals. Every row reads back as its thread last
 * wrote it, and nothing throws.
 */
class ConcurrencyIT {

    private static final int THREADS = 8;
    private static final int OPERATIONS_PER_THREAD = 250;

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(ConcurrencyIT.class, """
                  patients:
                    ssn: {}
                    email: {}
                    heart_rate: { type: int }
                    birth_date: { type: local-date }
                """);
        fx.plainExecute("CREATE TABLE patients (id int PRIMARY KEY, name text, ssn text, email bytea, "
                + "heart_rate bytea, birth_date text)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    /** What a row should hold. */
    record Row(String ssn, String email, Integer heartRate, LocalDate birthDate) {
    }

    @Test
    void eightThreadsReadBackWhatTheyWrote() throws Exception {
        Map<Integer, Row> expected = new ConcurrentHashMap<>();
        AtomicInteger operations = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Void>> futures = new ArrayList<>();
        String url = fx.veilUrl();
        for (int t = 0; t < THREADS; t++) {
            final int thread = t;
            Callable<Void> worker = () -> {
                start.await();
                work(thread, url, expected, operations);
                return null;
            };
            futures.add(pool.submit(worker));
        }
        start.countDown();
        for (Future<Void> f : futures) {
            f.get(5, TimeUnit.MINUTES); // rethrows any exception of a worker; generous: only guards against a hang
        }
        pool.shutdown();
        assertThat(operations.get()).isGreaterThanOrEqualTo(THREADS * OPERATIONS_PER_THREAD);

        // every row, read back through a fresh connection, is what its thread last wrote
        int seen = 0;
        try (Connection c = fx.veil(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, ssn, email, heart_rate, birth_date FROM patients")) {
            while (rs.next()) {
                Row want = expected.get(rs.getInt(1));
                assertThat(new Row(rs.getString(2), (String) rs.getObject(3), (Integer) rs.getObject(4),
                        (LocalDate) rs.getObject(5))).as("row %s", rs.getInt(1)).isEqualTo(want);
                seen++;
            }
        }
        assertThat(seen).isEqualTo(expected.size());
        // and nothing was stored in the clear
        try (Connection c = fx.plain(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM patients WHERE ssn NOT LIKE 'veil1:%' "
                        + "OR birth_date NOT LIKE 'veil1:%' OR get_byte(heart_rate, 0) <> 86")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    private static void work(int thread, String url, Map<Integer, Row> expected, AtomicInteger operations)
            throws SQLException {
        Random random = new Random(thread);
        List<Integer> mine = new ArrayList<>();
        int next = thread * 100_000;
        try (Connection c = DriverManager.getConnection(url, fx.properties());
                PreparedStatement insert = c.prepareStatement("INSERT INTO patients (id, name, ssn, email, "
                        + "heart_rate, birth_date) VALUES (?, ?, ?, ?, ?, ?)");
                PreparedStatement select = c.prepareStatement("select p1_0.ssn,p1_0.email,p1_0.heart_rate,"
                        + "p1_0.birth_date from patients p1_0 where p1_0.id=?");
                PreparedStatement update = c.prepareStatement("UPDATE patients SET ssn = ?, heart_rate = ? "
                        + "WHERE id = ? RETURNING ssn, heart_rate");
                Statement literal = c.createStatement()) {
            for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
                int kind = mine.size() < 5 ? 0 : random.nextInt(10);
                if (kind < 3) {
                    int id = next++;
                    Row row = new Row(String.format("%03d-%02d-%04d", thread, op % 100, id % 10_000),
                            "t" + thread + "." + op + "@example.com", 40 + random.nextInt(100),
                            LocalDate.of(1950 + random.nextInt(70), 1 + random.nextInt(12), 1 + random.nextInt(28)));
                    insert.setInt(1, id);
                    insert.setString(2, "T" + thread);
                    insert.setString(3, row.ssn());
                    insert.setString(4, row.email());
                    insert.setInt(5, row.heartRate());
                    insert.setObject(6, row.birthDate());
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                    expected.put(id, row);
                    mine.add(id);
                } else if (kind < 4) {
                    int id = next++;
                    Row row = new Row("L" + thread + "-" + op, null, 99, LocalDate.of(2000, 1, 1 + op % 28));
                    assertThat(literal.executeUpdate("INSERT INTO patients (id, ssn, heart_rate, birth_date) VALUES ("
                            + id + ", '" + row.ssn() + "', 99, '" + row.birthDate() + "')")).isEqualTo(1);
                    expected.put(id, row);
                    mine.add(id);
                } else if (kind < 7) {
                    int id = mine.get(random.nextInt(mine.size()));
                    select.setInt(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        Row got = new Row(rs.getString(1), (String) rs.getObject(2), (Integer) rs.getObject(3),
                                rs.getObject(4, LocalDate.class));
                        assertThat(got).isEqualTo(expected.get(id));
                    }
                } else {
                    int id = mine.get(random.nextInt(mine.size()));
                    Row old = expected.get(id);
                    Row row = new Row("U" + thread + "-" + op, old.email(), 30 + op % 50, old.birthDate());
                    update.setString(1, row.ssn());
                    update.setInt(2, row.heartRate());
                    update.setInt(3, id);
                    try (ResultSet rs = update.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(row.ssn());
                        assertThat(rs.getInt(2)).isEqualTo(row.heartRate());
                    }
                    expected.put(id, row);
                }
                operations.incrementAndGet();
            }
        }
    }
}
