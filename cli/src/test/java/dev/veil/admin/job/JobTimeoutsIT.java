package dev.veil.admin.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.schema.TableName;
import dev.veil.key.ConnectionFactory;
import dev.veil.testing.TestDatabaseExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job's {@code lock_timeout} and {@code statement_timeout}, set once per worker session: a batch that waits on
 * a row lock, or whose statement runs too long, is rolled back and retried, and gives up with the server's
 * SQLState once the retries are spent; batches before it stay committed. The connections go back to their pool
 * with the session's own timeouts. (A job that ignored its lock timeout would wait on the lock: the class timeout
 * turns that into a failure.)
 */
@Timeout(120)
class JobTimeoutsIT {

    private static final int ROWS = 300;

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    static TableShape shape;

    @BeforeAll
    static void setUp() throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            st.execute("INSERT INTO t SELECT i, 'v' FROM generate_series(1, " + ROWS + ") i");
            shape = TableShape.read(c, TableName.parse("t"));
        }
    }

    @Test
    void rowLockLongerThanTheLockTimeoutFailsTheBatchAfterItsRetriesAndKeepsTheBatchesBefore() throws Exception {
        reset();
        try (Connection holder = DB.plainConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM t WHERE id = 250 FOR UPDATE");
            List<Duration> pauses = new CopyOnWriteArrayList<>();
            OnlineJob recorded = new OnlineJob(DB::plainConnection, new Checkpoints("veil_jobs"), pauses::add);
            assertThatThrownBy(() -> recorded.run(spec("lock", null), options(), List.of()))
                    .isInstanceOf(JobException.class)
                    .satisfies(e -> assertThat(sqlState(e)).isEqualTo("55P03"));
            // 8 attempts with a doubling back-off between them (recorded, not slept): the lock timeout fired each
            // time, nothing waited on the lock (the class timeout would fail a job that did)
            assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                    Duration.ofMillis(800), Duration.ofMillis(1600), Duration.ofSeconds(2), Duration.ofSeconds(2));
            holder.rollback();
        }
        assertThat(changedRows()).isEqualTo(200); // the two batches before the locked row's
    }

    @Test
    void rowLockReleasedDuringTheRetriesLetsTheJobFinish() throws Exception {
        reset();
        try (Connection holder = DB.plainConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM t WHERE id = 150 FOR UPDATE");
            // the lock is released during the job's first back-off (the injected pause, not a timed thread)
            List<Duration> pauses = new CopyOnWriteArrayList<>();
            OnlineJob releasing = new OnlineJob(DB::plainConnection, new Checkpoints("veil_jobs"), pause -> {
                if (pauses.isEmpty()) {
                    try {
                        holder.rollback();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
                pauses.add(pause);
            });
            JobResult r = releasing.run(spec("release", null), options(), List.of());
            assertThat(r.rowsChanged()).isEqualTo(ROWS);
            assertThat(pauses).as("one retry, after which the lock was free").containsExactly(Duration.ofMillis(100));
        }
        assertThat(changedRows()).isEqualTo(ROWS);
    }

    @Test
    void statementLongerThanTheStatementTimeoutFailsWithItsSqlState() throws Exception {
        reset();
        // the filter sleeps 10 ms per row: a batch's read takes about a second, the timeout is 300 ms
        assertThatThrownBy(() -> job().run(spec("slow", "pg_sleep(0.01) IS NOT NULL"), options(), List.of()))
                .isInstanceOf(JobException.class)
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("57014"));
        assertThat(changedRows()).isZero();
    }

    @Test
    void connectionsGoBackWithTheSessionsOwnTimeouts() throws Exception {
        reset();
        List<Connection> handedOut = new CopyOnWriteArrayList<>();
        ConnectionFactory pool = () -> {
            Connection c = DB.plainConnection();
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '7s'");
                st.execute("SET statement_timeout = '9min'");
            }
            handedOut.add(c);
            return kept(c);
        };
        JobResult r = new OnlineJob(pool, new Checkpoints("veil_jobs")).run(spec("pool", null),
                options().withWorkers(2), List.of());
        assertThat(r.rowsChanged()).isEqualTo(ROWS);
        assertThat(handedOut).hasSizeGreaterThanOrEqualTo(3); // the job's own and one per worker
        for (Connection c : handedOut) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_setting('lock_timeout'),"
                            + " current_setting('statement_timeout')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("7s");
                assertThat(rs.getString(2)).isEqualTo("9min");
            }
            assertThat(c.getAutoCommit()).isTrue();
            c.close();
        }
    }

    private static OnlineJob job() {
        return new OnlineJob(DB::plainConnection, new Checkpoints("veil_jobs"));
    }

    private static JobOptions options() {
        return JobOptions.defaults().withBatchSize(100).withTimeouts(Duration.ofMillis(100), Duration.ofMillis(300));
    }

    /** Appends {@code x} to every value of {@code t.v}, compare-and-swap. */
    private static JobSpec spec(String id, String filter) {
        return new JobSpec("test " + id, "test " + id + " " + System.nanoTime(), shape, List.of("v"), List.of("v"),
                List.of("v"), filter, row -> new Object[] {row.get("v") + "x"});
    }

    private static void reset() throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("UPDATE t SET v = 'v'");
        }
    }

    private static long changedRows() throws SQLException {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM t WHERE v = 'vx'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** {@code c} as a pool hands it out: {@code close()} gives it back (here: keeps it open for the test). */
    private static Connection kept(Connection c) {
        return (Connection) Proxy.newProxyInstance(JobTimeoutsIT.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                    if (m.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return m.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
