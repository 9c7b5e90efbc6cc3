package dev.veil.admin;

import dev.veil.admin.job.Envelopes;
import dev.veil.admin.job.TableShape;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The DDL the configuration needs: encrypted columns that can hold envelopes, companion columns and their indexes
 * (unique where the source is), and the database-side backstop — a CHECK per encrypted column that accepts only
 * Veil envelopes, so a write around Veil cannot store plaintext (PostgreSQL rejects it with 23514). The backstop
 * is added {@code NOT VALID} and then validated, so no statement holds a strong lock during a scan; on a column
 * that still holds plaintext it is left to {@code veil migrate finish}.
 */
final class SchemaDdl {

    private static final String BRIEF = "ACCESS EXCLUSIVE for an instant (no table rewrite)";

    private final AdminContext ctx;

    SchemaDdl(AdminContext ctx) {
        this.ctx = ctx;
    }

    DdlPlan plan(Connection c) throws SQLException {
        List<DdlStatement> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ConfiguredSchema.Table t : ctx.schema.tables()) {
            TableShape shape = TableShape.read(c, t.name());
            if (shape == null) {
                notes.add("table " + t.name() + " does not exist; create it (Veil does not create application tables)");
                continue;
            }
            String table = t.name().sql();
            String tableName = t.name().qualified();
            for (EncryptedColumn col : t.columns()) {
                String type = shape.type(col.name());
                String q = TableShape.q(col.name());
                if (type == null) {
                    out.add(new DdlStatement(tableName, "ALTER TABLE " + table + " ADD COLUMN " + q + " bytea",
                            "encrypted column " + col + " does not exist", BRIEF, true));
                    type = "bytea";
                    out.add(external(t, col));
                } else if (TableShape.storageOf(type) == null) {
                    out.add(new DdlStatement(tableName, "ALTER TABLE " + table + " ALTER COLUMN " + q
                            + " TYPE text USING " + q + "::text", "encrypted column " + col + " is " + type
                            + ", which cannot hold ciphertext; text keeps the values readable as legacy plaintext "
                            + "until veil migrate encrypt converts them",
                            "ACCESS EXCLUSIVE while the table is rewritten (not online): run it in a maintenance "
                            + "window", false));
                    continue;
                }
                Character toast = shape.storage(col.name());
                if (toast != null && (toast == 'x' || toast == 'm')) {
                    out.add(external(t, col));
                }
                backstop(c, t, shape, col, TableShape.storageOf(type), out, notes);
            }
            for (ConfiguredIndex ix : t.indexes()) {
                companion(shape, t, ix, out);
            }
        }
        return new DdlPlan(out, notes);
    }

    /**
     * {@code SET STORAGE EXTERNAL} for an encrypted column: ciphertext does not compress, and under EXTENDED (the
     * default) or MAIN PostgreSQL tries to compress every value over ~2 KB before it stores it, in vain: a 1,000-row
     * batch of 4 KiB ciphertexts was written in 0.79–0.96× the default's time under EXTERNAL, reads unchanged
     * (benchmarks/README.md, "Storage options"). A catalog change: values already stored
     * stay as they are. Tuning, not drift: {@code veil doctor} lists it as advice.
     */
    private static DdlStatement external(ConfiguredSchema.Table t, EncryptedColumn col) {
        return new DdlStatement(t.name().qualified(), "ALTER TABLE " + t.name().sql() + " ALTER COLUMN "
                + TableShape.q(col.name()) + " SET STORAGE EXTERNAL", "encrypted column " + col + " is stored "
                + "EXTENDED or MAIN: PostgreSQL would try to compress each ciphertext over ~2 KB, which never "
                + "compresses (EXTERNAL skips the attempt)", BRIEF, true, false);
    }

    private void backstop(Connection c, ConfiguredSchema.Table t, TableShape shape, EncryptedColumn col,
            TableShape.Storage storage, List<DdlStatement> out, List<String> notes) throws SQLException {
        String name = Envelopes.backstopName(t.name().name(), col.name());
        Boolean validated = shape.check(name);
        if (Boolean.TRUE.equals(validated)) {
            return;
        }
        String table = t.name().sql();
        long plaintext = shape.has(col.name()) ? plaintextRows(c, t, col, storage) : 0;
        if (plaintext > 0) {
            notes.add("backstop of " + col + " deferred: " + plaintext + " row(s) still hold plaintext; run veil "
                    + "migrate encrypt --column " + col + ", then veil migrate finish --column " + col
                    + " adds and validates it");
            return;
        }
        if (validated == null) {
            out.add(new DdlStatement(t.name().qualified(), addBackstop(table, name, col.name(), storage),
                    "no backstop on " + col + ": a write around Veil could store plaintext", BRIEF, true));
        }
        out.add(new DdlStatement(t.name().qualified(), "ALTER TABLE " + table + " VALIDATE CONSTRAINT "
                + TableShape.q(name), "the backstop of " + col + " must be validated to cover existing rows",
                "SHARE UPDATE EXCLUSIVE while existing rows are checked (reads and writes continue)", true));
    }

    static String addBackstop(String table, String name, String column, TableShape.Storage storage) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + TableShape.q(name) + " CHECK ("
                + Envelopes.backstop(column, storage) + ") NOT VALID";
    }

    private static void companion(TableShape shape, ConfiguredSchema.Table t, ConfiguredIndex ix,
            List<DdlStatement> out) {
        String table = t.name().sql();
        String q = TableShape.q(ix.name());
        String type = shape.type(ix.name());
        if (type == null) {
            out.add(new DdlStatement(t.name().qualified(), "ALTER TABLE " + table + " ADD COLUMN " + q + " bytea",
                    "blind index " + ix.qualified() + " has no companion column", BRIEF, true));
        } else if (!type.equals("bytea")) {
            out.add(new DdlStatement(t.name().qualified(), "ALTER TABLE " + table + " ALTER COLUMN " + q
                    + " TYPE bytea USING NULL", "companion column " + ix.qualified() + " is " + type
                    + "; it must be bytea (its values are recomputed by veil backfill)",
                    "ACCESS EXCLUSIVE while the table is rewritten (not online)", false));
        }
        if (shape.indexOn(ix.name()) == null) {
            Set<String> sources = new LinkedHashSet<>(ix.columns());
            boolean unique = shape.unique(sources);
            String name = TableShape.q(t.name().name() + "_" + ix.name() + "_idx");
            out.add(new DdlStatement(t.name().qualified(), "CREATE " + (unique ? "UNIQUE " : "")
                    + "INDEX CONCURRENTLY IF NOT EXISTS " + name + " ON " + table + " (" + q + ")",
                    "blind index " + ix.qualified() + " has no database index, so searches scan the table"
                            + (unique ? "; unique because " + String.join(", ", sources) + " is unique" : ""),
                    "SHARE UPDATE EXCLUSIVE while it is built (reads and writes continue)", true));
        }
    }

    static long plaintextRows(Connection c, ConfiguredSchema.Table t, EncryptedColumn col, TableShape.Storage storage)
            throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM "
                + t.name().sql() + " WHERE " + Envelopes.isPlaintext(col.name(), storage))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs the automatic statements one by one (each its own transaction; concurrent index builds need that). */
    List<DdlStatement> apply(Connection c, DdlPlan plan) throws SQLException {
        List<DdlStatement> done = new ArrayList<>();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = '5s'");
            for (DdlStatement s : plan.statements()) {
                if (s.automatic()) {
                    st.execute(s.sql());
                    done.add(s);
                }
            }
            st.execute("RESET lock_timeout");
        }
        return done;
    }
}
