package dev.veil.driver.fuzz;

import dev.veil.testing.StatementResults;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Runs a generated statement on one connection and normalizes what came back, so two sides compare by equality. */
final class Executor {

    private Executor() {
    }

    /**
     * What a statement gave: every result (labels then rows, sorted unless the order is defined) and update count
     * in order; or the SQLState and message of its failure.
     */
    record Outcome(List<Object> results, String state, String message) {
        boolean failed() {
            return results == null;
        }

        @Override
        public String toString() {
            return failed() ? "failed with " + state + ": " + message : String.valueOf(results);
        }
    }

    static Outcome run(Connection c, FuzzStatement s) {
        try {
            if (s.isStatementBatch()) {
                try (Statement st = c.createStatement()) {
                    for (Sql.Node n : s.batch()) {
                        st.addBatch(Sql.render(n, new ArrayList<>()));
                    }
                    return new Outcome(List.of(Arrays.toString(st.executeBatch())), null, null);
                }
            }
            String sql = s.sql();
            boolean ordered = s.ordered() && sql.contains(" ORDER BY ");
            if (s.isPreparedBatch()) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, s.params());
                    ps.addBatch();
                    for (List<Object> row : s.batchRows()) {
                        bind(ps, row);
                        ps.addBatch();
                    }
                    return new Outcome(List.of(Arrays.toString(ps.executeBatch())), null, null);
                }
            }
            boolean keys = s.constructs().contains(GENERATED_KEYS);
            if (!s.prepared()) {
                try (Statement st = c.createStatement()) {
                    boolean isResult = keys ? st.execute(sql, Statement.RETURN_GENERATED_KEYS) : st.execute(sql);
                    List<Object> generated = keys(st, keys);
                    return new Outcome(with(results(st, isResult, ordered), generated), null, null);
                }
            }
            try (PreparedStatement ps = keys ? c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)
                    : c.prepareStatement(sql)) {
                bind(ps, s.params());
                boolean isResult = ps.execute();
                List<Object> generated = keys(ps, keys);
                return new Outcome(with(results(ps, isResult, ordered), generated), null, null);
            }
        } catch (SQLException e) {
            SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null
                    ? e.getNextException() : e;
            String state = e.getSQLState() != null ? e.getSQLState() : cause.getSQLState();
            return new Outcome(null, String.valueOf(state), String.valueOf(cause.getMessage()));
        }
    }

    /** The construct of an INSERT run with {@code RETURN_GENERATED_KEYS}, whose generated keys are compared too. */
    static final String GENERATED_KEYS = "INSERT with RETURN_GENERATED_KEYS";

    /** The generated keys, read before {@code getMoreResults} closes them; null when not asked for. */
    private static List<Object> keys(Statement st, boolean keys) throws SQLException {
        if (!keys) {
            return null;
        }
        try (ResultSet rs = st.getGeneratedKeys()) {
            return List.of("generated keys", rows(rs, true));
        }
    }

    private static List<Object> with(List<Object> results, List<Object> generated) {
        if (generated != null) {
            results.addAll(generated);
        }
        return results;
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    private static List<Object> results(Statement st, boolean isResult, boolean ordered) throws SQLException {
        return StatementResults.collect(st, isResult, rs -> rows(rs, !ordered));
    }

    /** Labels, then each row as its values' {@code getObject} (normalized) and {@code getString}. */
    static List<List<Object>> rows(ResultSet rs, boolean sort) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<Object> labels = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            labels.add(md.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(2 * n);
            for (int i = 1; i <= n; i++) {
                row.add(normalize(rs.getObject(i)));
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        if (sort) {
            rows.sort((a, b) -> a.toString().compareTo(b.toString()));
        }
        rows.add(0, labels);
        return rows;
    }

    static Object normalize(Object v) {
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof java.sql.Array a) {
            try {
                Object array = a.getArray();
                return array instanceof Object[] xs ? Arrays.deepToString(xs) : String.valueOf(array);
            } catch (SQLException e) {
                return "array: " + e.getSQLState();
            }
        }
        return v;
    }

    /** Every table, in key order, as plaintext read through {@code c}. */
    static List<Object> dump(Connection c) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String sql : FuzzSchema.DUMPS) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    out.add(rows(rs, false));
                }
            }
        }
        return out;
    }
}
