package dev.veil.examples.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code mvn -B -q -pl examples/jdbc-demo exec:java}: runs {@link Demo} on an embedded PostgreSQL, or on the
 * database named by {@value #URL_PROPERTY} / {@value #URL_ENV} (a plain {@code jdbc:postgresql://} URL; put
 * {@code user} and {@code password} in its parameters). Exit status 0 on success, 1 with a message on failure.
 */
public final class DemoApplication {

    static final String URL_PROPERTY = "veil.demo.url";
    static final String URL_ENV = "VEIL_DEMO_JDBC_URL";
    /** Keep the tables and the key directory of a run against a given database, to look at them afterwards. */
    static final String KEEP_PROPERTY = "veil.demo.keep";

    private DemoApplication() {
    }

    public static void main(String[] args) {
        String url = System.getProperty(URL_PROPERTY, System.getenv(URL_ENV));
        int status = run(url == null || url.isBlank() ? null : url.trim(), Boolean.getBoolean(KEEP_PROPERTY),
                System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * @param url a plain PostgreSQL URL, or {@code null} for an embedded server
     * @param keep whether a run against {@code url} keeps its tables and master key
     * @return the exit status
     */
    static int run(String url, boolean keep, PrintStream out, PrintStream err) {
        EmbeddedServer server = null;
        Path directory = null;
        Demo demo = null;
        boolean kept = false;
        try {
            DemoDatabase database;
            if (url == null) {
                out.println("Starting an embedded PostgreSQL (set -D" + URL_PROPERTY + " or " + URL_ENV
                        + " to use your own) ...");
                server = EmbeddedServer.start();
                database = server.database();
            } else {
                database = DemoDatabase.of(url);
            }
            directory = Files.createTempDirectory("veil-demo-");
            demo = new Demo(database, directory);
            DemoReport report = demo.run();
            out.println();
            out.print(ConsoleReport.format(report));
            kept = keep && server == null;
            if (kept) {
                out.println("Kept tables " + Demo.TABLE + ", " + Demo.KEY_TABLE + " and " + directory
                        + " (-D" + KEEP_PROPERTY + "=true); drop them when done.");
            }
            return report.plaintextInDatabase().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println();
            err.println("Veil demo failed: " + describe(e));
            return 1;
        } finally {
            if (!kept) {
                cleanUp(demo, server, directory, out, err);
            }
        }
    }

    private static void cleanUp(Demo demo, EmbeddedServer server, Path directory, PrintStream out,
            PrintStream err) {
        List<String> done = new ArrayList<>();
        if (server != null) {
            server.close();
            done.add("stopped the embedded PostgreSQL");
        } else if (demo != null) {
            try {
                if (demo.dropTables()) {
                    done.add("dropped tables " + Demo.TABLE + ", " + Demo.KEY_TABLE);
                }
            } catch (SQLException e) {
                err.println("could not drop the demo tables: " + describe(e));
            }
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                done.add("deleted " + directory + " (master key, config)");
            } catch (IOException e) {
                err.println("could not delete " + directory + ": " + e.getMessage());
            }
        }
        if (!done.isEmpty()) {
            out.println("Cleaned up: " + String.join("; ", done) + ".");
        }
    }

    /** The message of the exception and of its causes, with SQLStates. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t != e) {
                text.append("\n  caused by: ");
            }
            text.append(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                text.append(" [SQLState ").append(sql.getSQLState()).append(']');
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }
}
