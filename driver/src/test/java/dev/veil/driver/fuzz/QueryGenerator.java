package dev.veil.driver.fuzz;

import dev.veil.driver.fuzz.Draw.Ref;
import dev.veil.driver.fuzz.FuzzValues.Col;
import dev.veil.driver.fuzz.FuzzValues.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * SELECTs: projections (columns, aliases, {@code *}, {@code t.*}, computed forms), one table, joins on plain keys and
 * through the join domain, derived tables, CTEs, aggregates and {@code GROUP BY}, {@code UNION ALL}, scalar
 * subqueries, {@code ORDER BY}/{@code LIMIT}/{@code OFFSET}.
 *
 * <p>Order is compared only for a top-level {@code ORDER BY} on unique keys, which is always spelled in capitals
 * and last (the shrinker may drop it; then the rows compare as multisets): subqueries spell theirs in lower case.
 */
final class QueryGenerator {

    private QueryGenerator() {
    }

    static final Ref P = new Ref("p", "people");
    static final Ref S = new Ref("s", "staff");

    static Sql.Node query(Draw d) {
        int form = d.r.nextInt(100);
        if (form < 40) {
            return single(d);
        }
        if (form < 58) {
            return join(d);
        }
        if (form < 66) {
            return derived(d);
        }
        if (form < 80) {
            return aggregate(d);
        }
        if (form < 86) {
            return unionAll(d);
        }
        if (form < 91) {
            return scalarSubquery(d);
        }
        return computed(d);
    }

    private static Sql.Node single(Draw d) {
        Ref ref = d.chance(70) ? P : S;
        Sql.Node projection;
        int p = d.r.nextInt(10);
        if (p == 0) {
            d.tag("SELECT *");
            projection = Sql.text("*");
        } else if (p == 1) {
            d.tag("SELECT t.*");
            projection = Sql.text(ref.alias() + ".*");
        } else {
            projection = columns(d, List.of(ref));
        }
        return Sql.seq("SELECT ", projection, " FROM " + ref.table() + " " + ref.alias(), where(d, List.of(ref)),
                orderBy(d, ref.q("id")));
    }

    private static Sql.Node join(Draw d) {
        int kind = d.r.nextInt(4);
        String on;
        if (kind == 0) {
            d.tag("JOIN … ON a.col = b.col through the join domain");
            on = " JOIN staff s ON p.email = s.mail";
        } else if (kind == 1) {
            d.tag("LEFT JOIN on a plain key");
            on = " LEFT JOIN staff s ON s.person_id = p.id";
        } else if (kind == 2) {
            d.tag("comma join");
            on = ", staff s";
        } else {
            d.tag("JOIN on a plain key");
            on = " JOIN staff s ON s.person_id = p.id";
        }
        Sql.Node filter = kind == 2 ? Sql.seq(" WHERE s.person_id = p.id", Sql.opt(Sql.seq(" AND ",
                PredicateGenerator.where(d, List.of(P, S), 2)))) : where(d, List.of(P, S));
        return Sql.seq("SELECT ", columns(d, List.of(P, S)), " FROM people p" + on, filter,
                orderBy(d, "p.id, s.id"));
    }

    private static Sql.Node derived(Draw d) {
        Sql.Node inner = Sql.seq("SELECT p.id, p.email, p.ssn, p.note, p.score FROM people p",
                where(d, List.of(P)));
        Ref x = new Ref("x", "people");
        Sql.Node outerWhere = Sql.opt(Sql.seq(" WHERE ", PredicateGenerator.where(d, List.of(x), 0)));
        if (d.chance(50)) {
            d.tag("CTE");
            return Sql.seq("WITH x AS (", inner, ") SELECT x.id, x.email, x.ssn, x.note FROM x", outerWhere,
                    orderBy(d, "x.id"));
        }
        d.tag("derived table");
        return Sql.seq("SELECT x.id, x.email, x.ssn, x.score FROM (", inner, ") x", outerWhere, orderBy(d, "x.id"));
    }

    private static Sql.Node aggregate(Draw d) {
        switch (d.r.nextInt(4)) {
            case 0 -> {
                d.tag("count(col), count(*)");
                return Sql.seq("SELECT ", Sql.items(", ", 1, List.of(Sql.text("count(*)"), Sql.text("count(p.email)"),
                        Sql.text("count(p.ssn)"), Sql.text("count(p.note)"))), " FROM people p", where(d, List.of(P)));
            }
            case 1 -> {
                d.tag("count(DISTINCT col) [exact index]");
                return Sql.seq("SELECT count(DISTINCT p.email), count(*) FROM people p", where(d, List.of(P)));
            }
            case 2 -> {
                d.tag("GROUP BY col [exact index]");
                return Sql.seq("SELECT p.email, count(*) FROM people p", where(d, List.of(P)), " GROUP BY p.email",
                        Sql.opt(Sql.text(" HAVING count(*) >= 1")));
            }
            default -> {
                d.tag("GROUP BY plain, count(encrypted)");
                return Sql.seq("SELECT p.grp, count(p.ssn), count(p.score) FROM people p", where(d, List.of(P)),
                        " GROUP BY p.grp", Sql.opt(Sql.text(" HAVING count(*) > 1")));
            }
        }
    }

