package dev.veil.key.local;

import dev.veil.key.KeyException;
import dev.veil.key.MasterKey;
import dev.veil.key.MasterKeyProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code local-keyset:PATH}: a <b>cleartext</b> Tink JSON keyset file holding an AEAD key, for development
 * and tests. Anyone who can read the file can unwrap every data key; use a KMS in production.
 * Create one with {@link LocalKeysetGenerator}. No options.
 */
public final class LocalKeysetProvider implements MasterKeyProvider {

    public static final String SCHEME = "local-keyset";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public MasterKey open(String uri, Map<String, String> options) throws KeyException {
        String path = uri.substring(SCHEME.length() + 1);
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        if (path.isBlank()) {
            throw new KeyException("masterKey 'local-keyset:' names no file: use local-keyset:/path/to/master-keyset.json");
        }
        return LocalKeysetMasterKey.read(Path.of(path), uri);
    }
}
