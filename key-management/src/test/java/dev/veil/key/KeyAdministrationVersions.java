package dev.veil.key;

import java.util.List;

/** Reads a scope's key types through {@link KeyAdministration}. */
final class KeyAdministrationVersions {

    private KeyAdministrationVersions() {
    }

    static List<String> types(KeyRingBuilder builder, KeyScope scope) throws KeyException {
        try (KeyAdministration admin = builder.buildAdministration()) {
            return admin.versions(scope).stream().map(KeyVersion::type).toList();
        }
    }
}
