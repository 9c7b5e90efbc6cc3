package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour classes hold dispatch only and their collaborators stay small (issue 12): no source file of the jdbc
 * package over 500 lines, except the pure-forwarding {@code Delegating*} files, whose size is the JDBC interface's.
 */
class BehaviourClassSizeTest {

    private static final Path JDBC = Path.of("src/main/java/dev/veil/driver/jdbc");

    @Test
    void noBehaviourOrCollaboratorClassIsOverFiveHundredLines() throws IOException {
        List<String> tooLong;
        try (Stream<Path> files = Files.list(JDBC)) {
            tooLong = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().startsWith("Delegating"))
                    .filter(f -> lines(f) > 500)
                    .map(f -> f.getFileName() + " (" + lines(f) + " lines)").toList();
        }
        assertThat(tooLong).isEmpty();
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
