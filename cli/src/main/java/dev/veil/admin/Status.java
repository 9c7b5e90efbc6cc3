package dev.veil.admin;

import dev.veil.admin.job.Envelopes;
import dev.veil.admin.job.TableShape;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.key.KeyException;
import dev.veil.key.KeyVersion;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link StatusReport}: one aggregate query per encrypted column and per index. */
final class Status {

    private final AdminContext ctx;

    Status(AdminContext ctx) {
        this.ctx = ctx;
    }

    StatusReport report(Connection c) throws SQLException, KeyException {
        List<StatusReport.ColumnStatus> columns = new ArrayList<>();
        List<StatusReport.IndexStatus> indexes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Long> primaries = new LinkedHashMap<>();
        for (ConfiguredSchema.Table t : ctx.schema.tables()) {
            TableShape shape = TableShape.read(c, t.name());
            if (shape == null) {
                problems.add("table " + t.name() + " does not exist");
                continue;
            }
            for (EncryptedColumn col : t.columns()) {
                TableShape.Storage storage = TableShape.storageOf(shape.type(col.name()));
                if (storage == null) {
                    problems.add(col + (shape.has(col.name()) ? " cannot hold ciphertext (" + shape.type(col.name())
                            + ")" : " does not exist") + "; see veil ddl");
                    continue;
                }
                String scope = AdminContext.scopeOf(col).table();
                Long primary = primaries.get(scope);
                if (primary == null) {
                    primary = primaryOf(ctx.keys.versions(AdminContext.scopeOf(col)));
                    primaries.put(scope, primary);
                }
                StatusReport.ColumnStatus s = column(c, t, col, storage, primary);
                columns.add(s);
                if (s.plaintextRows() > 0) {
                    problems.add(col + ": " + s.plaintextRows() + " row(s) hold plaintext (veil migrate encrypt)");
                }
                for (String v : s.rowsByKeyVersion().keySet()) {
                    if (!v.equals(Long.toString(primary))) {
                        problems.add(col + ": " + s.rowsByKeyVersion().get(v) + " row(s) under data-key version " + v
                                + ", not the primary " + primary + " (veil reencrypt --table " + t.name() + ")");
                    }
                }
            }
            for (ConfiguredIndex ix : t.indexes()) {
                StatusReport.IndexStatus s = index(c, shape, ix);
                indexes.add(s);
                if (!s.state().equals("ok")) {
                    problems.add("blind index " + ix.qualified() + ": " + s.state()
                            + (s.rowsMissing() > 0 ? ", " + s.rowsMissing() + " row(s) without a value (veil backfill)"
                                    : ""));
                }
            }
        }
        List<StatusReport.JobStatus> jobs = new ArrayList<>();
        List<dev.veil.admin.job.Checkpoints.JobRow> unfinished = ctx.checkpoints.exists(c)
                ? ctx.checkpoints.unfinished(c) : List.of();
        for (var j : unfinished) {
            jobs.add(new StatusReport.JobStatus(j.job(), j.parts(), j.done(), j.examined(), j.changed(),
                    j.updatedAt().toString()));
        }
        return new StatusReport(columns, indexes, jobs, problems);
    }

    private static long primaryOf(List<KeyVersion> versions) {
        for (KeyVersion v : versions) {
            if (v.primary()) {
                return v.id();
            }
        }
        return -1;
    }

    private static StatusReport.ColumnStatus column(Connection c, ConfiguredSchema.Table t, EncryptedColumn col,
            TableShape.Storage storage, long primary) throws SQLException {
        String q = TableShape.q(col.name());
        String sql = "SELECT kv, count(*) FROM (SELECT CASE WHEN " + q + " IS NULL THEN -2 WHEN NOT "
                + Envelopes.isEnvelope(col.name(), storage) + " THEN -1 ELSE "
                + Envelopes.keyVersion(col.name(), storage)
                + " END AS kv FROM " + t.name().sql() + ") s GROUP BY kv ORDER BY kv";
        long rows = 0;
        long nulls = 0;
        long plaintext = 0;
        Map<String, Long> byVersion = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                long kv = rs.getLong(1);
                long n = rs.getLong(2);
                rows += n;
                if (kv == -2) {
                    nulls = n;
                } else if (kv == -1) {
                    plaintext = n;
                } else {
                    byVersion.put(Long.toString(kv), n);
                }
            }
        }
        return new StatusReport.ColumnStatus(t.name().qualified(), col.name(), rows, nulls, plaintext, byVersion,
                primary);
    }

    private StatusReport.IndexStatus index(Connection c, TableShape shape, ConfiguredIndex ix)
            throws SQLException, KeyException {
        List<String> versions = new ArrayList<>();
        for (KeyVersion v : ctx.keys.versions(ix.definition().keyScope())) {
            versions.add(v.id() + ":" + v.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (v.primary() ? ":primary" : ""));
        }
        if (!shape.has(ix.name())) {
            return new StatusReport.IndexStatus(ix.qualified(), -1, "no-companion-column", versions);
        }
        StringBuilder where = new StringBuilder(TableShape.q(ix.name())).append(" IS NULL");
        for (String s : ix.columns()) {
            where.append(" AND ").append(TableShape.q(s)).append(" IS NOT NULL");
        }
        long missing;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM "
                + shape.table().sql() + " WHERE " + where)) {
            rs.next();
            missing = rs.getLong(1);
        }
        String state = IndexKeyRotation.phaseOf(ctx, ix);
        if (state == null) {
            state = missing > 0 ? "missing-values" : "ok";
        }
        return new StatusReport.IndexStatus(ix.qualified(), missing, state, versions);
    }
}
