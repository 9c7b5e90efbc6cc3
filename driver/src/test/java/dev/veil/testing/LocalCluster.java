package dev.veil.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of a test's own, for tests that stop and start the server: the shared server on 5432 is never
 * restarted (every other suite runs on it). Made with {@code initdb} and run with {@code pg_ctl} from the local
 * PostgreSQL installation ({@code -Dveil.test.pg-bin} or {@code VEIL_TEST_PG_BIN}, else {@code pg_config --bindir},
 * else the newest {@code /usr/lib/postgresql/N/bin}) in a temporary directory, on a free port of 127.0.0.1, trust
 * authentication for user {@code postgres}. {@code fsync} is off: a crash of the server's processes (what
 * {@link Stop#IMMEDIATE} is) loses nothing committed, since the WAL is written before a commit returns; only a crash
 * of the operating system would. PostgreSQL refuses to run as root, so when the JVM is root the commands run as the
 * {@code postgres} user through {@code runuser}. {@link #startOrSkip()} skips the test, with the reason, where none
 * of this is available.
 */
public final class LocalCluster implements AutoCloseable {

    /** How {@link #stop} shuts the server down ({@code pg_ctl -m}). */
    public enum Stop {
        /** Sessions are terminated ({@code 57P01}), the server shuts down cleanly. */
        FAST,
        /** Every server process is killed at once: a crash, recovered from the WAL at the next start. */
        IMMEDIATE
    }

    private static final String USER = "postgres";

    private final Path bin;
    private final List<String> runAs;
    private final Path dir;
    private final int port;
    private final Thread cleanup;
    private volatile boolean running;

    private LocalCluster(Path bin, List<String> runAs, Path dir, int port) {
        this.bin = bin;
        this.runAs = runAs;
        this.dir = dir;
        this.port = port;
        this.cleanup = new Thread(this::destroy, "local-cluster-cleanup");
    }

    /** Creates and starts a cluster, or skips the calling test (JUnit assumption) saying why it cannot. */
    public static LocalCluster startOrSkip() {
        Path bin = binaries();
        Assumptions.assumeTrue(bin != null, "no PostgreSQL server binaries (initdb, pg_ctl) found: set "
                + "-Dveil.test.pg-bin=/usr/lib/postgresql/15/bin; this test restarts a server of its own and never the "
                + "shared one");
        List<String> runAs = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser"))
                    || Files.isExecutable(Path.of("/sbin/runuser")), "running as root and runuser is missing: "
                    + "PostgreSQL does not run as root");
            runAs.addAll(List.of("runuser", "-u", USER, "--"));
        }
        LocalCluster cluster;
        try {
            Path dir = Files.createTempDirectory("veil-cluster-");
            if (!runAs.isEmpty()) {
                Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER));
            }
            cluster = new LocalCluster(bin, runAs, dir, freePort());
            Runtime.getRuntime().addShutdownHook(cluster.cleanup);
            cluster.run("initdb", "-D", cluster.data(), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C",
                    "--no-sync");
        } catch (IOException e) {
            Assumptions.abort("cannot create a local PostgreSQL cluster with " + bin + ": " + e.getMessage());
            throw new IllegalStateException(e); // not reached
        }
        try {
            cluster.start();
        } catch (IllegalStateException e) {
            cluster.close();
            Assumptions.abort("a local PostgreSQL cluster made with " + bin + " does not start: " + e.getMessage());
        }
        return cluster;
    }

    /** Starts the (stopped) server on the same port and data directory; returns once it accepts connections. */
    public void start() {
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c max_connections=60 -c shared_buffers=16MB";
        try {
            run("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", options,
                    "start");
        } catch (IOException e) {
            throw new IllegalStateException("the local cluster did not start: " + e.getMessage(), e);
        }
        running = true;
    }

    /** Stops the server; returns once it is down. */
    public void stop(Stop mode) {
        try {
            run("pg_ctl", "-D", data(), "-m", mode.name().toLowerCase(java.util.Locale.ROOT), "-w", "-t", "60",
                    "stop");
        } catch (IOException e) {
            throw new IllegalStateException("the local cluster did not stop: " + e.getMessage(), e);
        }
        running = false;
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:port/database} */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "5");
        return p;
    }

    /** A plain pgjdbc connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), properties());
    }

    /** Creates a database and returns its name. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private synchronized void destroy() {
        if (running) {
            try {
                stop(Stop.IMMEDIATE);
            } catch (RuntimeException ignored) {
                // removed with the directory below; a server left running would hold only the port
            }
        }
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private void run(String program, String... args) throws IOException {
        List<String> command = new ArrayList<>(runAs);
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Path log = dir.resolve("commands.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(program + " did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + program, e);
        }
        if (p.exitValue() != 0) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            throw new IOException(program + " exited with " + p.exitValue() + ": "
                    + out.substring(Math.max(0, out.length() - 2000)));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The directory holding initdb and pg_ctl, or null. */
    private static Path binaries() {
        String configured = System.getProperty("veil.test.pg-bin", System.getenv("VEIL_TEST_PG_BIN"));
        if (configured != null) {
            return usable(Path.of(configured));
        }
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && usable(Path.of(out)) != null) {
                return Path.of(out);
            }
        } catch (IOException | RuntimeException e) {
            // no pg_config on the PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(v -> v.resolve("bin")).filter(b -> usable(b) != null)
                        .max(Comparator.comparingInt(b -> major(b.getParent().getFileName().toString())))
                        .orElse(null);
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static Path usable(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")) ? bin : null;
    }

    private static int major(String version) {
        try {
            return Integer.parseInt(version);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
