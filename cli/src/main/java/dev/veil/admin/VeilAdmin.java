package dev.veil.admin;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.driver.config.VeilConfig;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Veil's administration API: what the {@code veil} command runs, callable from an application, a scheduler or a
 * Flyway Java migration. Every operation works online against a running application: data rows change only
 * through the online job engine (keyset pagination by primary key, one short transaction per batch, a
 * compare-and-swap write that never overwrites a concurrent change, a checkpoint per batch so an interrupted
 * run resumes), and key changes go through the key table.
 *
 * <pre>{@code
 * VeilConfig config = VeilDriver.configFrom(props);              // the same configuration as the driver
 * try (VeilAdmin admin = VeilAdmin.open(config, () -> DriverManager.getConnection(plainUrl, user, pw), "app")) {
 *     admin.migrateEncrypt(List.of("users.email"), JobOptions.defaults());
 *     admin.migrateFinish(List.of("users.email"));
 * }
 * }</pre>
 *
 * Messages name tables, columns, key versions and row keys; they never contain a value or key material.
 * Thread-safe for sequential use; run one operation at a time per instance.
 */
public final class VeilAdmin implements AutoCloseable {

    private final AdminContext ctx;

    private VeilAdmin(AdminContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param config the Veil configuration (as the driver reads it)
     * @param connections plain connections to the database (not through Veil: jobs write raw envelopes)
     * @param database the database name, part of the KMS encryption context (as the driver uses it)
     */
    public static VeilAdmin open(VeilConfig config, ConnectionFactory connections, String database)
            throws AdminException {
        return new VeilAdmin(new AdminContext(config, connections, database));
    }

    public VeilConfig config() {
        return ctx.config;
    }

    /** Creates the key table, the job table, a data key per configured table and a key per blind index. */
    public KeyReport init(boolean dryRun) throws AdminException {
        return new KeyCommands(ctx).init(dryRun);
    }

    /** Per column and index: rows, plaintext rows, rows per key version, missing index values; unfinished jobs. */
    public StatusReport status() throws AdminException {
        try (Connection c = ctx.open()) {
            return new Status(ctx).report(c);
        } catch (SQLException e) {
            throw AdminContext.failure("cannot read the status", e);
        } catch (KeyException e) {
            throw AdminContext.failure("cannot read the key versions", e);
        }
    }

    /** The DDL the configuration needs and what it cannot fix yet (nothing is run). */
    public DdlPlan ddl() throws AdminException {
        try (Connection c = ctx.open()) {
            return new SchemaDdl(ctx).plan(c);
        } catch (SQLException e) {
            throw AdminContext.failure("cannot read the catalog", e);
        }
    }

    /** Runs the automatic statements of {@link #ddl()}; returns those it ran. */
    public List<DdlStatement> applyDdl() throws AdminException {
        try (Connection c = ctx.open()) {
            SchemaDdl ddl = new SchemaDdl(ctx);
            return ddl.apply(c, ddl.plan(c));
        } catch (SQLException e) {
            throw AdminContext.failure("DDL failed; statements before it were applied, veil ddl shows what is left", e);
        }
    }

    /** Encrypts existing plaintext values of the columns in place, online, and fills their blind indexes. */
    public List<JobResult> migrateEncrypt(List<String> columns, JobOptions options) throws AdminException {
        return new Migrations(ctx).encrypt(columns, options);
    }

    /** Re-counts plaintext under a lock (PROBLEMS if any), then adds and validates the backstops. */
    public FinishReport migrateFinish(List<String> columns) throws AdminException {
        return new Migrations(ctx).finish(columns, false);
    }

    /** What {@link #migrateFinish} would find, without a lock or a change. */
    public FinishReport migrateFinishPlan(List<String> columns) throws AdminException {
        return new Migrations(ctx).finish(columns, true);
    }

    /** Decrypts the columns back to plaintext in place (rollback of a migration); drops their backstops first. */
    public List<JobResult> migrateDecrypt(List<String> columns, JobOptions options) throws AdminException {
        return new Migrations(ctx).decrypt(columns, options);
    }

    /** Computes missing blind-index values (all configured indexes when {@code indexes} is empty). */
    public List<JobResult> backfill(List<String> indexes, JobOptions options) throws AdminException {
        return new Backfill(ctx).run(indexes, options);
    }

    /** Re-wraps every data key under a new master key; touches no data row. */
    public KeyReport rotateMasterKey(String uri, boolean dryRun) throws AdminException {
        return new KeyCommands(ctx).rotateMasterKey(uri, dryRun);
    }

    /** Adds a new primary version to the table's data key. */
    public KeyReport rotateDataKey(String table, boolean dryRun) throws AdminException {
        return new KeyCommands(ctx).rotateDataKey(table, dryRun);
    }

    /** Re-encrypts every value not under its data key's primary version ({@code null}s select everything). */
    public List<JobResult> reencrypt(String table, String column, JobOptions options) throws AdminException {
        return reencrypt(table, column, false, options);
    }

    /**
     * As {@link #reencrypt(String, String, JobOptions)}; with {@code all}, every value is re-encrypted, also those
     * already under the primary version — after a column's {@code pad:} changed, to re-pad what is stored.
     */
    public List<JobResult> reencrypt(String table, String column, boolean all, JobOptions options)
            throws AdminException {
        return new KeyCommands(ctx).reencrypt(table, column, all, options);
    }

    /** Replaces a blind-index key online; {@code wait} between phases (null: the key-cache TTL and a margin). */
    public JobResult rotateIndexKey(String index, Duration wait, JobOptions options) throws AdminException {
        IndexKeyRotation r = new IndexKeyRotation(ctx);
        return r.rotate(index, wait == null ? r.defaultWait() : wait, options);
    }

    /** Deletes a data-key version no row uses any more (re-counted under a lock at that moment). */
    public KeyReport retireDataKey(String table, long version, boolean dryRun) throws AdminException {
        return new KeyCommands(ctx).retireDataKey(table, version, dryRun);
    }

    /** Configuration against schema, key table and master key, leakage per blind index. */
    public DoctorReport doctor() throws AdminException {
        return new Doctor(ctx).examine();
    }

    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public String toString() {
        return "VeilAdmin[" + ctx.config.source() + "]";
    }
}
