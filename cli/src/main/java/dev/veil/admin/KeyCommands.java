package dev.veil.admin;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.job.Envelopes;
import dev.veil.admin.job.JobSpec;
import dev.veil.admin.job.TableShape;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.key.KeyException;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyVersion;
import dev.veil.key.StoredKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code init}, {@code rotate master-key}, {@code rotate data-key}, {@code reencrypt}, {@code retire data-key}. */
final class KeyCommands {

    private final AdminContext ctx;

    KeyCommands(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** Creates the key table, a data key per configured table and a key per blind index (existing ones are kept). */
    KeyReport init(boolean dryRun) throws AdminException {
        Set<KeyScope> scopes = new LinkedHashSet<>();
        for (EncryptedColumn c : ctx.config.columns()) {
            scopes.add(AdminContext.scopeOf(c));
        }
        for (ConfiguredIndex ix : ctx.config.blindIndexes()) {
            scopes.add(ix.definition().keyScope());
        }
        try {
            Set<KeyScope> existing = new LinkedHashSet<>();
            if (!dryRun || keyTableExists()) { // listing creates a missing key table: not in a dry run
                for (StoredKey k : ctx.keys.list()) {
                    existing.add(k.scope());
                }
            }
            List<String> changes = new ArrayList<>();
            for (KeyScope s : scopes) {
                if (existing.contains(s)) {
                    changes.add("kept " + s);
                    continue;
                }
                if (!dryRun) {
                    if (s.purpose() == dev.veil.key.KeyPurpose.BLIND_INDEX) {
                        ctx.runtime.keys().prf(s);
                    } else {
                        ctx.runtime.keys().aead(s);
                    }
                }
                changes.add((dryRun ? "would create " : "created ") + s);
            }
            try (Connection c = ctx.open()) {
                if (!dryRun) {
                    ctx.checkpoints.ensure(c);
                }
            }
            return new KeyReport("init", changes, List.of("veil ddl --apply adds the companion columns, their indexes "
                    + "and the backstops"), dryRun);
        } catch (KeyException e) {
            throw AdminContext.failure("cannot create the data keys", e);
        } catch (SQLException e) {
            throw AdminContext.failure("cannot create the job table " + ctx.checkpoints.table(), e);
        }
    }

    private boolean keyTableExists() throws SQLException {
        try (Connection c = ctx.open(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, ctx.config.keyTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Re-wraps every data key under the master key at {@code uri}; no data row changes. */
    KeyReport rotateMasterKey(String uri, boolean dryRun) throws AdminException {
        try {
            List<String> changes = new ArrayList<>();
            if (dryRun) {
                for (StoredKey k : ctx.keys.list()) {
                    changes.add("would re-wrap " + k.scope() + " (now under " + k.masterKeyId() + ")");
                }
            } else {
                int n = ctx.keys.rewrap(uri);
                changes.add("re-wrapped " + n + " data key(s) under the new master key; no data row was touched");
            }
            return new KeyReport("rotate master-key", changes, List.of("set master-key to the new key in the "
                    + "configuration of every application and keep the old one under previous-master-keys until "
                    + "all of them run with it; then remove the old key (and disable it in the KMS)"), dryRun);
        } catch (KeyException e) {
            throw AdminContext.failure("re-wrap failed; nothing changed", e);
        }
    }

    /** Adds a new primary version to the table's data key: new values use it, old values still decrypt. */
    KeyReport rotateDataKey(String table, boolean dryRun) throws AdminException {
        ConfiguredSchema.Table t = ctx.schema.table(table);
        List<String> changes = new ArrayList<>();
        try {
            for (KeyScope s : scopes(t)) {
                if (dryRun) {
                    changes.add("would add a new primary version to " + s);
                } else {
                    KeyVersion v = ctx.keys.addVersion(s);
                    ctx.refresh(s);
                    changes.add("added version " + v.id() + " to " + s + " (primary)");
                }
            }
        } catch (KeyException e) {
            throw AdminContext.failure("cannot add a data-key version for " + t.name(), e);
        }
        return new KeyReport("rotate data-key", changes, List.of("running applications pick the new version up "
                + "within their key-cache TTL (" + ctx.config.keyCacheTtl() + "); veil reencrypt --table " + t.name()
                + " re-encrypts the existing values"), dryRun);
    }

    /** Re-encrypts every value of the selected tables and columns not under its data key's primary version. */
    List<JobResult> reencrypt(String table, String column, boolean all, JobOptions options) throws AdminException {
        List<ConfiguredSchema.Table> tables = table == null ? ctx.schema.tables() : List.of(ctx.schema.table(table));
        List<JobResult> out = new ArrayList<>();
        for (ConfiguredSchema.Table t : tables) {
            Map<KeyScope, List<EncryptedColumn>> byScope = new LinkedHashMap<>();
            for (EncryptedColumn c : t.columns()) {
                if (column == null || c.name().equals(dev.veil.driver.schema.Identifiers.canonical(column))) {
                    byScope.computeIfAbsent(AdminContext.scopeOf(c), k -> new ArrayList<>()).add(c);
                }
            }
            if (column != null && byScope.isEmpty()) {
                throw AdminException.usage(column + " is not an encrypted column of " + t.name());
            }
            for (Map.Entry<KeyScope, List<EncryptedColumn>> e : byScope.entrySet()) {
                long primary = primary(e.getKey());
                ctx.refresh(e.getKey());
                TableShape shape;
                try (Connection c = ctx.open()) {
                    shape = ctx.shape(c, t.name());
                } catch (SQLException ex) {
                    throw AdminContext.failure("cannot read the shape of " + t.name(), ex);
                }
                List<EncryptedColumn> cols = storable(shape, e.getValue());
                if (cols.isEmpty()) {
                    if (column != null) {
                        EncryptedColumn c = e.getValue().get(0);
                        throw AdminException.usage(c + (shape.has(c.name()) ? " is " + shape.type(c.name())
                                + ", which cannot hold ciphertext" : " does not exist in the database")
                                + "; veil ddl shows the DDL it needs");
                    }
                    continue; // nothing there can hold ciphertext; veil status reports it
                }
                JobSpec spec = ctx.jobs.reencrypt("reencrypt " + (all ? "all " : "") + t.name() + " "
                        + Migrations.names(cols) + " to " + primary, shape, cols, primary, all);
                out.add(ctx.run(spec, options, List.of()));
            }
        }
        return out;
    }

    /**
     * Deletes version {@code version} of the table's data key, after re-counting — under a lock that holds writes
     * back for the count — that no row uses it. Refuses the primary, and a version that was primary less than one
     * key-cache TTL ago (processes may still write with it).
     */
    KeyReport retireDataKey(String table, long version, boolean dryRun) throws AdminException {
        ConfiguredSchema.Table t = ctx.schema.table(table);
        List<String> changes = new ArrayList<>();
        for (KeyScope s : scopes(t)) {
            try {
                KeyVersion v = find(s, version);
                if (v == null) {
                    continue;
                }
                if (v.primary()) {
                    throw AdminException.usage("version " + version + " is the primary version of " + s + "; run veil "
                            + "rotate data-key --table " + t.name() + " and veil reencrypt first");
                }
                Instant changed = ctx.keys.lastChanged(s).orElse(Instant.EPOCH);
                Instant now = ctx.keys.databaseTime();
                Duration ttl = ctx.config.keyCacheTtl();
                if (changed.plus(ttl).isAfter(now)) {
                    throw AdminException.problems("the data key of " + t.name() + " changed at " + changed + ", less "
                            + "than one key-cache TTL (" + ttl + ") ago: processes may still write with version "
                            + version + ". Retry after " + changed.plus(ttl));
                }
                retire(t, s, version, dryRun);
                changes.add((dryRun ? "would destroy" : "destroyed") + " version " + version + " of " + s);
            } catch (KeyException e) {
                throw AdminContext.failure("cannot retire version " + version + " of " + s, e);
            }
        }
        if (changes.isEmpty()) {
            throw AdminException.usage("the data key of " + t.name() + " has no version " + version + "; veil status "
                    + "lists the versions in use");
        }
        return new KeyReport("retire data-key", changes, List.of(), dryRun);
    }

    private void retire(ConfiguredSchema.Table t, KeyScope scope, long version, boolean dryRun)
            throws AdminException, KeyException {
        List<ConfiguredSchema.Table> users = new ArrayList<>();
        for (ConfiguredSchema.Table other : ctx.schema.tables()) {
            for (EncryptedColumn c : other.columns()) {
                if (AdminContext.scopeOf(c).equals(scope) && !users.contains(other)) {
                    users.add(other);
                }
            }
        }
        try (Connection c = ctx.open()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lock_timeout = '10s'");
                long using = 0;
                for (ConfiguredSchema.Table u : users) {
                    st.execute("LOCK TABLE " + u.name().sql() + " IN SHARE MODE");
                    TableShape shape = ctx.shape(c, u.name());
                    for (EncryptedColumn col : storable(shape, u.columns())) {
                        if (!AdminContext.scopeOf(col).equals(scope)) {
                            continue;
                        }
                        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + u.name().sql() + " WHERE "
                                + Envelopes.keyVersion(col.name(), ColumnJobs.storage(shape, col)) + " = " + version)) {
                            rs.next();
                            using += rs.getLong(1);
                        }
                    }
                }
                if (using > 0) {
                    throw AdminException.problems(using + " value(s) still use version " + version + " of " + scope
                            + "; run veil reencrypt --table " + t.name() + " first. Nothing was changed");
                }
                if (!dryRun) {
                    ctx.keys.destroyVersion(scope, version); // while the lock keeps writers out
                }
                c.commit();
            } catch (SQLException | AdminException | KeyException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw AdminContext.failure("cannot count the values under version " + version, e);
        }
    }

    private KeyVersion find(KeyScope s, long version) throws KeyException {
        for (KeyVersion v : ctx.keys.versions(s)) {
            if (v.id() == version) {
                return v;
            }
        }
        return null;
    }

    private long primary(KeyScope s) throws AdminException {
        try {
            for (KeyVersion v : ctx.keys.versions(s)) {
                if (v.primary()) {
                    return v.id();
                }
            }
        } catch (KeyException e) {
            throw AdminContext.failure("cannot read the versions of " + s, e);
        }
        throw AdminException.usage(s + " has no data key yet; run veil init");
    }

    private static List<KeyScope> scopes(ConfiguredSchema.Table t) throws AdminException {
        Set<KeyScope> out = new LinkedHashSet<>();
        for (EncryptedColumn c : t.columns()) {
            out.add(AdminContext.scopeOf(c));
        }
        if (out.isEmpty()) {
            throw AdminException.usage(t.name() + " has no encrypted column, so it has no data key");
        }
        return new ArrayList<>(out);
    }

    private static List<EncryptedColumn> storable(TableShape shape, List<EncryptedColumn> cols) {
        List<EncryptedColumn> out = new ArrayList<>();
        for (EncryptedColumn c : cols) {
            if (TableShape.storageOf(shape.type(c.name())) != null) {
                out.add(c);
            }
        }
        return out;
    }
}
