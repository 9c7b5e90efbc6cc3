package dev.veil.driver.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One generated statement: a tree (or, for a batch, several), how it is sent, whether its rows have a defined
 * order, whether it may write, and the constructs it uses (for the refusal summary).
 *
 * @param prepared sent through a {@code PreparedStatement} (else a plain {@code Statement}, literals only)
 * @param batchRows for a prepared batch: the parameter rows after the first (the first is the tree's own)
 * @param batch for a {@code Statement} batch: the texts added with {@code addBatch}
 */
record FuzzStatement(Sql.Node root, boolean prepared, boolean ordered, boolean writes, Set<String> constructs,
        List<List<Object>> batchRows, List<Sql.Node> batch) {

    static FuzzStatement single(Sql.Node root, boolean prepared, boolean ordered, boolean writes,
            Set<String> constructs) {
        return new FuzzStatement(root, prepared, ordered, writes, constructs, null, null);
    }

    boolean isPreparedBatch() {
        return batchRows != null;
    }

    boolean isStatementBatch() {
        return batch != null;
    }

    String sql() {
        return Sql.render(root, new ArrayList<>());
    }

    List<Object> params() {
        List<Object> out = new ArrayList<>();
        Sql.render(root, out);
        return out;
    }

    /** Smaller versions, for the shrinker: fewer batch entries or rows, then smaller trees. */
    List<FuzzStatement> shrinks() {
        List<FuzzStatement> out = new ArrayList<>();
        if (isStatementBatch()) {
            for (int i = 0; i < batch.size() && batch.size() > 1; i++) {
                List<Sql.Node> copy = new ArrayList<>(batch);
                copy.remove(i);
                out.add(new FuzzStatement(copy.get(0), false, false, writes, constructs, null, copy));
            }
            for (int i = 0; i < batch.size(); i++) {
                for (Sql.Node s : batch.get(i).shrinks()) {
                    List<Sql.Node> copy = new ArrayList<>(batch);
                    copy.set(i, s);
                    out.add(new FuzzStatement(copy.get(0), false, false, writes, constructs, null, copy));
                }
            }
            return out;
        }
        if (isPreparedBatch()) {
            for (int i = 0; i < batchRows.size(); i++) {
                List<List<Object>> copy = new ArrayList<>(batchRows);
                copy.remove(i);
                out.add(new FuzzStatement(root, true, false, writes, constructs, copy, null));
            }
            return out;
        }
        for (Sql.Node s : root.shrinks()) {
            out.add(new FuzzStatement(s, prepared, ordered, writes, constructs, null, null));
        }
        return out;
    }

    /** The statement as a person would replay it: how it is sent, the SQL, the parameters. */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (isStatementBatch()) {
            b.append("Statement batch:");
            for (Sql.Node n : batch) {
                b.append("\n    addBatch(").append(Sql.render(n, new ArrayList<>())).append(')');
            }
            return b.toString();
        }
        b.append(prepared ? "PreparedStatement: " : "Statement: ").append(sql());
        if (prepared) {
            b.append("\n    parameters ").append(show(params()));
        }
        if (isPreparedBatch()) {
            for (List<Object> row : batchRows) {
                b.append("\n    addBatch ").append(show(row));
            }
        }
        return b.toString();
    }

    private static String show(List<Object> values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v instanceof String[] a ? Arrays.toString(a) : v instanceof String s ? "'" + s + "'"
                    : String.valueOf(v));
        }
        return out.toString();
    }

    /** Size for the shrinker: shorter text, fewer parameters and batch entries count as smaller. */
    int size() {
        if (isStatementBatch()) {
            int n = 0;
            for (Sql.Node s : batch) {
                n += Sql.render(s, new ArrayList<>()).length() + 10;
            }
            return n;
        }
        return sql().length() + 5 * params().size() + (isPreparedBatch() ? 20 * batchRows.size() : 0);
    }
}
