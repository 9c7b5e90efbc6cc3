package dev.veil.admin;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.admin.job.Envelopes;
import dev.veil.admin.job.JobSpec;
import dev.veil.admin.job.TableShape;
import dev.veil.driver.schema.EncryptedColumn;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code migrate encrypt | finish | decrypt}: adopting Veil on columns that hold plaintext, and the way back.
 * See docs/rotation-and-migration.md for the window these run in.
 */
final class Migrations {

    private final AdminContext ctx;

    Migrations(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** Encrypts the plaintext values of the columns in place (one job per table) and fills their indexes. */
    List<JobResult> encrypt(List<String> columnNames, JobOptions options) throws AdminException {
        List<JobResult> results = new ArrayList<>();
        for (Map.Entry<ConfiguredSchema.Table, List<EncryptedColumn>> e : byTable(columnNames).entrySet()) {
            ConfiguredSchema.Table t = e.getKey();
            List<EncryptedColumn> cols = e.getValue();
            TableShape shape;
            try (Connection c = ctx.open()) {
                shape = ctx.shape(c, t.name());
                requireStorable(shape, cols, t);
                requireCompanions(shape, t, cols);
            } catch (SQLException ex) {
                throw AdminContext.failure("cannot read the shape of " + t.name(), ex);
            }
            JobSpec spec = ctx.jobs.encrypt("migrate-encrypt " + t.name() + " " + names(cols), shape, t, cols);
            List<String> plan = new ArrayList<>();
            plan.add("then add the backstop of " + names(cols) + " NOT VALID (veil migrate finish validates it)");
            JobResult r = ctx.run(spec, options, options.dryRun() ? plan : List.of());
            if (!options.dryRun() && r.remaining() == 0) {
                r = withPlan(r, addBackstops(shape, t, cols));
            }
            results.add(r);
        }
        return results;
    }

    /**
     * Re-counts plaintext rows under a lock that blocks writes for the count; fails with {@link
     * AdminException.Outcome#PROBLEMS} if any remain; otherwise makes sure the backstop exists and validates it.
     */
    FinishReport finish(List<String> columnNames, boolean dryRun) throws AdminException {
        if (dryRun) {
            return finishPlan(columnNames);
        }
        List<String> done = new ArrayList<>();
        for (Map.Entry<ConfiguredSchema.Table, List<EncryptedColumn>> e : byTable(columnNames).entrySet()) {
            ConfiguredSchema.Table t = e.getKey();
            List<EncryptedColumn> cols = e.getValue();
            try (Connection c = ctx.open()) {
                TableShape shape = ctx.shape(c, t.name());
                requireStorable(shape, cols, t);
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = '10s'");
                    st.execute("LOCK TABLE " + t.name().sql() + " IN SHARE ROW EXCLUSIVE MODE");
                    List<String> left = new ArrayList<>();
                    for (EncryptedColumn col : cols) {
                        long n = SchemaDdl.plaintextRows(c, t, col, ColumnJobs.storage(shape, col));
                        if (n > 0) {
                            left.add(col + ": " + n + " row(s)");
                        }
                    }
                    if (!left.isEmpty()) {
                        c.rollback();
                        throw AdminException.problems("plaintext is left (" + String.join("; ", left) + "), written "
                                + "around Veil or since the last run; run veil migrate encrypt --column … again, then "
                                + "veil migrate finish. Nothing was changed");
                    }
                    for (EncryptedColumn col : cols) {
                        String name = Envelopes.backstopName(t.name().name(), col.name());
                        if (shape.check(name) == null) {
                            st.execute(SchemaDdl.addBackstop(t.name().sql(), name, col.name(),
                                    ColumnJobs.storage(shape, col)));
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException ex) {
                    c.rollback();
                    throw ex;
                }
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    for (EncryptedColumn col : cols) {
                        st.execute("ALTER TABLE " + t.name().sql() + " VALIDATE CONSTRAINT "
                                + TableShape.q(Envelopes.backstopName(t.name().name(), col.name())));
                        done.add(col.toString());
                    }
                }
            } catch (SQLException ex) {
                throw AdminContext.failure("migrate finish on " + t.name() + " failed; nothing was validated", ex);
            }
        }
        String setting = ctx.config.allowLegacyPlaintext()
                ? "allow-legacy-plaintext (veil.allow-legacy-plaintext) is on for every column: turn it off"
                : "remove legacy-plaintext: true from " + String.join(", ", done) + " in the configuration (or the "
                        + "columns from veil.legacy-plaintext-columns)";
        return new FinishReport(done, "every value is encrypted and the backstops are validated; now " + setting
                + " and restart or redeploy the application");
    }

    private FinishReport finishPlan(List<String> columnNames) throws AdminException {
        List<String> left = new ArrayList<>();
        List<String> ready = new ArrayList<>();
        for (Map.Entry<ConfiguredSchema.Table, List<EncryptedColumn>> e : byTable(columnNames).entrySet()) {
            try (Connection c = ctx.open()) {
                TableShape shape = ctx.shape(c, e.getKey().name());
                requireStorable(shape, e.getValue(), e.getKey());
                for (EncryptedColumn col : e.getValue()) {
                    long n = SchemaDdl.plaintextRows(c, e.getKey(), col, ColumnJobs.storage(shape, col));
                    (n > 0 ? left : ready).add(col + (n > 0 ? ": " + n + " plaintext row(s)" : ""));
                }
            } catch (SQLException ex) {
                throw AdminContext.failure("cannot count plaintext rows of " + e.getKey().name(), ex);
            }
        }
        return new FinishReport(ready, left.isEmpty() ? "dry run: nothing changed; finish would lock each table "
                + "briefly, re-count, add and validate the backstops of " + ready : "dry run: finish would stop "
                + "with exit 3: " + String.join("; ", left));
    }

    /** Decrypts the columns back to plaintext (the rollback of {@code encrypt}); drops their backstops first. */
    List<JobResult> decrypt(List<String> columnNames, JobOptions options) throws AdminException {
        List<JobResult> results = new ArrayList<>();
        for (Map.Entry<ConfiguredSchema.Table, List<EncryptedColumn>> e : byTable(columnNames).entrySet()) {
            ConfiguredSchema.Table t = e.getKey();
            List<EncryptedColumn> cols = e.getValue();
            List<String> ddl = new ArrayList<>();
            for (EncryptedColumn col : cols) {
                ddl.add("ALTER TABLE " + t.name().sql() + " DROP CONSTRAINT IF EXISTS "
                        + TableShape.q(Envelopes.backstopName(t.name().name(), col.name())));
            }
            TableShape shape;
            try (Connection c = ctx.open()) {
                shape = ctx.shape(c, t.name());
                requireStorable(shape, cols, t);
                if (!options.dryRun()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET lock_timeout = '5s'");
                        for (String s : ddl) {
                            st.execute(s);
                        }
                    }
                }
            } catch (SQLException ex) {
                throw AdminContext.failure("cannot drop the backstops of " + t.name(), ex);
            }
            JobSpec spec = ctx.jobs.decrypt("migrate-decrypt " + t.name() + " " + names(cols), shape, cols);
            results.add(ctx.run(spec, options, ddl));
        }
        return results;
    }

