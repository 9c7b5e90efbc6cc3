package dev.veil.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The first column of a query's rows as integers (ids), through a prepared statement or a plain one. */
public final class Ids {

    private Ids() {
    }

    /** Binds {@code params} to {@code ps} in order and reads the ids it returns. */
    public static List<Integer> ids(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
            return read(rs);
        }
    }

    /** Prepares {@code sql} on {@code c}, binds {@code params} and reads the ids. */
    public static List<Integer> preparedIds(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            return ids(ps, params);
        }
    }

    /** Runs {@code sql} through a plain {@link Statement} (literals, no parameters) and reads the ids. */
    public static List<Integer> statementIds(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return read(rs);
        }
    }

    private static List<Integer> read(ResultSet rs) throws SQLException {
        List<Integer> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getInt(1));
        }
        return out;
    }
}
