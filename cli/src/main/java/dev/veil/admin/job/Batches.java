package dev.veil.admin.job;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of one job's batches: keyset pagination over the primary key within one part, and the compare-and-swap
 * write of one row. Built once per job; every value is a parameter, every key value a text form cast to the key
 * column's type.
 */
final class Batches {

    private final JobSpec spec;
    private final List<String> key;
    private final String keyList;
    private final String keyParams;
    /** How each read column is fetched: {@code getBytes}, {@code getString} or {@code getObject}. */
    private final Fetch[] fetch;
    /** Per compared column, its index among the read columns. */
    private final int[] compared;

    private enum Fetch { BYTES, STRING, OBJECT }

    Batches(JobSpec spec, List<String> key) {
        this.spec = spec;
        this.key = key;
        List<String> cols = new ArrayList<>();
        List<String> params = new ArrayList<>();
        for (String k : key) {
            cols.add(TableShape.q(k));
            params.add("?::" + spec.shape().type(k));
        }
        this.keyList = "(" + String.join(", ", cols) + ")";
        this.keyParams = "(" + String.join(", ", params) + ")";
        this.fetch = new Fetch[spec.read().size()];
        for (int i = 0; i < fetch.length; i++) {
            String type = spec.shape().type(spec.read().get(i));
            fetch[i] = "bytea".equals(type) ? Fetch.BYTES
                    : TableShape.storageOf(type) == TableShape.Storage.TEXT ? Fetch.STRING : Fetch.OBJECT;
        }
        this.compared = new int[spec.compared().size()];
        for (int i = 0; i < compared.length; i++) {
            compared[i] = spec.read().indexOf(spec.compared().get(i));
        }
    }

    /** {@code SELECT key::text…, read… FROM t WHERE filter AND key > last AND key < upper ORDER BY key LIMIT n}. */
    String select(boolean hasLower, boolean inclusiveLower, boolean hasUpper) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < key.size(); i++) {
            // aliased: an output column named like the key column would make ORDER BY sort by its text form
            sql.append(TableShape.q(key.get(i))).append("::text AS veil_key_").append(i).append(", ");
        }
        for (String c : spec.read()) {
            sql.append(TableShape.q(c)).append(", ");
        }
        sql.setLength(sql.length() - 2);
        sql.append(" FROM ").append(spec.shape().table().sql()).append(" WHERE true");
        if (spec.filter() != null) {
            sql.append(" AND (").append(spec.filter()).append(')');
        }
        if (hasLower) {
            sql.append(" AND ").append(keyList).append(inclusiveLower ? " >= " : " > ").append(keyParams);
        }
        if (hasUpper) {
            sql.append(" AND ").append(keyList).append(" < ").append(keyParams);
        }
        sql.append(" ORDER BY ").append(keyList, 1, keyList.length() - 1).append(" LIMIT ?");
        return sql.toString();
    }

    /** {@code UPDATE t SET written… WHERE key = … AND compared IS NOT DISTINCT FROM the values read}. */
    String update() {
        StringBuilder sql = new StringBuilder("UPDATE ").append(spec.shape().table().sql()).append(" SET ");
        for (String w : spec.written()) {
            sql.append(TableShape.q(w)).append(" = ?::").append(spec.shape().type(w)).append(", ");
        }
        sql.setLength(sql.length() - 2);
        sql.append(" WHERE ").append(keyList).append(" = ").append(keyParams);
        for (String c : spec.compared()) {
            sql.append(" AND ").append(TableShape.q(c)).append(" IS NOT DISTINCT FROM ?::")
                    .append(spec.shape().type(c));
        }
        return sql.toString();
    }

    /** Binds {@code key} text forms from parameter {@code at}; returns the next parameter index. */
    int bindKey(PreparedStatement ps, int at, String[] values) throws SQLException {
        for (String v : values) {
            ps.setString(at++, v);
        }
        return at;
    }

    /** Reads one selected row (how to fetch each column is decided once, in the constructor). */
    JobSpec.Row row(ResultSet rs) throws SQLException {
        String[] k = new String[key.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = rs.getString(i + 1);
        }
        Object[] values = new Object[fetch.length];
        for (int i = 0; i < values.length; i++) {
            int col = k.length + i + 1;
            values[i] = switch (fetch[i]) {
                case BYTES -> rs.getBytes(col);
                case STRING -> rs.getString(col);
                case OBJECT -> rs.getObject(col);
            };
        }
        return new JobSpec.Row(k, values, spec.read());
    }

    /** Binds one row's write: new values, key, then the compared columns' values as read. */
    void bindWrite(PreparedStatement ps, JobSpec.Row row, Object[] written) throws SQLException {
        int at = 1;
        for (Object v : written) {
            bind(ps, at++, v);
        }
        at = bindKey(ps, at, row.key());
        for (int c : compared) {
            bind(ps, at++, row.value(c));
        }
    }

    static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.OTHER);
        } else if (v instanceof byte[]) {
            ps.setBytes(i, (byte[]) v);
        } else if (v instanceof String) {
            ps.setString(i, (String) v);
        } else {
            ps.setObject(i, v);
        }
    }
}
