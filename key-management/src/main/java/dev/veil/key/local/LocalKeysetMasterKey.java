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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * A master key read from a cleartext Tink JSON keyset file (development only). Wraps with the keyset's
 * AEAD, using {@link KeyContext#associatedData()} as associated data; the output is the Tink ciphertext
 * (5-byte prefix naming the key, so keys added to the file later still unwrap old data).
 */
public final class LocalKeysetMasterKey implements MasterKey {

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
