package dev.veil.admin;

import dev.veil.admin.job.Checkpoints;
import dev.veil.admin.job.JobException;
import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.job.JobSpec;
import dev.veil.admin.job.OnlineJob;
import dev.veil.admin.job.TableShape;
import dev.veil.blindindex.BlindIndexer;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import dev.veil.key.ConnectionFactory;
import dev.veil.key.KeyAdministration;
import dev.veil.key.KeyException;
import dev.veil.key.KeyScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What every administration command shares: configuration, keys, connections, the job engine. */
final class AdminContext implements AutoCloseable {

    final VeilConfig config;
    final ConfiguredSchema schema;
    final VeilRuntime runtime;
    final KeyAdministration keys;
    final ConnectionFactory connections;
    final Checkpoints checkpoints;
    final OnlineJob engine;
    final ColumnJobs jobs;
    private final Map<EncryptedColumn, ColumnCipher> ciphers = new ConcurrentHashMap<>();

    AdminContext(VeilConfig config, ConnectionFactory connections, String database) throws AdminException {
        this.config = config;
        this.schema = new ConfiguredSchema(config);
        this.connections = connections;
        try {
            this.runtime = VeilRuntime.create(config, connections, database);
        } catch (SQLException e) {
            throw AdminException.usage(e.getMessage());
        }
        try {
            this.keys = VeilRuntime.keyRingBuilder(config, connections, database).buildAdministration();
        } catch (KeyException e) {
            runtime.close();
            throw AdminException.usage(config.source() + ": the master key cannot be used: " + e.getMessage());
        }
        this.checkpoints = new Checkpoints(jobTable(config.keyTable()));
        this.engine = new OnlineJob(connections, checkpoints);
        this.jobs = new ColumnJobs(this::cipher, this::indexer);
    }

    /** The job table lives beside the key table: {@code veil_jobs} in the key table's schema. */
    private static String jobTable(String keyTable) {
        int dot = keyTable.lastIndexOf('.');
        return dot < 0 ? "veil_jobs" : keyTable.substring(0, dot + 1) + "veil_jobs";
    }

    /** A cipher that reads legacy plaintext (the jobs convert it) and writes envelopes. */
    ColumnCipher cipher(EncryptedColumn c) {
        return ciphers.computeIfAbsent(c, col -> new ColumnCipher(col.qualified(), col.boundName(), col.type(),
                runtime.keys(), true, ColumnCipher.Events.NONE, col.padding()));
    }

    BlindIndexer indexer(ConfiguredIndex ix) {
        return runtime.indexer(ix);
    }

    Connection open() throws SQLException {
        Connection c = connections.open();
        c.setAutoCommit(true);
        return c;
    }

    TableShape shape(Connection c, TableName table) throws SQLException, AdminException {
        try {
            return TableShape.require(c, table);
        } catch (JobException e) {
            throw AdminException.of(e);
        }
    }

    /**
     * Runs (or resumes) a job on the engine. The column jobs do not bind values to rows yet: a job over a table with
     * row binding is refused before it starts (it would write unbound values, or fail on bound ones).
     */
    JobResult run(JobSpec spec, JobOptions options, java.util.List<String> plan) throws AdminException {
        TableName table = spec.shape().table();
        if (config.rowBinding(table.schema(), table.name()) != null) {
            throw AdminException.usage(spec.command() + " refused for table " + table + ": its encrypted values are "
                    + "bound to their rows (row-binding), and the column jobs do not bind values to rows yet. Rewrite "
                    + "the values through Veil (read each row, then UPDATE … SET column = ? WHERE key = ?), as "
                    + "docs/configuration.md, \"Row binding\", describes");
        }
        try {
            return engine.run(spec, options, plan);
        } catch (JobException e) {
            throw AdminException.of(e);
        }
    }

    /** The data-key scope of a column (its binding table's key). */
    static KeyScope scopeOf(EncryptedColumn c) {
        return ColumnCipher.scopeOf(c.boundName());
    }

    /** Drops cached keys so the next use reads the key table (after a rotation step). */
    void refresh(KeyScope scope) {
        runtime.keys().invalidate(scope);
    }

    static AdminException failure(String what, SQLException e) {
        return AdminException.failed(what + " (SQLState " + e.getSQLState() + ": "
                + dev.veil.admin.job.SafeMessages.of(e) + ")", e);
    }

    static AdminException failure(String what, KeyException e) {
        return AdminException.failed(what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        keys.close();
        runtime.close();
    }
}
