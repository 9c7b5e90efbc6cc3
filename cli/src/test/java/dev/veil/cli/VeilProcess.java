package dev.veil.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code veil.jar} run as a child process, {@code java -jar veil.jar args…}: the environment given
 * (nothing of Veil's or libpq's from the test's own), standard output and error captured to files, a timeout.
 * The jar comes from the system property {@code veil.cli.jar} (failsafe sets it after {@code package}).
 */
final class VeilProcess implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * JVM options for the many short commands of the suite: C1 only and the serial collector take about a third
     * less CPU per start on a two-core machine and change nothing the command does.
     */
    static final List<String> QUICK_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** The JVM as a user starts it ({@code java -jar veil.jar}): for jobs whose throughput is measured. */
    static final List<String> PLAIN_JVM = List.of();

    /** Variables the CLI reads; the child sees only those a test passes. */
    private static final List<String> CLEARED = List.of("VEIL_DB_URL", "VEIL_DB_USER", "VEIL_DB_PASSWORD",
            "VEIL_CONFIG", "PGPASSWORD", "PGUSER", "PGPASSFILE", "PGSERVICEFILE", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    private final Process process;
    private final List<String> command;
    private final Path stdout;
    private final Path stderr;
    private final long started = System.nanoTime();

    private VeilProcess(Process process, List<String> command, Path stdout, Path stderr) {
        this.process = process;
        this.command = command;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** What a finished child did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {

        /** The one JSON object standard output must consist of (anything else there fails the test). */
        Map<String, Object> json() {
            try {
                return JsonReader.object(stdout);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("standard output is not exactly one JSON object (" + e.getMessage() + "): "
                        + this, e);
            }
        }

        @Override
        public String toString() {
            return "veil " + String.join(" ", command) + " → exit " + exitCode + " after " + elapsed.toMillis()
                    + " ms\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }

    static Path jar() {
        String jar = System.getProperty("veil.cli.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no veil.jar (system property veil.cli.jar: " + jar + "); the *CliIT tests "
                    + "run under failsafe after package: mvn verify -pl cli");
        }
        return Path.of(jar);
    }

    /** Runs {@code veil args…} to the end (or fails the test after {@link #TIMEOUT}). */
    static Result run(Map<String, String> env, List<String> args) {
        try (VeilProcess p = start(env, args)) {
            return p.await(TIMEOUT);
        }
    }

    static Result run(Map<String, String> env, String... args) {
        return run(env, List.of(args));
    }

    /** Starts {@code veil args…} in a {@link #QUICK_JVM}; the caller awaits, signals or kills it. */
    static VeilProcess start(Map<String, String> env, List<String> args) {
        return start(QUICK_JVM, env, args);
    }

    static VeilProcess start(List<String> jvmOptions, Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(args);
        try {
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "veil-cli-runs"));
            Path out = Files.createTempFile(dir, "stdout-", ".txt");
            Path err = Files.createTempFile(dir, "stderr-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            CLEARED.forEach(pb.environment()::remove);
            pb.environment().putAll(env);
            return new VeilProcess(pb.start(), List.copyOf(args), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Standard error written so far. */
    String stderrSoFar() {
        return read(stderr);
    }

    /** Sends a signal ({@code TERM}, {@code INT}, …) with kill(1). */
    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for the exit; after {@code timeout} kills the child and fails with what it printed. */
    Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("veil did not finish within " + timeout + ": "
                        + new Result(command, -1, read(stdout), read(stderr), elapsed()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
        return new Result(command, process.exitValue(), read(stdout), read(stderr), elapsed());
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills a child still running (a failed test) and removes the captured output. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
            // under target/
        }
    }
}