    private static Sql.Node unionAll(Draw d) {
        boolean same = d.chance(70);
        d.tag(same ? "UNION ALL of the same column" : "UNION ALL of different columns");
        String second = same ? "SELECT p.id, p.email FROM people p" : "SELECT s.id, s.mail FROM staff s";
        Sql.Node secondWhere = same ? where(d, List.of(P)) : where(d, List.of(S));
        return Sql.seq("SELECT p.id, p.email FROM people p", where(d, List.of(P)), " UNION ALL ", second, secondWhere);
    }

    private static Sql.Node scalarSubquery(Draw d) {
        d.tag("scalar subquery in the select list");
        return Sql.seq("SELECT p.id, (SELECT s.mail FROM staff s WHERE s.person_id = p.id order by s.id limit 1) AS m, "
                + "(SELECT count(*) FROM staff s WHERE s.mail = p.email) AS c FROM people p", where(d, List.of(P)),
                orderBy(d, "p.id"));
    }

    /** Projections computed over encrypted columns: refused today, some may become exact in the driver. */
    private static Sql.Node computed(Draw d) {
        String expr = d.pick(List.of("p.email::text", "CAST(p.ssn AS varchar)", "COALESCE(p.note, 'none')",
                "COALESCE(p.email, ?)", "CASE WHEN p.ssn IS NULL THEN 'none' ELSE p.ssn END", "p.email IS NULL",
                "p.score IS NOT NULL", "upper(p.email)", "p.ssn || 'x'", "p.score + 1", "length(p.note)",
                "DISTINCT p.email", "max(p.birth_date)"));
        d.tag("computed projection " + expr.replaceAll("'[^']*'", "'…'"));
        Sql.Node e = !expr.contains("?") ? Sql.text(expr)
                : Sql.seq("COALESCE(p.email, ", d.values.node("none", Kind.TEXT, d.params, d.constructs), ")");
        boolean aggregate = expr.startsWith("max(");
        Sql.Node order = aggregate || expr.startsWith("DISTINCT") ? Sql.EMPTY : orderBy(d, "p.id");
        if (d.chance(15) && !aggregate) {
            d.tag("ORDER BY encrypted column");
            order = Sql.text(" ORDER BY p.email, p.id");
        }
        return Sql.seq("SELECT ", aggregate || expr.startsWith("DISTINCT") ? "" : "p.id, ", e, " AS v FROM people p",
                where(d, List.of(P)), order);
    }

    // ------------------------------------------------------------------------------------------------------------

    static Sql.Node columns(Draw d, List<Ref> scope) {
        List<Sql.Node> items = new ArrayList<>();
        for (Ref ref : scope) {
            for (Col c : d.someColumns(ref, 1, 5)) {
                if (d.chance(15)) {
                    d.tag("column alias");
                    items.add(Sql.text(ref.q(c.name()) + " AS \"" + ref.alias() + " " + c.name() + "\""));
                } else {
                    items.add(Sql.text(ref.q(c.name())));
                }
            }
        }
        return Sql.items(", ", 1, items);
    }

    static Sql.Node where(Draw d, List<Ref> scope) {
        if (d.chance(12)) {
            return Sql.EMPTY;
        }
        return Sql.opt(Sql.seq(" WHERE ", PredicateGenerator.where(d, scope, 2)));
    }

    /** {@code ORDER BY keys [LIMIT n [OFFSET m]]}: keys are unique, so the order is defined. */
    static Sql.Node orderBy(Draw d, String keys) {
        if (!d.chance(45)) {
            return Sql.EMPTY;
        }
        d.tag("ORDER BY plain key");
        Sql.Node limit = Sql.EMPTY;
        if (d.chance(40)) {
            d.tag("LIMIT/OFFSET");
            Sql.Node n = d.values.node(d.between(1, 8), Kind.INT, d.params, d.constructs);
            limit = Sql.opt(Sql.seq(" LIMIT ", n, d.chance(40) ? Sql.opt(Sql.text(" OFFSET 2")) : Sql.EMPTY));
        }
        String desc = d.chance(30) ? " DESC" : "";
        return Sql.opt(Sql.seq(" ORDER BY " + keys.replace(",", desc + ",") + desc, limit));
    }
}
