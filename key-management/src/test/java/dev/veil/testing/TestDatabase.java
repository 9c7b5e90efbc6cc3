package dev.veil.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds a PostgreSQL server for tests and gives each caller a fresh database of its own.
 *
 * <p>Order: the {@code VEIL_TEST_JDBC_URL} environment variable (a plain {@code jdbc:postgresql://} URL of a
 * user that may create databases); else {@code 127.0.0.1:5432} as user {@code postgres} if it answers; else a
 * Testcontainers PostgreSQL where Docker works. Shared by every module through the key-management test-jar.
 */
public final class TestDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile Server server;

    private final String name;
    private final String url;
    private final Properties properties;

    private TestDatabase(String name, String url, Properties properties) {
        this.name = name;
        this.url = url;
        this.properties = properties;
    }

    /**
     * Creates (dropping first when left over from an earlier run) a database named after {@code owner}.
     * Call once per test class, e.g. from {@code @BeforeAll}.
     */
    public static TestDatabase create(Class<?> owner) {
        return create(owner.getSimpleName());
    }

    public static TestDatabase create(String label) {
        Server s = server();
        String name = ("veil_" + label + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet())
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (name.length() > 60) {
            name = name.substring(name.length() - 60);
        }
        try (Connection admin = DriverManager.getConnection(s.adminUrl, s.properties);
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + s.display, e);
        }
        return new TestDatabase(name, s.urlFor(name), s.properties);
    }

    /** The plain {@code jdbc:postgresql://host:port/db} URL (no credentials in it). */
    public String url() {
        return url;
    }

    /** The URL with Veil's prefix: {@code jdbc:veil:postgresql://…}. */
    public String veilUrl() {
        return "jdbc:veil:" + url.substring("jdbc:".length());
    }

    /** User and password, when the server needs them. */
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    public String name() {
        return name;
    }

    /** A plain pgjdbc connection, bypassing Veil: what a DBA would see. */
    public Connection plainConnection() throws SQLException {
        return DriverManager.getConnection(url, properties());
    }

    /** Drops the database; call from {@code @AfterAll}. Failures are ignored (a later run drops leftovers). */
    public void drop() {
        Server s = server;
        if (s == null) {
            return;
        }
        try (Connection admin = DriverManager.getConnection(s.adminUrl, s.properties);
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // left for the next run's DROP IF EXISTS
        }
    }

    private static Server server() {
        Server s = server;
        if (s == null) {
            synchronized (TestDatabase.class) {
                s = server;
                if (s == null) {
                    s = locate();
                    server = s;
                }
            }
        }
        return s;
    }

    private static Server locate() {
        String env = System.getenv("VEIL_TEST_JDBC_URL");
        if (env != null && !env.isBlank()) {
            return Server.fromUrl(env.trim(), new Properties());
        }
        if (answers("127.0.0.1", 5432)) {
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            return Server.fromUrl("jdbc:postgresql://127.0.0.1:5432/postgres", p);
        }
        return Containers.start();
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private record Server(String adminUrl, String prefix, String suffix, Properties properties, String display) {
        static Server fromUrl(String url, Properties properties) {
            // jdbc:postgresql://host:port/db?params  → prefix "jdbc:postgresql://host:port/", suffix "?params"
            int slash = url.indexOf('/', "jdbc:postgresql://".length());
            if (!url.startsWith("jdbc:postgresql://") || slash < 0) {
                throw new IllegalStateException("VEIL_TEST_JDBC_URL must look like jdbc:postgresql://host:port/db");
            }
            int q = url.indexOf('?', slash);
            String prefix = url.substring(0, slash + 1);
            String suffix = q < 0 ? "" : url.substring(q);
            return new Server(url, prefix, suffix, properties, prefix);
        }

        String urlFor(String db) {
            return prefix + db + suffix;
        }
    }

    /** Kept in its own class so Testcontainers is loaded only when it is needed. */
    private static final class Containers {
        static Server start() {
            try {
                var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:15-alpine");
                container.start();
                Properties p = new Properties();
                p.setProperty("user", container.getUsername());
                p.setProperty("password", container.getPassword());
                return Server.fromUrl(container.getJdbcUrl(), p);
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("no PostgreSQL for tests: set VEIL_TEST_JDBC_URL, start one on "
                        + "127.0.0.1:5432, or make Docker available for Testcontainers", e);
            }
        }
    }
}
