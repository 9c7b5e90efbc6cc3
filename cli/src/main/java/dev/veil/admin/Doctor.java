package dev.veil.admin;

import dev.veil.blindindex.LeakageReport;
import dev.veil.key.KeyException;
import dev.veil.key.StoredKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code veil doctor}: configuration against schema, key table and master key, blind-index leakage. */
final class Doctor {

    private final AdminContext ctx;

    Doctor(AdminContext ctx) {
        this.ctx = ctx;
    }

    DoctorReport examine() throws AdminException {
        List<String> problems = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        List<String> leakage = new ArrayList<>();
        List<DdlStatement> ddl = new ArrayList<>();
        checks.add("configuration " + ctx.config.source() + ": " + ctx.config.columns().size()
                + " encrypted column(s), "
                + ctx.config.blindIndexes().size() + " blind index(es)");
        try {
            List<StoredKey> keys = ctx.keys.list(); // unwraps every key: one master-key call each
            checks.add("key table " + ctx.config.keyTable() + " readable, " + keys.size()
                    + " key(s) unwrapped with the "
                    + "master key");
        } catch (KeyException e) {
            problems.add("key table or master key: " + e.getMessage());
        }
        try (Connection c = ctx.open()) {
            DdlPlan plan = new SchemaDdl(ctx).plan(c);
            boolean drift = false;
            for (DdlStatement s : plan.statements()) {
                if (s.required()) {
                    problems.add(s.reason() + " — " + s.sql());
                    drift = true;
                } else {
                    checks.add("advice: " + s.reason() + " — " + s.sql());
                }
                ddl.add(s);
            }
            problems.addAll(plan.notes());
            if (!drift && plan.notes().isEmpty()) {
                checks.add("schema matches the configuration (columns, companion columns, indexes, backstops)");
            }
            StatusReport status = new Status(ctx).report(c);
            for (String p : status.problems()) {
                if (!problems.contains(p)) {
                    problems.add(p);
                }
            }
            for (Map.Entry<String, Optional<LeakageReport>> e : ctx.runtime.leakage(c).entrySet()) {
                if (e.getValue().isEmpty()) {
                    leakage.add(e.getKey() + ": no statistics yet (run ANALYZE on its table)");
                    continue;
                }
                LeakageReport r = e.getValue().get();
                // reported, not failed on: an exact index over unique values fingerprints them by design
                leakage.add(r.toString().strip().replace("\n  ", "; ").replace('\n', ' '));
            }
        } catch (SQLException e) {
            problems.add("database: " + dev.veil.admin.job.SafeMessages.of(e) + " (SQLState " + e.getSQLState() + ")");
        } catch (KeyException e) {
            problems.add("keys: " + e.getMessage());
        }
        return new DoctorReport(problems, ddl, checks, leakage);
    }
}
