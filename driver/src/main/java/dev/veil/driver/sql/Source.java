package dev.veil.driver.sql;

import java.util.List;

/** A relation visible in a scope: a table ({@link TableSource}), a derived table or a CTE ({@link DerivedSource}). */
abstract class Source {

    /** The canonical alias, or null. */
    final String alias;

    Source(String alias) {
        this.alias = alias;
    }

    /** The target of the relation's encrypted column of this canonical name, or null. */
    abstract Target encrypted(String column);

    /** The relation's output columns in order, as {@code *} expands them. */
    abstract List<Out> all();

    /** Whether a qualifier ({@code schema.name} or {@code name}) names this relation. */
    abstract boolean matches(String schema, String name);

    abstract boolean hasEncrypted();

    /** Whether the relation has a column of this canonical name (false when unknown). */
    abstract boolean hasColumn(String column);
}
