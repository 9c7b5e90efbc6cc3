package dev.veil.driver.fuzz;

import dev.veil.driver.fuzz.FuzzValues.Col;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The state of drawing one statement: the random source, whether parameters may be used, the constructs used. */
final class Draw {

    /** A table in scope under an alias. */
    record Ref(String alias, String table) {
        String q(String column) {
            return alias + "." + column;
        }

        List<Col> columns() {
            return FuzzValues.columns(table);
        }
    }

    final Random r;
    final FuzzValues values;
    final boolean params;
    final Set<String> constructs = new LinkedHashSet<>();

    Draw(Random r, boolean params) {
        this.r = r;
        this.values = new FuzzValues(r);
        this.params = params;
    }

    boolean chance(int percent) {
        return r.nextInt(100) < percent;
    }

    int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    <T> T pick(List<T> xs) {
        return xs.get(r.nextInt(xs.size()));
    }

    void tag(String construct) {
        constructs.add(construct);
    }

    /** A value node for {@code c}: a stored value (or NULL, or an absent one) as a parameter or literal. */
    Sql.Node value(Col c) {
        return values.node(values.value(c), c.kind(), params, constructs);
    }

    /** Like {@link #value} but never NULL. */
    Sql.Node nonNull(Col c) {
        Object v = values.value(c);
        while (v == null) {
            v = values.value(c);
        }
        return values.node(v, c.kind(), params, constructs);
    }

    /** Up to {@code max} distinct columns of {@code ref}, in table order. */
    List<Col> someColumns(Ref ref, int min, int max) {
        List<Col> all = new ArrayList<>(ref.columns());
        List<Col> out = new ArrayList<>();
        int n = between(min, Math.min(max, all.size()));
        while (out.size() < n) {
            Col c = pick(all);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        out.sort((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
        return out;
    }
}
