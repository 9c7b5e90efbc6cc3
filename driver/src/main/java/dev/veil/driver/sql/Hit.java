package dev.veil.driver.sql;

/** A column reference resolved to its relation, its canonical name and, when encrypted, its target. */
record Hit(Source source, Target target, String column) {
}
