package dev.veil.driver.sql;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Column;

/**
 * Whether Veil changed one statement's AST (then it is sent as deparsed), and which parts of it Veil wrote: the
 * companion column references of its rewrites and the search predicates it put in place of the application's
 * (by identity: never analysed as the application's own).
 */
final class Rewrites {

    private boolean rewritten;
    private final Set<Column> generated = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Expression> predicates = Collections.newSetFromMap(new IdentityHashMap<>());

    /** The AST was changed: send it as deparsed. */
    void mark() {
        rewritten = true;
    }

    boolean rewritten() {
        return rewritten;
    }

    /** A column reference Veil wrote (a companion column). */
    Column own(Column c) {
        generated.add(c);
        return c;
    }

    boolean owns(Column c) {
        return generated.contains(c);
    }

    /** A search predicate Veil wrote. */
    Expression ownPredicate(Expression e) {
        predicates.add(e);
        return e;
    }

    boolean ownsPredicate(Expression e) {
        return predicates.contains(e);
    }
}
