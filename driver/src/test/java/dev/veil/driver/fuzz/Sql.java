package dev.veil.driver.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * The generator's statement tree: each node renders its SQL text and parameters, and offers smaller versions of
 * itself for the shrinker (a clause dropped, a predicate replaced by one of its parts, a list element removed, a
 * literal spelled plainly). Immutable: a shrink is a new tree sharing the untouched parts.
 */
final class Sql {

    private Sql() {
    }

    /** Rendering target: the SQL text and the parameters in placeholder order. */
    static final class Render {
        final StringBuilder sql = new StringBuilder();
        final List<Object> params = new ArrayList<>();

        Render text(String s) {
            sql.append(s);
            return this;
        }
    }

    interface Node {
        void render(Render r);

        /** Smaller versions of this node, the most aggressive first; empty when it cannot shrink. */
        List<Node> shrinks();
    }

    static final Node EMPTY = text("");

    static String render(Node n, List<Object> paramsOut) {
        Render r = new Render();
        n.render(r);
        paramsOut.addAll(r.params);
        return r.sql.toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // factories

    static Node text(String s) {
        return new Text(s);
    }

    static Node seq(Object... parts) {
        List<Node> nodes = new ArrayList<>();
        for (Object p : parts) {
            nodes.add(p instanceof Node n ? n : text(String.valueOf(p)));
        }
        return new Seq(nodes);
    }

    /** A clause the shrinker may drop entirely. */
    static Node opt(Node body) {
        return new Opt(body);
    }

    static Node items(String separator, int min, List<Node> items) {
        return new Items(separator, min, List.copyOf(items));
    }

    static Node bool(String op, List<Node> operands) {
        return operands.size() == 1 ? operands.get(0) : new Bool(op, List.copyOf(operands));
    }

    static Node not(Node operand) {
        return new Not(operand);
    }

    static Node param(Object value) {
        return new Param(value);
    }

    /** A literal as spelled, and its plainest spelling (tried by the shrinker). */
    static Node literal(String spelled, String plain) {
        return new Literal(spelled, plain);
    }

    // ------------------------------------------------------------------------------------------------------------
    // nodes

    record Text(String s) implements Node {
        @Override
        public void render(Render r) {
            r.text(s);
        }

        @Override
        public List<Node> shrinks() {
            return List.of();
        }
    }

    record Seq(List<Node> parts) implements Node {
        @Override
        public void render(Render r) {
            parts.forEach(p -> p.render(r));
        }

        @Override
        public List<Node> shrinks() {
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                for (Node s : parts.get(i).shrinks()) {
                    List<Node> copy = new ArrayList<>(parts);
                    copy.set(i, s);
                    out.add(new Seq(copy));
                }
            }
            return out;
        }
    }

    record Opt(Node body) implements Node {
        @Override
        public void render(Render r) {
            body.render(r);
        }

        @Override
        public List<Node> shrinks() {
            List<Node> out = new ArrayList<>();
            out.add(EMPTY);
            body.shrinks().forEach(s -> out.add(new Opt(s)));
            return out;
        }
    }

