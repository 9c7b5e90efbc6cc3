package dev.veil.admin.job;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The job table: one row per part (key range) of a job, holding its bounds, the last key it finished and its
 * counts. A batch's rows and its checkpoint commit in one transaction, so after any crash the table says exactly
 * which batches are done. Keys are kept as their PostgreSQL text forms ({@code text[]}, one element per key column).
 */
public final class Checkpoints {

    /** One part of a job as stored. */
    public record Part(int part, int parts, String[] lower, String[] upper, String[] last, boolean done,
            long examined, long changed, long skipped) { }

    /** One job as {@code veil status} lists it. */
    public record JobRow(String job, int parts, int done, long examined, long changed, Instant updatedAt) { }

    private final String table;

    public Checkpoints(String table) {
        this.table = table;
    }

    public String table() {
        return table;
    }

    public String createSql() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "  job           text        NOT NULL,\n"
                + "  part          integer     NOT NULL,\n"
                + "  parts         integer     NOT NULL,\n"
                + "  lower_key     text[],                 -- inclusive; NULL: from the first row\n"
                + "  upper_key     text[],                 -- exclusive; NULL: to the last row\n"
                + "  last_key      text[],                 -- the last key of the last committed batch\n"
                + "  done          boolean     NOT NULL DEFAULT false,\n"
                + "  rows_examined bigint      NOT NULL DEFAULT 0,\n"
                + "  rows_changed  bigint      NOT NULL DEFAULT 0,\n"
                + "  rows_skipped  bigint      NOT NULL DEFAULT 0,\n"
                + "  started_at    timestamptz NOT NULL DEFAULT now(),\n"
                + "  updated_at    timestamptz NOT NULL DEFAULT now(),\n"
                + "  PRIMARY KEY (job, part)\n"
                + ")";
    }

    /** Whether the job table exists (a read-only command does not create it). */
    public boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public void ensure(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute(createSql());
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }

    public List<Part> parts(Connection c, String job) throws SQLException {
        List<Part> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT part, parts, lower_key, upper_key, last_key, done,"
                + " rows_examined, rows_changed, rows_skipped FROM " + table + " WHERE job = ? ORDER BY part")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Part(rs.getInt(1), rs.getInt(2), strings(rs.getArray(3)), strings(rs.getArray(4)),
                            strings(rs.getArray(5)), rs.getBoolean(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
                }
            }
        }
        return out;
    }

    /**
     * Replaces a job's parts (a fresh run): {@code bounds} has one more entry than the ranges it splits the table
     * into, null at both open ends; when there are fewer ranges than {@code parts}, the rest are stored finished.
     */
    public void create(Connection c, String job, List<String[]> bounds, int parts) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE job = ?");
                PreparedStatement ins = c.prepareStatement("INSERT INTO " + table
                        + " (job, part, parts, lower_key, upper_key, done)"
                        + " VALUES (?, ?, ?, ?::text[], ?::text[], ?)")) {
            del.setString(1, job);
            del.executeUpdate();
            int ranges = bounds.size() - 1;
            for (int i = 0; i < parts; i++) {
                ins.setString(1, job);
                ins.setInt(2, i);
                ins.setInt(3, parts);
                setArray(c, ins, 4, i < ranges ? bounds.get(i) : null);
                setArray(c, ins, 5, i < ranges ? bounds.get(i + 1) : null);
                ins.setBoolean(6, i >= ranges);
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    /**
     * The checkpoint statement of one job connection, prepared once for all its batches: {@link Recorder#advance}
     * records a committed batch inside its transaction.
     */
    public Recorder recorder(Connection c) throws SQLException {
        return new Recorder(c, c.prepareStatement("UPDATE " + table + " SET last_key = ?::text[], done = ?,"
                + " rows_examined = rows_examined + ?, rows_changed = rows_changed + ?,"
                + " rows_skipped = rows_skipped + ?, updated_at = now()"
                + " WHERE job = ? AND part = ? AND NOT done AND last_key IS NOT DISTINCT FROM ?::text[]"));
    }

    /** See {@link #recorder}. */
    public static final class Recorder implements AutoCloseable {

        private final Connection c;
        private final PreparedStatement ps;

        private Recorder(Connection c, PreparedStatement ps) {
            this.c = c;
            this.ps = ps;
        }

        /**
         * Records a committed batch inside its transaction. Only if the part's last key is still {@code previous}:
         * a second process working on the same part makes this return false, and its batch is rolled back.
         */
        public boolean advance(String job, int part, String[] previous, String[] last, boolean done, long examined,
                long changed, long skipped) throws SQLException {
            setArray(c, ps, 1, last);
            ps.setBoolean(2, done);
            ps.setLong(3, examined);
            ps.setLong(4, changed);
            ps.setLong(5, skipped);
            ps.setString(6, job);
            ps.setInt(7, part);
            setArray(c, ps, 8, previous);
            return ps.executeUpdate() == 1;
        }

        @Override
        public void close() throws SQLException {
            ps.close();
        }
    }

    /** Removes a finished job's rows. */
    public void remove(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE job = ?")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
    }

    /** Every job with parts not yet done (running or interrupted), for {@code veil status}. */
    public List<JobRow> unfinished(Connection c) throws SQLException {
        List<JobRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT job, max(parts), count(*) FILTER (WHERE done),"
                + " sum(rows_examined), sum(rows_changed), max(updated_at) FROM " + table
                + " GROUP BY job HAVING bool_and(done) = false ORDER BY job");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new JobRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getLong(5),
                        rs.getTimestamp(6).toInstant()));
            }
        }
        return out;
    }

    private static void setArray(Connection c, PreparedStatement ps, int i, String[] v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.ARRAY);
        } else {
            ps.setArray(i, c.createArrayOf("text", v));
        }
    }

    private static String[] strings(Array a) throws SQLException {
        return a == null ? null : (String[]) a.getArray();
    }
}
