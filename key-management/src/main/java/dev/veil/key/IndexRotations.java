package dev.veil.key;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import dev.veil.key.IndexRotation.Phase;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Online rotation of blind-index keys for {@link KeyAdministration}: each step is one transaction holding the
 * scope's row lock, checks that the keyset still is what the recorded phase says, applies the next phase's keyset
 * change and records the phase in the same {@code UPDATE}. The keyset is only ever changed here while a rotation
 * is recorded ({@link KeyAdministration} refuses its other changes on such a scope).
 */
final class IndexRotations {

    private static final System.Logger LOG = System.getLogger(KeyAdministration.class.getName());

    private final DataKeyStore store;
    private final DataKeyTable table;

    IndexRotations(DataKeyStore store) {
        this.store = store;
        this.table = store.table();
    }

    IndexRotation begin(KeyScope scope) throws KeyException {
        requireBlindIndex(scope);
        return table.inTransaction("cannot begin the index-key rotation", scope, c -> {
            DataKeyTable.Row row = lock(c, scope);
            if (row.rotation() != null) {
                return recorded(row); // a rerun resumes where the last one stopped
            }
            KeysetHandle handle = store.unwrap(row);
            int enabled = 0;
            for (int i = 0; i < handle.size(); i++) {
                enabled += handle.getAt(i).getStatus() == KeyStatus.ENABLED ? 1 : 0;
            }
            if (enabled != 1) {
                throw new KeyException("refusing to rotate " + scope + ": it has " + enabled + " enabled versions and "
                        + "a rotation starts from exactly one, the primary; disable or destroy the others first "
                        + "(versions() lists them)");
            }
            KeysetHandle changed;
            try {
                KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
                b.addEntry(KeysetHandle.generateEntryFromParameters(
                        store.newVersionParameters(KeyPurpose.BLIND_INDEX)).withRandomId());
                changed = b.build();
            } catch (GeneralSecurityException e) {
                throw new KeyException("cannot add a version to the keyset of " + scope + ": " + e.getMessage(), e);
            }
            long oldVersion = DataKeyStore.primaryVersion(handle);
            long newVersion = Integer.toUnsignedLong(changed.getAt(changed.size() - 1).getId());
            Instant at = write(c, row, changed, new DataKeyTable.RotationRecord(Phase.SEARCH_BOTH.configName(),
                    newVersion, oldVersion, null));
            LOG.log(Level.INFO, () -> "began the index-key rotation of " + scope + ": version " + newVersion
                    + " added for search, version " + oldVersion + " still primary (search-both)");
            return new IndexRotation(scope, Phase.SEARCH_BOTH, newVersion, oldVersion, at);
        });
    }

    IndexRotation advance(KeyScope scope, Phase expected) throws KeyException {
        requireBlindIndex(scope);
        Objects.requireNonNull(expected, "expected");
        return table.inTransaction("cannot advance the index-key rotation", scope, c -> {
            DataKeyTable.Row row = lock(c, scope);
            if (row.rotation() == null) {
                throw new KeyException("no index-key rotation is recorded for " + scope + " (it finished, or never "
                        + "began), so it cannot move on from " + expected.configName() + "; check veil status");
            }
            IndexRotation current = recorded(row);
            if (current.phase() != expected) {
                throw new KeyException("index-key rotation of " + scope + " is in phase "
                        + current.phase().configName() + ", not " + expected.configName() + ": another veil rotate "
                        + "index-key may be running or have run; check veil status before going on");
            }
            KeysetHandle handle = store.unwrap(row);
            requireMatches(current, handle);
            Phase next = current.phase().next();
            KeysetHandle changed = apply(next, current, handle);
            Instant at = write(c, row, changed, next == Phase.DONE ? null
                    : new DataKeyTable.RotationRecord(next.configName(), current.newVersion(), current.oldVersion(),
                            null));
            LOG.log(Level.INFO, () -> "index-key rotation of " + scope + " moved from " + expected.configName()
                    + " to " + next.configName() + " (new version " + current.newVersion() + ", old version "
                    + current.oldVersion() + ")");
            return new IndexRotation(scope, next, current.newVersion(), current.oldVersion(), at);
        });
    }

    Optional<IndexRotation> get(KeyScope scope) throws KeyException {
        Optional<DataKeyTable.Row> row = table.read(scope);
        return row.isPresent() && row.get().rotation() != null ? Optional.of(recorded(row.get())) : Optional.empty();
    }

    List<IndexRotation> list() throws KeyException {
        List<IndexRotation> out = new ArrayList<>();
        for (DataKeyTable.Row row : table.readRotating()) {
            out.add(recorded(row));
        }
        return out;
    }

    /** Refuses changes other than the rotation's own to a scope with a rotation recorded. */
    static void requireNoRotation(DataKeyTable.Row row, String change) throws KeyException {
        if (row.rotation() != null) {
            throw new KeyException("refusing to " + change + " of " + row.scope() + ": an index-key rotation of it "
                    + "is in progress (phase " + row.rotation().phase() + ") and owns its keyset until done; go on "
                    + "with " + KeyAdministration.rotateCommand(row.scope()));
        }
    }

