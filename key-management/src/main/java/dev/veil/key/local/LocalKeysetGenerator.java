package dev.veil.key.local;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

/**
 * Writes a new <b>cleartext</b> local master keyset (one AES-256-GCM key, Tink JSON) for development:
 * {@code LocalKeysetGenerator PATH}. Refuses to overwrite an existing file; creates it with mode {@code 600}
 * ({@code rw-------}) where the file system supports POSIX permissions, which {@link LocalKeysetMasterKey} requires;
 * prints the {@code master-key:} line for {@code veil.yml}.
 * From a project that depends on {@code veil-driver}: {@value #COMMAND} {@code PATH}.
 */
public final class LocalKeysetGenerator {

    /** The command that runs this class in any Maven project that depends on {@code veil-driver}. */
    public static final String COMMAND = "mvn -q org.codehaus.mojo:exec-maven-plugin:3.5.1:java "
            + "-Dexec.mainClass=dev.veil.key.local.LocalKeysetGenerator -Dexec.args=";

    private LocalKeysetGenerator() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: LocalKeysetGenerator PATH   (writes a new cleartext master keyset; never overwrites)");
            System.exit(2);
        }
        Path path = Path.of(args[0]).toAbsolutePath();
        try {
            generate(path);
            System.out.println("wrote a new local master keyset to " + path
                    + " (cleartext: development only; keep it out of version control)");
            System.out.println("put this line in veil.yml:");
            System.out.println(yamlLine(args[0]));
            if (!Path.of(args[0]).isAbsolute()) {
                System.out.println("(a relative path is resolved against the application's working directory; "
                        + "from elsewhere use master-key: local-keyset:" + path + ")");
            }
        } catch (FileAlreadyExistsException e) {
            System.err.println(path + " already exists; not overwritten (it may protect existing data keys)");
            System.exit(1);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("cannot write " + path + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** The {@code veil.yml} line that names the keyset at {@code path}, as written. */
    public static String yamlLine(String path) {
        return "master-key: local-keyset:" + path;
    }

    /**
     * Writes the keyset, created with mode {@code 600} (the mode is given at creation, so the file is never readable
     * by others, whatever the umask); throws {@link FileAlreadyExistsException} when {@code path} exists.
     */
    public static void generate(Path path) throws IOException, GeneralSecurityException {
        AeadConfig.register();
        KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get());
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, RegistryConfiguration.get(),
                InsecureSecretKeyAccess.get());
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(path);
        }
        Files.writeString(path, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