    record Items(String separator, int min, List<Node> items) implements Node {
        @Override
        public void render(Render r) {
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    r.text(separator);
                }
                items.get(i).render(r);
            }
        }

        @Override
        public List<Node> shrinks() {
            List<Node> out = new ArrayList<>();
            if (items.size() > min) {
                for (int i = 0; i < items.size(); i++) {
                    List<Node> copy = new ArrayList<>(items);
                    copy.remove(i);
                    out.add(new Items(separator, min, copy));
                }
            }
            for (int i = 0; i < items.size(); i++) {
                for (Node s : items.get(i).shrinks()) {
                    List<Node> copy = new ArrayList<>(items);
                    copy.set(i, s);
                    out.add(new Items(separator, min, copy));
                }
            }
            return out;
        }
    }

    /** {@code (a AND b AND c)}: shrinks to one operand, or drops one. */
    record Bool(String op, List<Node> operands) implements Node {
        @Override
        public void render(Render r) {
            r.text("(");
            for (int i = 0; i < operands.size(); i++) {
                if (i > 0) {
                    r.text(" " + op + " ");
                }
                operands.get(i).render(r);
            }
            r.text(")");
        }

        @Override
        public List<Node> shrinks() {
            List<Node> out = new ArrayList<>(operands);
            if (operands.size() > 2) {
                for (int i = 0; i < operands.size(); i++) {
                    List<Node> copy = new ArrayList<>(operands);
                    copy.remove(i);
                    out.add(new Bool(op, copy));
                }
            }
            for (int i = 0; i < operands.size(); i++) {
                for (Node s : operands.get(i).shrinks()) {
                    List<Node> copy = new ArrayList<>(operands);
                    copy.set(i, s);
                    out.add(new Bool(op, copy));
                }
            }
            return out;
        }
    }

    record Not(Node operand) implements Node {
        @Override
        public void render(Render r) {
            r.text("NOT (");
            operand.render(r);
            r.text(")");
        }

        @Override
        public List<Node> shrinks() {
            List<Node> out = new ArrayList<>();
            out.add(operand);
            operand.shrinks().forEach(s -> out.add(new Not(s)));
            return out;
        }
    }

    record Param(Object value) implements Node {
        @Override
        public void render(Render r) {
            r.text("?");
            r.params.add(value);
        }

        @Override
        public List<Node> shrinks() {
            return List.of();
        }

        @Override
        public String toString() {
            return "?";
        }
    }

    record Literal(String spelled, String plain) implements Node {
        @Override
        public void render(Render r) {
            r.text(spelled);
        }

        @Override
        public List<Node> shrinks() {
            return spelled.equals(plain) ? List.of() : List.of(new Literal(plain, plain));
        }
    }

    /**
     * {@code (c1, c2) VALUES (v, v), (v, v)}: a column list and its rows, shrunk together (a column dropped from the
     * list and every row, a row dropped).
     */
    record Values(List<String> columns, List<List<Node>> rows, int keep) implements Node {
        @Override
        public void render(Render r) {
            r.text("(" + String.join(", ", columns) + ") VALUES ");
            for (int i = 0; i < rows.size(); i++) {
                r.text(i > 0 ? ", (" : "(");
                List<Node> row = rows.get(i);
                for (int k = 0; k < row.size(); k++) {
                    if (k > 0) {
                        r.text(", ");
                    }
                    row.get(k).render(r);
                }
                r.text(")");
            }
        }

        @Override
        public List<Node> shrinks() {
            List<Node> out = new ArrayList<>();
            if (rows.size() > 1) {
                for (int i = 0; i < rows.size(); i++) {
                    List<List<Node>> copy = new ArrayList<>(rows);
                    copy.remove(i);
                    out.add(new Values(columns, copy, keep));
                }
            }
            for (int c = keep; c < columns.size() && columns.size() > 1; c++) {
                List<String> cols = new ArrayList<>(columns);
                cols.remove(c);
                List<List<Node>> copy = new ArrayList<>();
                for (List<Node> row : rows) {
                    List<Node> shorter = new ArrayList<>(row);
                    shorter.remove(c);
                    copy.add(shorter);
                }
                out.add(new Values(cols, copy, keep));
            }
            for (int i = 0; i < rows.size(); i++) {
                for (int k = 0; k < rows.get(i).size(); k++) {
                    for (Node s : rows.get(i).get(k).shrinks()) {
                        List<List<Node>> copy = new ArrayList<>(rows);
                        List<Node> row = new ArrayList<>(copy.get(i));
                        row.set(k, s);
                        copy.set(i, row);
                        out.add(new Values(columns, copy, keep));
                    }
                }
            }
            return out;
        }
    }
}
