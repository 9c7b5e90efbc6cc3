package dev.veil.key.local;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import dev.veil.key.KeyContext;
import dev.veil.key.KeyException;
import dev.veil.key.MasterKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A master key read from a cleartext Tink JSON keyset file (development only). Wraps with the keyset's
 * AEAD, using {@link KeyContext#associatedData()} as associated data; the output is the Tink ciphertext
 * (5-byte prefix naming the key, so keys added to the file later still unwrap old data).
 *
 * <p>Like ssh with a private key, a keyset file that its group or others may access (any of the POSIX mode bits
 * {@code 077}) is refused, naming the {@code chmod 600} to run. Where the file system has no POSIX permissions
 * (Windows, some mounted volumes) nothing can be checked: the file is used and a WARNING says so once per file.
 */
public final class LocalKeysetMasterKey implements MasterKey {

    private static final System.Logger LOG = System.getLogger(LocalKeysetMasterKey.class.getName());
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./@%+=:,-]+");
    private static final Set<Path> UNCHECKED_WARNED = ConcurrentHashMap.newKeySet();

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final Aead aead;

    private LocalKeysetMasterKey(String id, Aead aead) {
        this.id = id;
        this.aead = aead;
    }

    /** Reads the keyset file; the id is {@code local-keyset:} plus the file name (not the full path). */
    public static LocalKeysetMasterKey read(Path file) throws KeyException {
        return read(file, LocalKeysetProvider.SCHEME + ":" + file);
    }

    /**
     * Reads the keyset file named by {@code uri} ({@code local-keyset:PATH} as configured, quoted in errors);
     * the id is {@code local-keyset:} plus the file name.
     */
    static LocalKeysetMasterKey read(Path file, String uri) throws KeyException {
        String id = LocalKeysetProvider.SCHEME + ":" + file.getFileName();
        String json;
        try {
            requireOwnerOnly(file, uri);
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            String where = file.isAbsolute() ? "" : " (a relative path is resolved against the working directory "
                    + Path.of("").toAbsolutePath() + ")";
            throw new KeyException("master key " + uri + ": no file at " + file.toAbsolutePath() + where
                    + "; create one with: " + LocalKeysetGenerator.COMMAND + file
                    + "   (in a project that depends on veil-driver; it prints the master-key line for veil.yml)");
        } catch (IOException e) {
            throw new KeyException("master key " + id + ": cannot read " + file + ": " + e.getMessage());
        }
        return fromJson(id, json);
    }

    /**
     * Refuses a file whose group or others have any permission (mode bits {@code 077}), as ssh does for a private
     * key: anyone who can read it can unwrap every data key, and anyone who can write it can swap the master key.
     * Follows symbolic links (the target's mode counts). Without POSIX attributes, warns once and accepts.
     */
    static void requireOwnerOnly(Path file, String uri) throws IOException, KeyException {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            Path absolute = file.toAbsolutePath();
            if (UNCHECKED_WARNED.add(absolute)) {
                LOG.log(Level.WARNING, () -> "master key " + uri + ": the file system of " + absolute + " has no "
                        + "POSIX permissions, so Veil cannot check that only its owner can read it; restrict it with "
                        + "the platform's access control (a cleartext master keyset unwraps every data key)");
            }
            return;
        }
        Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
        loose.addAll(mode);
        loose.retainAll(GROUP_OR_OTHERS);
        if (!loose.isEmpty()) {
            String path = file.toAbsolutePath().toString();
            throw new KeyException("master key " + uri + ": " + path + " is accessible by its group or others (mode "
                    + PosixFilePermissions.toString(mode) + "); a cleartext master keyset unwraps every data key, so "
                    + "Veil refuses it unless only its owner may read and write it. Run: chmod 600 "
                    + shellQuoted(path));
        }
    }

    /** {@code path} as one shell word: as is when it has no special character, else single-quoted. */
    static String shellQuoted(String path) {
        return SHELL_SAFE.matcher(path).matches() ? path : "'" + path.replace("'", "'\\''") + "'";
    }

    /** For tests and embedders that keep the JSON elsewhere. */
    public static LocalKeysetMasterKey fromJson(String id, String json) throws KeyException {
        try {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, RegistryConfiguration.get(),
                    InsecureSecretKeyAccess.get());
            return new LocalKeysetMasterKey(id, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyException("master key " + id + " is not a Tink JSON keyset holding an AEAD key; create one "
                    + "with dev.veil.key.local.LocalKeysetGenerator");
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(byte[] plaintext, KeyContext context) throws KeyException {
        try {
            return aead.encrypt(plaintext, context.associatedData());
        } catch (GeneralSecurityException e) {
            throw new KeyException("master key " + id + " could not wrap a data key for " + context);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, KeyContext context) throws KeyException {
        try {
            return aead.decrypt(wrapped, context.associatedData());
        } catch (GeneralSecurityException e) {
            throw new KeyException("master key " + id + " could not unwrap the data key for " + context
                    + ": it was wrapped by another master key, for another scope or database, or was altered");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
