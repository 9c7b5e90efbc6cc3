package dev.veil.key;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rotation primitives over a key table, for the CLI. Obtain with {@link KeyRingBuilder#buildAdministration()}.
 * Each method runs in one transaction of its own on a connection from the builder's {@link ConnectionFactory};
 * none touches data rows. Running rings pick changes up at their next refresh (cache TTL), or at once after
 * {@link KeyRing#invalidate(KeyScope)}.
 */
public final class KeyAdministration implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KeyAdministration.class.getName());

    private final DataKeyStore store;
    private final List<MasterKey> owned;
    private final Map<String, String> masterKeyOptions;

    KeyAdministration(DataKeyStore store, List<MasterKey> owned, Map<String, String> masterKeyOptions) {
        this.store = store;
        this.owned = owned;
        this.masterKeyOptions = masterKeyOptions;
    }

    /** The {@code CREATE TABLE IF NOT EXISTS} statement of the key table, for DBAs who create it themselves. */
    public String createTableSql() {
        return store.table().createSql();
    }

    /**
     * Re-wraps every stored data key under {@code newMasterKey}, in one transaction (all rows or none).
     * Only each row's wrapped key-encryption key changes; keysets, versions and ciphertexts stay as they are.
     * Rows already under {@code newMasterKey} are skipped, so an interrupted run can simply be repeated.
     * Rows under a key not configured on the builder (master key or previous master key) fail the whole run.
     *
     * @return how many rows were re-wrapped
     */
    public int rewrap(MasterKey newMasterKey) throws KeyException {
        DataKeyTable table = store.table();
        try (Connection c = table.open()) {
            c.setAutoCommit(false);
            try {
                int n = 0;
                for (DataKeyTable.Row row : table.readAll(c, true)) {
                    if (row.masterKeyId().equals(newMasterKey.id())) {
                        continue;
                    }
                    MasterKey from = store.masterKeyFor(row);
                    byte[] envelope = KeysetEnvelope.rewrap(row.envelope(), store.context(row.scope()), from,
                            newMasterKey);
                    if (!table.update(c, row, newMasterKey.id(), envelope, row.primaryVersion(), 0)) {
                        throw new KeyException("data key for " + row.scope() + " changed during the re-wrap; run it again");
                    }
                    n++;
                }
                c.commit();
                int count = n;
                LOG.log(Level.INFO, () -> "re-wrapped " + count + " data keys in " + table.name() + " under master key "
                        + newMasterKey.id());
                return n;
            } catch (KeyException | SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw table.failure("re-wrap failed, nothing changed", null, e);
        }
    }

    /** Opens {@code newMasterKeyUri} with the builder's master-key options, re-wraps, closes it. */
    public int rewrap(String newMasterKeyUri) throws KeyException {
        try (MasterKey target = MasterKey.open(newMasterKeyUri, masterKeyOptions)) {
            return rewrap(target);
        }
    }

    /**
     * Adds a new key version to the scope's keyset and makes it primary: new values use it, values written
     * with older enabled versions still decrypt. Creates the scope's keyset first when it has none. The new
     * version's encryption count ({@code encryptions_reserved}) starts at 0.
     */
    public KeyVersion addVersion(KeyScope scope) throws KeyException {
        if (scope.purpose() == KeyPurpose.BLIND_INDEX) {
            // a new primary PRF key changes every index value: searches would silently miss the rows indexed
            // under the old key until all of them are re-indexed
            throw new KeyException("refusing to add a version to blind-index key " + scope + ": new index values "
                    + "would no longer match rows indexed with the current key, so searches would silently miss "
                    + "them. Rotating an index key would need every row re-indexed, which Veil does not support; "
                    + "re-wrapping it under a new master key (rewrap) is safe");
        }
        return modify(scope, handle -> store.withNewPrimary(scope.purpose(), handle));
    }

    /**
     * Disables one version (values written with it no longer decrypt until it is enabled again). Refuses the
     * primary version: add a new version first.
     */
    public void disableVersion(KeyScope scope, long versionId) throws KeyException {
        setStatus(scope, versionId, KeyStatus.DISABLED);
    }

    /** Enables a disabled version again. */
    public void enableVersion(KeyScope scope, long versionId) throws KeyException {
        setStatus(scope, versionId, KeyStatus.ENABLED);
    }

    /** The versions of one scope (unwraps its keyset: one master-key call). Empty when the scope has no key yet. */
    public List<KeyVersion> versions(KeyScope scope) throws KeyException {
        java.util.Optional<DataKeyTable.Row> row = store.table().read(scope);
        return row.isPresent() ? versionsOf(store.unwrap(row.get())) : List.of();
    }

    /** Every stored key with its versions (one master-key call per row). */
    public List<StoredKey> list() throws KeyException {
        DataKeyTable table = store.table();
        List<DataKeyTable.Row> rows;
        try (Connection c = table.open()) {
            c.setAutoCommit(true);
            rows = table.readAll(c, false);
        } catch (SQLException e) {
            throw table.failure("cannot list data keys", null, e);
        }
        List<StoredKey> out = new ArrayList<>();
        for (DataKeyTable.Row row : rows) {
            out.add(new StoredKey(row.scope(), row.masterKeyId(), versionsOf(store.unwrap(row)), row.createdAt(),
                    row.updatedAt()));
        }
        return out;
    }

    private void setStatus(KeyScope scope, long versionId, KeyStatus status) throws KeyException {
        modify(scope, handle -> {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
            for (int i = 0; i < b.size(); i++) {
                KeysetHandle.Builder.Entry e = b.getAt(i);
                if (Integer.toUnsignedLong(handle.getAt(i).getId()) == versionId) {
                    if (e.isPrimary() && status != KeyStatus.ENABLED) {
                        throw new IllegalArgumentException("version " + versionId + " of " + scope
                                + " is primary; add a new version (addVersion) before disabling it");
                    }
                    e.setStatus(status);
                    return b.build();
                }
            }
            throw new IllegalArgumentException(scope + " has no version " + versionId + "; list them with versions()");
        });
    }

    private interface Change {
        KeysetHandle apply(KeysetHandle handle) throws GeneralSecurityException;
    }

    private KeyVersion modify(KeyScope scope, Change change) throws KeyException {
        store.loadOrCreate(scope); // make sure a row exists
        DataKeyTable table = store.table();
        try (Connection c = table.open()) {
            c.setAutoCommit(false);
            try {
                DataKeyTable.Row row = table.read(c, scope, true).orElseThrow(() ->
                        new KeyException("data key for " + scope + " disappeared from " + table.name()));
                KeysetHandle changed;
                try {
                    changed = change.apply(store.unwrap(row));
                } catch (IllegalArgumentException e) {
                    throw new KeyException(e.getMessage());
                } catch (GeneralSecurityException e) {
                    throw new KeyException("cannot change the keyset of " + scope + ": " + e.getMessage(), e);
                }
                byte[] envelope = store.seal(scope, changed, store.primary());
                table.update(c, row, store.primary().id(), envelope, DataKeyStore.primaryVersion(changed), 0);
                c.commit();
                LOG.log(Level.INFO, () -> "changed the keyset of " + scope + "; primary version now "
                        + DataKeyStore.primaryVersion(changed));
                return versionsOf(changed).stream().filter(KeyVersion::primary).findFirst().orElseThrow();
            } catch (KeyException | SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw table.failure("cannot change the keyset", scope, e);
        }
    }

    static List<KeyVersion> versionsOf(KeysetHandle handle) {
        List<KeyVersion> out = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry e = handle.getAt(i);
            out.add(new KeyVersion(Integer.toUnsignedLong(e.getId()),
                    e.getStatus() == KeyStatus.ENABLED ? KeyVersion.State.ENABLED : KeyVersion.State.DISABLED,
                    e.isPrimary(), e.getKey().getClass().getSimpleName()));
        }
        return out;
    }

    @Override
    public void close() {
        owned.forEach(MasterKey::close);
    }
}
