package dev.veil.driver.fuzz;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Makes a failure small: replays candidates against freshly reset tables and keeps the smallest that still fails
 * with the same category — first without the statements before it (or with as few of them as it needs), then with
 * clauses, predicates, list elements, rows and batch entries removed and literals spelled plainly.
 */
final class Shrinker {

    private final Sides sides;
    private final int budget;

    Shrinker(Sides sides, int budget) {
        this.sides = sides;
        this.budget = budget;
    }

    record Case(List<FuzzStatement> prefix, FuzzStatement statement) {
    }

    Case shrink(List<FuzzStatement> prefix, FuzzStatement statement, Sides.Category category) throws SQLException {
        int[] left = {budget};
        List<FuzzStatement> before = new ArrayList<>(prefix);
        if (fails(List.of(), statement, category, left)) {
            before.clear();
        } else {
            for (int chunk = Math.max(1, before.size() / 2); chunk >= 1 && left[0] > 0; chunk /= 2) {
                for (int start = before.size() - chunk; start >= 0 && left[0] > 0; start -= chunk) {
                    List<FuzzStatement> without = new ArrayList<>(before);
                    without.subList(start, start + chunk).clear();
                    if (fails(without, statement, category, left)) {
                        before = without;
                        start = Math.min(start, before.size());
                    }
                }
                if (chunk == 1) {
                    break;
                }
            }
        }
        FuzzStatement best = statement;
        boolean improved = true;
        while (improved && left[0] > 0) {
            improved = false;
            List<FuzzStatement> candidates = new ArrayList<>(best.shrinks());
            candidates.sort(Comparator.comparingInt(FuzzStatement::size));
            for (FuzzStatement c : candidates) {
                if (left[0] <= 0) {
                    break;
                }
                if (c.size() < best.size() && fails(before, c, category, left)) {
                    best = c;
                    improved = true;
                    break;
                }
            }
        }
        return new Case(before, best);
    }

    private boolean fails(List<FuzzStatement> prefix, FuzzStatement s, Sides.Category category, int[] left)
            throws SQLException {
        left[0]--;
        Sides.Problem p = replay(prefix, s);
        return p != null && p.category() == category;
    }

    /** Fresh tables, the prefix (outcomes ignored), then {@code s} judged, then the contents compared. */
    Sides.Problem replay(List<FuzzStatement> prefix, FuzzStatement s) throws SQLException {
        sides.reset();
        for (FuzzStatement p : prefix) {
            sides.check(p);
        }
        Sides.Verdict v = sides.check(s);
        return v.problem() != null ? v.problem() : sides.contents();
    }
}
