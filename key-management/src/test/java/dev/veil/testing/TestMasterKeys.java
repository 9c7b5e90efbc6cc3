package dev.veil.testing;

import dev.veil.key.local.LocalKeysetGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Comparator;

/**
 * Fresh development master keysets for tests ({@code local-keyset:}), each in a temporary directory of its own:
 * the one place tests make them ({@link VeilFixture}, {@link TestDatabaseExtension}, the starter's TestKeys).
 */
public final class TestMasterKeys {

    /** The keyset's file name inside its directory; part of the stored master-key id {@code local-keyset:<name>}. */
    public static final String FILE_NAME = "master-keyset.json";

    private TestMasterKeys() {
    }

    /** Generates a keyset in a new temporary directory named after {@code label}; returns the keyset file. */
    public static Path fresh(String label) {
        try {
            Path dir = Files.createTempDirectory("veil-" + label);
            Path keyset = dir.resolve(FILE_NAME);
            LocalKeysetGenerator.generate(keyset);
            return keyset;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a test master keyset", e);
        }
    }

    /** Deletes a directory made for a test (a keyset's, a fixture's), ignoring failures: temporary files only. */
    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // temporary files only
        }
    }
}
