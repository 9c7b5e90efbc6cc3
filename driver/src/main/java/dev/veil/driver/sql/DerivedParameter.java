package dev.veil.driver.sql;

import net.sf.jsqlparser.expression.JdbcParameter;

/**
 * Veil's marker node for a parameter it adds (a blind index value, a compared plaintext): rendered by
 * {@link Renderer} as a {@code ?} whose position it records. It carries a fixed index so the analysis never takes
 * it for one of the application's parameters.
 */
final class DerivedParameter extends JdbcParameter {

    /** Its number among the statement's derived parameters (0-based, in analysis order). */
    final int number;

    DerivedParameter(int number) {
        this.number = number;
        setUseFixedIndex(true);
        setIndex(number + 1);
    }
}
