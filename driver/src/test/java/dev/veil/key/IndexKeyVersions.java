package dev.veil.key;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Test stand-in for an online index-key rotation (the CLI's job): adds an enabled HMAC-SHA256 version to a
 * blind-index keyset in the key table and moves the primary between versions, as the rotation's phases do. Lives in
 * {@code dev.veil.key} to reach the key table and envelope the way {@link KeyAdministration} does; the driver's tests
 * use it and nothing ships it.
 */
public final class IndexKeyVersions implements AutoCloseable {

    private final MasterKey masterKey;
    private final DataKeyStore store;

    public IndexKeyVersions(String masterKeyUri, String database, ConnectionFactory connections) throws KeyException {
        this.masterKey = MasterKey.open(masterKeyUri, Map.of());
        this.store = new DataKeyStore(new DataKeyTable(connections, KeyRingBuilder.DEFAULT_KEY_TABLE), database,
                masterKey, List.of(), EncryptionTemplate.AES256_GCM);
    }

    /** Adds a new enabled version, not primary (writes keep the old key); returns its id. */
    public long addEnabledVersion(KeyScope scope) throws KeyException {
        long[] added = new long[1];
        modify(scope, handle -> {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
            b.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedPrfParameters.HMAC_SHA256_PRF)
                    .withRandomId());
            KeysetHandle changed = b.build();
            added[0] = Integer.toUnsignedLong(changed.getAt(changed.size() - 1).getId());
            return changed;
        });
        return added[0];
    }

    /** Makes an existing version primary (writes use it from the next key refresh on). */
    public void makePrimary(KeyScope scope, long version) throws KeyException {
        modify(scope, handle -> {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
            for (int i = 0; i < b.size(); i++) {
                if (Integer.toUnsignedLong(handle.getAt(i).getId()) == version) {
                    b.getAt(i).makePrimary();
                }
            }
            return b.build();
        });
    }

    /** The primary version's id. */
    public long primary(KeyScope scope) throws KeyException {
        return DataKeyStore.primaryVersion(store.loadOrCreate(scope).handle());
    }

    private interface Change {
        KeysetHandle apply(KeysetHandle handle) throws GeneralSecurityException;
    }

    private void modify(KeyScope scope, Change change) throws KeyException {
        store.loadOrCreate(scope);
        DataKeyTable table = store.table();
        try (Connection c = table.open()) {
            c.setAutoCommit(false);
            DataKeyTable.Row row = table.read(c, scope, true).orElseThrow();
            KeysetHandle changed;
            try {
                changed = change.apply(store.unwrap(row));
            } catch (GeneralSecurityException e) {
                throw new KeyException("cannot change " + scope, e);
            }
            if (!table.update(c, row, masterKey.id(), store.seal(scope, changed, masterKey),
                    DataKeyStore.primaryVersion(changed), 0)) {
                throw new KeyException(scope + " changed meanwhile");
            }
            c.commit();
        } catch (SQLException e) {
            throw new KeyException("cannot change " + scope, e);
        }
    }

    @Override
    public void close() {
        masterKey.close();
    }
}