    private List<String> addBackstops(TableShape shape, ConfiguredSchema.Table t, List<EncryptedColumn> cols)
            throws AdminException {
        List<String> added = new ArrayList<>();
        try (Connection c = ctx.open(); Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = '5s'");
            for (EncryptedColumn col : cols) {
                String name = Envelopes.backstopName(t.name().name(), col.name());
                if (shape.check(name) == null) {
                    String sql = SchemaDdl.addBackstop(t.name().sql(), name, col.name(), ColumnJobs.storage(shape, col));
                    st.execute(sql);
                    added.add(sql);
                }
            }
        } catch (SQLException e) {
            throw AdminContext.failure("every value of " + names(cols) + " is encrypted, but the backstop could not "
                    + "be added; veil migrate finish adds it", e);
        }
        return added;
    }

    private Map<ConfiguredSchema.Table, List<EncryptedColumn>> byTable(List<String> columnNames) throws AdminException {
        if (columnNames.isEmpty()) {
            throw AdminException.usage("name the columns: --column table.column (repeatable)");
        }
        Map<ConfiguredSchema.Table, List<EncryptedColumn>> out = new LinkedHashMap<>();
        for (String n : columnNames) {
            EncryptedColumn c = ctx.schema.column(n);
            List<EncryptedColumn> list = out.computeIfAbsent(ctx.schema.tableOf(c), k -> new ArrayList<>());
            if (!list.contains(c)) {
                list.add(c);
            }
        }
        return out;
    }

    private static void requireStorable(TableShape shape, List<EncryptedColumn> cols, ConfiguredSchema.Table t)
            throws AdminException {
        for (EncryptedColumn c : cols) {
            String type = shape.type(c.name());
            if (type == null) {
                throw AdminException.usage(c + " does not exist in the database; run veil ddl to see the DDL");
            }
            if (TableShape.storageOf(type) == null) {
                throw AdminException.usage(c + " is " + type + ", which cannot hold ciphertext. Change it to text "
                        + "first (ALTER TABLE " + t.name().sql() + " ALTER COLUMN " + TableShape.q(c.name())
                        + " TYPE text USING " + TableShape.q(c.name()) + "::text — this rewrites the table under an "
                        + "exclusive lock), or to bytea for new data (see docs/rotation-and-migration.md)");
            }
        }
    }

    private static void requireCompanions(TableShape shape, ConfiguredSchema.Table t, List<EncryptedColumn> cols)
            throws AdminException {
        for (var ix : t.indexesOver(cols)) {
            if (!"bytea".equals(shape.type(ix.name()))) {
                throw AdminException.usage("blind index " + ix.qualified() + " has no bytea companion column yet; run "
                        + "veil ddl --apply first (it adds companion columns and their indexes online)");
            }
        }
    }

    private static JobResult withPlan(JobResult r, List<String> more) {
        List<String> plan = new ArrayList<>(r.plan());
        plan.addAll(more);
        return new JobResult(r.command(), r.rowsExamined(), r.rowsChanged(), r.rowsSkipped(), r.seconds(),
                r.resumed(), r.remaining(), r.dryRun(), plan);
    }

    static String names(List<EncryptedColumn> cols) {
        List<String> n = new ArrayList<>();
        cols.forEach(c -> n.add(c.name()));
        return "[" + String.join(",", n) + "]";
    }
}
