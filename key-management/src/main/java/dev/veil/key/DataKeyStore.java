package dev.veil.key;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads, creates and writes scopes' keysets: the key table, the envelope and the master keys together.
 * Only the configured master keys are ever used; the row's {@code master_key_id} merely picks among them.
 */
final class DataKeyStore {

    static {
        try {
            AeadConfig.register();
            PrfConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Does nothing but make sure this class, and so Tink's key managers, are initialised. */
    static void ensureRegistered() {
        // the static initialiser registers them
    }

    record Loaded(KeysetHandle handle, boolean created) { }

    /** A keyset this store rolled: what it wrote to the key table, so the ring can use it without unwrapping it. */
    record Rolled(long version, KeysetHandle handle) { }

    private final DataKeyTable table;
    private final String database;
    private final MasterKey primary;
    private final Map<String, MasterKey> byId;
    private final EncryptionTemplate template;
    /** Per scope, the {@code created_at} of the row first read or created: rows are updated, never replaced. */
    private final ConcurrentHashMap<KeyScope, Instant> seen = new ConcurrentHashMap<>();

    DataKeyStore(DataKeyTable table, String database, MasterKey primary, List<MasterKey> previous,
            EncryptionTemplate template) {
        this.table = table;
        this.database = database;
        this.primary = primary;
        this.byId = new LinkedHashMap<>();
        byId.put(primary.id(), primary);
        previous.forEach(m -> byId.putIfAbsent(m.id(), m));
        this.template = template;
    }

    DataKeyTable table() {
        return table;
    }

    MasterKey primary() {
        return primary;
    }

    String database() {
        return database;
    }

    KeyContext context(KeyScope scope) {
        return KeyContext.of(database, scope);
    }

    /**
     * Reads the scope's keyset, or generates and stores one; a lost insert race re-reads the winner's. A scope whose
     * row this store has read or created before is never given a new key: its row deleted, or deleted and created
     * again (another {@code created_at}), is refused ({@link #sameRow}).
     */
    Loaded loadOrCreate(KeyScope scope) throws KeyException {
        Optional<DataKeyTable.Row> row = table.read(scope);
        if (row.isPresent()) {
            return new Loaded(unwrap(sameRow(row.get())), false);
        }
        Instant known = seen.get(scope);
        if (known != null) {
            throw new KeyException("data key for " + scope + " was deleted from " + table.name() + " after this "
                    + "process loaded it (its row was created " + known + "); Veil does not create a new key for it, "
                    + "which would leave every value written under the deleted one unreadable. Restore the row from a "
                    + "backup of the key table, or, if it was deleted on purpose, restart the process to start a new "
                    + "key (values written under the deleted one stay unreadable); see docs/key-management.md, "
                    + "\"Tampering with the key table\"");
        }
        KeysetHandle fresh = generate(scope.purpose());
        byte[] envelope = seal(scope, fresh, primary);
        Optional<Instant> created = table.insertIfAbsent(scope, primary.id(), envelope, primaryVersion(fresh));
        if (created.isPresent()) {
            seen.putIfAbsent(scope, created.get());
            return new Loaded(fresh, true);
        }
        DataKeyTable.Row winner = table.read(scope).orElseThrow(() -> new KeyException("data key for " + scope
                + " was stored by another process and then deleted from " + table.name() + "; check who deletes rows"));
        return new Loaded(unwrap(sameRow(winner)), false);
    }

    /**
     * The row, when it is the one this store first read or created for its scope (same {@code created_at}; every
     * legitimate change is an UPDATE that keeps it, a restore from a backup keeps it too); remembers it otherwise.
     */
    DataKeyTable.Row sameRow(DataKeyTable.Row row) throws KeyException {
        Instant known = seen.putIfAbsent(row.scope(), row.createdAt());
        if (known != null && !known.equals(row.createdAt())) {
            throw new KeyException("data key for " + row.scope() + " in " + table.name() + " is not the one this "
                    + "process loaded: its row was deleted and created again (created " + row.createdAt() + ", the "
                    + "one loaded was created " + known + "), so values written under the deleted key do not decrypt "
                    + "under it. Restore the original row from a backup of the key table, or restart the process to "
                    + "use the new key; see docs/key-management.md, \"Tampering with the key table\"");
        }
        return row;
    }

    KeysetHandle unwrap(DataKeyTable.Row row) throws KeyException {
        MasterKey masterKey = masterKeyFor(row);
        byte[] keyset = KeysetEnvelope.open(row.envelope(), context(row.scope()), masterKey);
        try {
            return TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get(),
                    RegistryConfiguration.get());
        } catch (GeneralSecurityException e) {
            throw new KeyException("data keyset for " + row.scope() + " unwrapped under master key " + masterKey.id()
                    + " but is not a valid Tink keyset; the key table row is corrupt");
        } finally {
            Arrays.fill(keyset, (byte) 0);
        }
    }

    MasterKey masterKeyFor(DataKeyTable.Row row) throws KeyException {
        MasterKey m = byId.get(row.masterKeyId());
        if (m == null) {
            throw new KeyException("data key for " + row.scope() + " is wrapped by master key " + row.masterKeyId()
                    + " but this ring is configured with " + primary.id() + "; configure that master key (or add it "
                    + "with previousMasterKey while rotating), or re-wrap the key table with KeyAdministration.rewrap");
        }
        return m;
    }

    byte[] seal(KeyScope scope, KeysetHandle handle, MasterKey masterKey) throws KeyException {
        byte[] keyset;
        try {
            keyset = TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get(),
                    RegistryConfiguration.get());
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot serialize the data keyset for " + scope, e);
        }
        try {
            return KeysetEnvelope.seal(keyset, context(scope), masterKey);
        } finally {
            Arrays.fill(keyset, (byte) 0);
        }
    }

