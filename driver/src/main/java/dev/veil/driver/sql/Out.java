package dev.veil.driver.sql;

/**
 * One output column of a query: its label and, when it carries ciphertext, the column's target; or a {@code *} of
 * unknown width ({@link #UNKNOWN}).
 */
record Out(String label, Target target, boolean unknownWidth) {

    static final Out UNKNOWN = new Out(null, null, true);

    Out(String label, Target target) {
        this(label, target, false);
    }
}