    /** The keyset change that starts {@code next}; null when the keyset stays as it is. */
    private static KeysetHandle apply(Phase next, IndexRotation r, KeysetHandle handle) throws KeyException {
        KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
        switch (next) {
            case WRITE_NEW -> b.getAt(indexOf(handle, r.newVersion())).makePrimary();
            case REINDEX -> {
                return null;
            }
            case RETIRE_OLD -> b.getAt(indexOf(handle, r.oldVersion())).setStatus(KeyStatus.DISABLED);
            case DONE -> b.deleteAt(indexOf(handle, r.oldVersion()));
            default -> throw new IllegalStateException("no advance leads into " + next);
        }
        try {
            return b.build();
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot change the keyset of " + r.scope() + " for " + next.configName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Fails closed when the keyset is not what the recorded phase says (changed by hand or by another tool). */
    private static void requireMatches(IndexRotation r, KeysetHandle handle) throws KeyException {
        int newAt = indexOf(handle, r.newVersion());
        int oldAt = indexOf(handle, r.oldVersion());
        boolean present = newAt >= 0 && oldAt >= 0 && handle.getAt(newAt).getStatus() == KeyStatus.ENABLED;
        String expected;
        boolean matches;
        switch (r.phase()) {
            case SEARCH_BOTH -> {
                expected = "the old version primary and the new one enabled";
                matches = present && handle.getAt(oldAt).isPrimary();
            }
            case WRITE_NEW, REINDEX -> {
                expected = "the new version primary and the old one enabled";
                matches = present && handle.getAt(newAt).isPrimary()
                        && handle.getAt(oldAt).getStatus() == KeyStatus.ENABLED;
            }
            case RETIRE_OLD -> {
                expected = "the new version primary and the old one disabled";
                matches = present && handle.getAt(newAt).isPrimary()
                        && handle.getAt(oldAt).getStatus() == KeyStatus.DISABLED;
            }
            default -> throw new IllegalStateException("phase " + r.phase() + " is never recorded");
        }
        if (!matches) {
            throw new KeyException("the keyset of " + r.scope() + " no longer matches its recorded index-key rotation "
                    + "(phase " + r.phase().configName() + " expects " + expected + ": new version " + r.newVersion()
                    + ", old version " + r.oldVersion() + "); it was changed outside the rotation: compare versions() "
                    + "with the record before going on");
        }
    }

    private static int indexOf(KeysetHandle handle, long version) {
        for (int i = 0; i < handle.size(); i++) {
            if (Integer.toUnsignedLong(handle.getAt(i).getId()) == version) {
                return i;
            }
        }
        return -1;
    }

    private DataKeyTable.Row lock(Connection c, KeyScope scope) throws KeyException, SQLException {
        table.requireRotationColumns();
        return table.read(c, scope, true).orElseThrow(() -> new KeyException(scope + " has no key in "
                + table.name() + " yet, so there is nothing to rotate (an index key is created at its first use)"));
    }

    /** Writes the keyset ({@code changed}, or the row's own when null) and the rotation record in one UPDATE. */
    private Instant write(Connection c, DataKeyTable.Row row, KeysetHandle changed, DataKeyTable.RotationRecord next)
            throws KeyException, SQLException {
        String masterKeyId = changed == null ? row.masterKeyId() : store.primary().id();
        byte[] envelope = changed == null ? row.envelope() : store.seal(row.scope(), changed, store.primary());
        long primary = changed == null ? row.primaryVersion() : DataKeyStore.primaryVersion(changed);
        return table.updateRotation(c, row, masterKeyId, envelope, primary, next).orElseThrow(() ->
                new KeyException("data key for " + row.scope() + " changed during the index-key rotation step; "
                        + "run it again"));
    }

    private IndexRotation recorded(DataKeyTable.Row row) throws KeyException {
        DataKeyTable.RotationRecord r = row.rotation();
        Phase phase;
        try {
            phase = Phase.ofConfigName(r.phase());
        } catch (IllegalArgumentException e) {
            throw new KeyException("key table " + table.name() + " records index-key rotation phase '" + r.phase()
                    + "' for " + row.scope() + ", which this Veil does not know; use the Veil version that began it");
        }
        if (phase == Phase.DONE || r.version() < 0 || r.fromVersion() < 0 || r.changedAt() == null) {
            throw new KeyException("key table " + table.name() + " records an incomplete index-key rotation for "
                    + row.scope() + " (rotation_phase '" + r.phase() + "' needs rotation_version, "
                    + "rotation_from_version and rotation_changed_at); fix or clear the rotation_* columns");
        }
        return new IndexRotation(row.scope(), phase, r.version(), r.fromVersion(), r.changedAt());
    }

    private static void requireBlindIndex(KeyScope scope) throws KeyException {
        if (scope.purpose() != KeyPurpose.BLIND_INDEX) {
            throw new KeyException("index-key rotation is for blind-index scopes, but " + scope + " is an "
                    + "encryption key: add a version to it instead (addVersion)");
        }
    }
}