    KeysetHandle generate(KeyPurpose purpose) throws KeyException {
        try {
            return KeysetHandle.generateNew(newVersionParameters(purpose), RegistryConfiguration.get());
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot generate a " + purpose + " keyset", e);
        }
    }

    com.google.crypto.tink.Parameters newVersionParameters(KeyPurpose purpose) {
        return purpose == KeyPurpose.ENCRYPTION ? template.parameters() : PredefinedPrfParameters.HMAC_SHA256_PRF;
    }

    /** {@code handle} plus a fresh version of the current template, made primary. */
    KeysetHandle withNewPrimary(KeyPurpose purpose, KeysetHandle handle) throws GeneralSecurityException {
        KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
        b.addEntry(KeysetHandle.generateEntryFromParameters(newVersionParameters(purpose)).withRandomId()
                .makePrimary());
        return b.build();
    }

    /**
     * Rolls an exhausted encryption key: if the scope's primary is still {@code exhaustedVersion}, adds a new
     * primary version (as {@link KeyAdministration#addVersion} does) whose reservation count starts at
     * {@code firstBlock} — the caller's first block under it — in one transaction holding the row lock.
     *
     * @return the keyset as stored with its new primary version, or {@code null} when another ring or process had
     *     already changed the primary (then nothing was changed and nothing was reserved: reload the keyset)
     */
    Rolled roll(KeyScope scope, long exhaustedVersion, long firstBlock) throws KeyException {
        try (java.sql.Connection c = table.open()) {
            c.setAutoCommit(false);
            try {
                DataKeyTable.Row row = sameRow(table.read(c, scope, true).orElseThrow(() ->
                        new KeyException("data key for " + scope + " disappeared from " + table.name())));
                if (row.primaryVersion() != exhaustedVersion) {
                    c.commit();
                    return null;
                }
                KeysetHandle changed;
                try {
                    changed = withNewPrimary(scope.purpose(), unwrap(row));
                } catch (GeneralSecurityException e) {
                    throw new KeyException("cannot add a version to the keyset of " + scope + ": " + e.getMessage(), e);
                }
                long version = primaryVersion(changed);
                if (!table.update(c, row, primary.id(), seal(scope, changed, primary), version, firstBlock)) {
                    c.rollback();
                    return null; // changed under the row lock (cannot happen at READ COMMITTED): as if rolled by another
                }
                c.commit();
                return new Rolled(version, changed);
            } catch (KeyException | java.sql.SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (java.sql.SQLException e) {
            throw table.failure("cannot roll the data key", scope, e);
        }
    }

    static long primaryVersion(KeysetHandle handle) {
        return Integer.toUnsignedLong(handle.getPrimary().getId());
    }

    /** The primitive a ring caches: {@link Aead} for encryption scopes, {@link PrfSet} for blind indexes. */
    static Object primitive(KeyScope scope, KeysetHandle handle) throws KeyException {
        try {
            return scope.purpose() == KeyPurpose.ENCRYPTION
                    ? handle.getPrimitive(RegistryConfiguration.get(), Aead.class)
                    : handle.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException("data keyset for " + scope + " has no usable " + scope.purpose()
                    + " key (every version disabled, or a key type this Veil does not know)", e);
        }
    }

    void close() {
        byId.values().forEach(MasterKey::close);
    }
}
