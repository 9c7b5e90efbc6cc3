package dev.veil.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The PostgreSQL server's log, where this process can read it: {@code pg_current_logfile()} under the logging
 * collector, else {@code VEIL_TEST_SERVER_LOG}, else Debian's {@code /var/log/postgresql/postgresql-<major>-main.log}.
 * {@link #logEverything} makes a test database log every statement with its bind parameters, so a test can prove a
 * value never reached the server; {@link #sinceMark(Connection)} waits for the server to have written it.
 */
public final class ServerLog {

    private final Path file;
    private long mark;

    private ServerLog(Path file) {
        this.file = file;
        this.mark = size();
    }

    /** The log, or empty (with the reason printed) where it cannot be read. */
    public static Optional<ServerLog> find(Connection plain) throws SQLException {
        Path candidate = null;
        try (Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_current_logfile(), current_setting('data_directory'), "
                        + "current_setting('server_version_num')::int / 10000")) {
            rs.next();
            String current = rs.getString(1);
            if (current != null) {
                candidate = Path.of(rs.getString(2)).resolve(current);
            } else if (System.getenv("VEIL_TEST_SERVER_LOG") != null) {
                candidate = Path.of(System.getenv("VEIL_TEST_SERVER_LOG"));
            } else {
                candidate = Path.of("/var/log/postgresql/postgresql-" + rs.getInt(3) + "-main.log");
            }
        }
        if (!Files.isReadable(candidate)) {
            System.err.println("[ServerLog] the server log " + candidate + " is not readable here: log checks skipped");
            return Optional.empty();
        }
        return Optional.of(new ServerLog(candidate));
    }

    /** New connections to {@code database} log every statement, with bind parameters, on error too. */
    public static void logEverything(Connection plain, String database) throws SQLException {
        try (Statement st = plain.createStatement()) {
            st.execute("ALTER DATABASE " + database + " SET log_statement = 'all'");
            st.execute("ALTER DATABASE " + database + " SET log_parameter_max_length = -1");
            st.execute("ALTER DATABASE " + database + " SET log_parameter_max_length_on_error = -1");
            st.execute("ALTER DATABASE " + database + " SET log_min_error_statement = 'error'");
        }
    }

    /** Starts a new span: {@link #sinceMark()} returns what was logged after this call. */
    public void mark() {
        mark = size();
    }

    /**
     * Everything logged since the last mark, once the server has written it all: sends a unique marker statement
     * through {@code logged} (a connection whose statements are logged, after the ones of interest) and waits —
     * generously, this is a condition, not a race — until the log shows it.
     */
    public String sinceMark(Connection logged) throws SQLException {
        String marker = "veil-log-marker-" + java.util.UUID.randomUUID();
        try (Statement st = logged.createStatement()) {
            st.execute("SELECT '" + marker + "'");
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String written = read();
            if (written.contains(marker)) {
                return written;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server log " + file + " never showed the statement " + marker);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the server log", e);
            }
        }
    }

    private String read() {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            if (len <= mark) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(len - mark, 64L << 20)];
            f.seek(mark);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    private long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
