package dev.veil.key;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rotation primitives over a key table, for the CLI. Obtain with {@link KeyRingBuilder#buildAdministration()}.
 * Each method runs in one transaction of its own on a connection from the builder's {@link ConnectionFactory};
 * none touches data rows. Running rings pick changes up at their next refresh (cache TTL), or at once after
 * {@link KeyRing#invalidate(KeyScope)}. Encryption keys rotate by {@link #addVersion}; blind-index keys rotate
 * online, one phase at a time recorded in the key table ({@link #beginIndexRotation}, {@link IndexRotation}).
 */
public final class KeyAdministration implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KeyAdministration.class.getName());

    private final DataKeyStore store;
    private final List<MasterKey> owned;
    private final Map<String, String> masterKeyOptions;
    private final IndexRotations rotations;

    KeyAdministration(DataKeyStore store, List<MasterKey> owned, Map<String, String> masterKeyOptions) {
        this.store = store;
        this.owned = owned;
        this.masterKeyOptions = masterKeyOptions;
        this.rotations = new IndexRotations(store);
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
        int n = table.inTransaction("re-wrap failed, nothing changed", null, c -> {
            int count = 0;
            for (DataKeyTable.Row row : table.readAll(c, true)) {
                if (row.masterKeyId().equals(newMasterKey.id())) {
                    continue;
                }
                MasterKey from = store.masterKeyFor(row);
                byte[] envelope = KeysetEnvelope.rewrap(row.envelope(), store.context(row.scope()), from, newMasterKey);
                if (!table.update(c, row, newMasterKey.id(), envelope, row.primaryVersion(), 0)) {
                    throw new KeyException("data key for " + row.scope() + " changed during the re-wrap; run it again");
                }
                count++;
            }
            return count;
        });
        LOG.log(Level.INFO, () -> "re-wrapped " + n + " data keys in " + table.name() + " under master key "
                + newMasterKey.id());
        return n;
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
     * version's encryption count ({@code encryptions_reserved}) starts at 0. Refuses blind-index scopes: rotate
     * those online ({@link #beginIndexRotation}).
     */
    public KeyVersion addVersion(KeyScope scope) throws KeyException {
        if (scope.purpose() == KeyPurpose.BLIND_INDEX) {
            // a new primary PRF key changes every index value: searches would silently miss the rows indexed
            // under the old key until all of them are re-indexed
            throw new KeyException("refusing to add a version to blind-index key " + scope + ": new index values "
                    + "would no longer match rows indexed with the current key, so searches would silently miss "
                    + "them. Rotate it online instead, searching with both keys while every row is re-indexed: "
                    + rotateCommand(scope) + ". Re-wrapping it under a new master key (rewrap) is safe");
        }
        store.loadOrCreate(scope); // make sure a row exists
        return modify(scope, "add a version", handle -> store.withNewPrimary(scope.purpose(), handle));
    }

    /**
     * Disables one version (values written with it no longer decrypt, or its index values are no longer searched,
     * until it is enabled again). Refuses the primary version (add a new version first), a scope with no key yet
     * and a blind-index scope while its rotation is in progress.
     */
    public void disableVersion(KeyScope scope, long versionId) throws KeyException {
        setStatus(scope, versionId, KeyStatus.DISABLED);
    }

    /** Enables a disabled version again. Refuses a blind-index scope while its rotation is in progress. */
    public void enableVersion(KeyScope scope, long versionId) throws KeyException {
        setStatus(scope, versionId, KeyStatus.ENABLED);
    }

    /**
     * Deletes one version from the scope's keyset for good: values written with it never decrypt again (index
     * values of it never match again), whatever master key is used. Refuses the primary version, an unknown
     * version, a scope with no key and a blind-index scope while its rotation is in progress. The caller makes sure
     * no row still uses the version, and that it stopped being primary at least one key-cache TTL ago
     * ({@link #lastChanged}), since until then processes may still write with it.
     */
    public void destroyVersion(KeyScope scope, long versionId) throws KeyException {
        modify(scope, "destroy a version", handle -> {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
            int at = indexOf(handle, scope, versionId);
            if (b.getAt(at).isPrimary()) {
                throw new IllegalArgumentException("version " + versionId + " of " + scope + " is primary and cannot be"
                        + " destroyed; add a new version (addVersion) first");
            }
            return b.deleteAt(at).build();
        });
        LOG.log(Level.INFO, () -> "destroyed version " + versionId + " of " + scope);
    }

    /**
     * When the scope's row last changed, by the database's clock ({@code updated_at}): any keyset change (new
     * primary, enable, disable, destroy, a rotation phase) or re-wrap; reservations do not count. An upper bound on
     * when its primary last changed. Empty when the scope has no key. Reads no key material.
     */
    public Optional<Instant> lastChanged(KeyScope scope) throws KeyException {
        return store.table().read(scope).map(DataKeyTable.Row::updatedAt);
    }

    /** The database's current time, the clock of {@link #lastChanged} and {@link IndexRotation#changedAt()}. */
    public Instant databaseTime() throws KeyException {
        return store.table().now();
    }

    /**
     * Begins the online rotation of a blind-index key ({@link IndexRotation}): adds a new HMAC-SHA256 PRF version,
     * enabled but not primary, and records phase {@link IndexRotation.Phase#SEARCH_BOTH}, in one transaction.
     * Idempotent: when a rotation of the scope is already recorded, changes nothing and returns it as recorded
     * (whatever its phase), so a rerun resumes it. Refuses encryption scopes, a scope with no key yet, and a keyset
     * with more than one enabled version.
     */
    public IndexRotation beginIndexRotation(KeyScope scope) throws KeyException {
        return rotations.begin(scope);
    }

    /**
     * Moves the scope's rotation from {@code expectedCurrent} to the next phase, applying that phase's keyset
     * change in the same transaction: {@code write-new} makes the new version primary, {@code reindex} changes
     * nothing, {@code retire-old} disables the old version, {@code done} deletes it from the keyset and clears
     * the record (the returned rotation then has phase {@link IndexRotation.Phase#DONE}). Refuses when the
     * recorded phase is not {@code expectedCurrent} (another CLI moved it; the message names the recorded phase),
     * when none is recorded, and when the keyset no longer matches the recorded phase. Does not wait: the caller
     * waits the longest key-cache TTL between two phases.
     */
    public IndexRotation advanceIndexRotation(KeyScope scope, IndexRotation.Phase expectedCurrent)
            throws KeyException {
        return rotations.advance(scope, expectedCurrent);
    }

    /** The scope's recorded rotation, if one is in progress; reads the row only (no master-key call). */
    public Optional<IndexRotation> indexRotation(KeyScope scope) throws KeyException {
        return rotations.get(scope);
    }

    /** Every index-key rotation in progress, in scope order; no master-key call. */
    public List<IndexRotation> indexRotations() throws KeyException {
        return rotations.list();
    }

    /** The versions of one scope (unwraps its keyset: one master-key call). Empty when the scope has no key yet. */
    public List<KeyVersion> versions(KeyScope scope) throws KeyException {
        Optional<DataKeyTable.Row> row = store.table().read(scope);
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
        modify(scope, status == KeyStatus.ENABLED ? "enable a version" : "disable a version", handle -> {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
            KeysetHandle.Builder.Entry e = b.getAt(indexOf(handle, scope, versionId));
            if (e.isPrimary() && status != KeyStatus.ENABLED) {
                throw new IllegalArgumentException("version " + versionId + " of " + scope
                        + " is primary; add a new version (addVersion) before disabling it");
            }
            e.setStatus(status);
            return b.build();
        });
    }

    private static int indexOf(KeysetHandle handle, KeyScope scope, long versionId) {
        for (int i = 0; i < handle.size(); i++) {
            if (Integer.toUnsignedLong(handle.getAt(i).getId()) == versionId) {
                return i;
            }
        }
        throw new IllegalArgumentException(scope + " has no version " + versionId + "; list them with versions()");
    }

    /** {@code veil rotate index-key --index TABLE.INDEX}: how the CLI rotates the scope's key online. */
    static String rotateCommand(KeyScope scope) {
        return "veil rotate index-key --index " + scope.table() + "." + scope.name();
    }

    private interface Change {
        KeysetHandle apply(KeysetHandle handle) throws GeneralSecurityException;
    }

    /** Changes the keyset of an existing row in one transaction holding its lock; returns the primary version. */
    private KeyVersion modify(KeyScope scope, String what, Change change) throws KeyException {
        DataKeyTable table = store.table();
        KeysetHandle changed = table.inTransaction("cannot change the keyset", scope, c -> {
            DataKeyTable.Row row = table.read(c, scope, true).orElseThrow(() ->
                    new KeyException("refusing to " + what + " of " + scope + ": it has no key in " + table.name()));
            IndexRotations.requireNoRotation(row, what);
            KeysetHandle result;
            try {
                result = change.apply(store.unwrap(row));
            } catch (IllegalArgumentException e) {
                throw new KeyException(e.getMessage());
            } catch (GeneralSecurityException e) {
                throw new KeyException("cannot change the keyset of " + scope + ": " + e.getMessage(), e);
            }
            byte[] envelope = store.seal(scope, result, store.primary());
            if (!table.update(c, row, store.primary().id(), envelope, DataKeyStore.primaryVersion(result), 0)) {
                throw new KeyException("data key for " + scope + " changed while changing its keyset; run it again");
            }
            return result;
        });
        LOG.log(Level.INFO, () -> "changed the keyset of " + scope + "; primary version now "
                + DataKeyStore.primaryVersion(changed));
        return versionsOf(changed).stream().filter(KeyVersion::primary).findFirst().orElseThrow();
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
