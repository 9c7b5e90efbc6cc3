package dev.veil.driver.fuzz;

import dev.veil.driver.fuzz.Draw.Ref;
import dev.veil.driver.fuzz.FuzzValues.Col;
import dev.veil.driver.fuzz.FuzzValues.Kind;
import dev.veil.driver.fuzz.FuzzValues.Search;
import java.util.ArrayList;
import java.util.List;

/**
 * WHERE conditions over the tables in scope: comparisons of every form Veil supports or refuses on plain,
 * blind-indexed (exact, truncated, compound) and unindexed encrypted columns, {@code IS NULL}, lists, arrays, row
 * values, subqueries through the join domain, and their {@code AND}/{@code OR}/{@code NOT} compositions.
 */
final class PredicateGenerator {

    private PredicateGenerator() {
    }

    static Sql.Node where(Draw d, List<Ref> scope, int depth) {
        if (depth > 0 && d.chance(25)) {
            int n = d.between(2, 3);
            List<Sql.Node> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(where(d, scope, depth - 1));
            }
            String op = d.chance(55) ? "AND" : "OR";
            d.tag(op);
            return Sql.bool(op, parts);
        }
        if (depth > 0 && d.chance(8)) {
            d.tag("NOT");
            return Sql.not(where(d, scope, depth - 1));
        }
        return atom(d, scope, depth);
    }

    private static Sql.Node atom(Draw d, List<Ref> scope, int depth) {
        Ref ref = d.pick(scope);
        if (depth > 0 && d.chance(7)) {
            return subquery(d, ref, depth - 1);
        }
        if (ref.table().equals("people") && d.chance(7)) {
            d.tag("compound a = ? AND b = ?");
            Col ln = FuzzValues.col("people", "last_name");
            Col bd = FuzzValues.col("people", "birth_date");
            return Sql.bool("AND", List.of(Sql.seq(ref.q("last_name") + " = ", d.nonNull(ln)),
                    Sql.seq(ref.q("birth_date") + " = ", d.nonNull(bd))));
        }
        Col c = column(d, ref);
        String q = ref.q(c.name());
        String on = " [" + c.search().label + "]";
        int form = d.r.nextInt(100);
        if (form < 40) {
            d.tag("col = v" + on);
            return Sql.seq(q + " = ", d.value(c));
        }
        if (form < 46) {
            d.tag("v = col" + on);
            return Sql.seq(d.value(c), " = " + q);
        }
        if (form < 58) {
            d.tag("col IN (…)" + on);
            return Sql.seq(q + " IN (", list(d, c), ")");
        }
        if (form < 62) {
            d.tag("col NOT IN (…)" + on);
            return Sql.seq(q + " NOT IN (", list(d, c), ")");
        }
        if (form < 68) {
            d.tag("col <> v" + on);
            return Sql.seq(q + " <> ", d.value(c));
        }
        if (form < 80) {
            boolean not = d.chance(40);
            d.tag((not ? "IS NOT NULL" : "IS NULL") + on);
            return Sql.text(q + (not ? " IS NOT NULL" : " IS NULL"));
        }
        if (form < 83) {
            boolean not = d.chance(50);
            d.tag("IS " + (not ? "NOT " : "") + "DISTINCT FROM" + on);
            return Sql.seq(q + " IS " + (not ? "NOT " : "") + "DISTINCT FROM ", d.value(c));
        }
        if (form < 87) {
            return any(d, c, q, on);
        }
        if (form < 90) {
            d.tag("row value (col, x) = (v, w)" + on);
            Col grp = ref.table().equals("people") ? FuzzValues.col("people", "grp")
                    : FuzzValues.col("staff", "person_id");
            return Sql.seq("(" + q + ", " + ref.q(grp.name()) + ") = (", d.value(c), ", ", d.value(grp), ")");
        }
        if (form < 93) {
            d.tag("cast of the value ::type" + on);
            String type = switch (c.kind()) {
                case INT -> "int";
                case DATE -> "date";
                case TEXT -> d.chance(50) ? "text" : "varchar";
            };
            return Sql.seq(q + " = CAST(", d.nonNull(c), " AS " + type + ")");
        }
        if (form < 95 && c.kind() == Kind.TEXT) {
            String f = d.chance(50) ? "lower" : "upper";
            d.tag(f + "(col) = v" + on);
            return Sql.seq(f + "(" + q + ") = ", d.value(c));
        }
        if (form < 97 && c.kind() == Kind.TEXT) {
            d.tag("LIKE" + on);
            return Sql.seq(q + " LIKE ", d.values.node("%a%", Kind.TEXT, d.params, d.constructs));
        }
        if (form < 100) {
            String op = d.pick(List.of("<", ">=", "BETWEEN"));
            d.tag("range " + op + on);
            return op.equals("BETWEEN") ? Sql.seq(q + " BETWEEN ", d.nonNull(c), " AND ", d.nonNull(c))
                    : Sql.seq(q + " " + op + " ", d.nonNull(c));
        }
        d.tag("col = v" + on);
        return Sql.seq(q + " = ", d.value(c));
    }

    /** Mostly searchable columns: blind-indexed and plain ones; sometimes an unindexed encrypted one. */
    private static Col column(Draw d, Ref ref) {
        List<Col> cols = ref.columns();
        while (true) {
            Col c = d.pick(cols);
            if (c.search() != Search.NONE && c.search() != Search.COMPOUND || d.chance(25)) {
                return c;
            }
        }
    }

    private static Sql.Node list(Draw d, Col c) {
        List<Sql.Node> items = new ArrayList<>();
        int n = d.between(1, 4);
        for (int i = 0; i < n; i++) {
            items.add(d.value(c));
        }
        return Sql.items(", ", 1, items);
    }

    private static Sql.Node any(Draw d, Col c, String q, String on) {
        if (d.params && d.chance(60)) {
            boolean all = d.chance(30);
            d.tag((all ? "col <> ALL(?) array" : "col = ANY(?) array") + on);
            int n = d.between(0, 3);
            Object array = switch (c.kind()) {
                case INT -> {
                    Integer[] a = new Integer[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = (Integer) d.values.value(c);
                    }
                    yield a;
                }
                case TEXT -> {
                    String[] a = new String[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = (String) d.values.value(c);
                    }
                    yield a;
                }
                case DATE -> {
                    java.sql.Date[] a = new java.sql.Date[n];
                    for (int i = 0; i < n; i++) {
                        Object v = d.values.value(c);
                        a[i] = v == null ? null : java.sql.Date.valueOf((java.time.LocalDate) v);
                    }
                    yield a;
                }
            };
            return Sql.seq(q + (all ? " <> ALL(" : " = ANY("), Sql.param(array), ")");
        }
        d.tag("col = ANY(ARRAY[…])" + on);
        return Sql.seq(q + " = ANY(ARRAY[", list(d, c), "])");
    }

    /** {@code IN (SELECT …)} and {@code EXISTS} between the two tables, on plain keys or through the join domain. */
    private static Sql.Node subquery(Draw d, Ref outer, int depth) {
        boolean people = outer.table().equals("people");
        Ref inner = people ? new Ref("s" + depth, "staff") : new Ref("p" + depth, "people");
        Sql.Node filter = Sql.opt(Sql.seq(" WHERE ", where(d, List.of(inner), depth)));
        switch (d.r.nextInt(3)) {
            case 0 -> {
                d.tag("IN (subquery) on plain key");
                return people
                        ? Sql.seq(outer.q("id") + " IN (SELECT " + inner.q("person_id") + " FROM staff " + inner.alias(),
                                filter, ")")
                        : Sql.seq(outer.q("person_id") + " IN (SELECT " + inner.q("id") + " FROM people "
                                + inner.alias(), filter, ")");
            }
            case 1 -> {
                d.tag("IN (subquery) through the join domain");
                return people
                        ? Sql.seq(outer.q("email") + " IN (SELECT " + inner.q("mail") + " FROM staff " + inner.alias(),
                                filter, ")")
                        : Sql.seq(outer.q("mail") + " IN (SELECT " + inner.q("email") + " FROM people "
                                + inner.alias(), filter, ")");
            }
            default -> {
                d.tag("EXISTS (correlated subquery)");
                String join = people ? inner.q("person_id") + " = " + outer.q("id")
                        : inner.q("id") + " = " + outer.q("person_id");
                return Sql.seq("EXISTS (SELECT 1 FROM " + inner.table() + " " + inner.alias() + " WHERE " + join,
                        Sql.opt(Sql.seq(" AND ", where(d, List.of(inner), depth))), ")");
            }
        }
    }
}
