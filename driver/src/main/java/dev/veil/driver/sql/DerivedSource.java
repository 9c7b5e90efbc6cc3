package dev.veil.driver.sql;

import java.util.List;

/** A subquery in FROM, a CTE or a table function: known by the outputs its query produces. */
final class DerivedSource extends Source {

    private final List<Out> outs;

    DerivedSource(String alias, List<Out> outs) {
        super(alias);
        this.outs = outs;
    }

    @Override
    Target encrypted(String column) {
        for (Out o : outs) {
            if (column.equals(o.label())) {
                return o.target();
            }
        }
        return null;
    }

    @Override
    List<Out> all() {
        return outs;
    }

    @Override
    boolean matches(String schema, String name) {
        return schema == null && name.equals(alias);
    }

    @Override
    boolean hasEncrypted() {
        return outs.stream().anyMatch(o -> o.target() != null);
    }

    @Override
    boolean hasColumn(String column) {
        return outs.stream().anyMatch(o -> column.equals(o.label()));
    }
}
