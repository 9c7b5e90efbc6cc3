package dev.veil.driver.sql;

import dev.veil.driver.schema.TableName;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The catalog as one statement's analysis sees it: each table read at most once, and whether everything the plan
 * depends on was known (a plan built without a table's shape must not be cached).
 */
final class CatalogView {

    private final Catalog catalog;
    private final Map<String, Catalog.TableInfo> tables = new HashMap<>();
    private boolean cacheable = true;

    CatalogView(Catalog catalog) {
        this.catalog = catalog;
    }

    /** The table's shape, or null when the catalog does not show it (the plan is then not cached). */
    Catalog.TableInfo info(TableName name) {
        String key = name.qualified();
        if (tables.containsKey(key)) {
            return tables.get(key);
        }
        Catalog.TableInfo info;
        try {
            info = catalog.table(name);
        } catch (SQLException e) {
            throw new CatalogFailure(e);
        }
        if (info == null) {
            cacheable = false;
        }
        tables.put(key, info);
        return info;
    }

    /** See {@link Catalog#resolved(TableName)}. */
    TableName resolved(TableName name) {
        return catalog.resolved(name);
    }

    /** Something the plan depends on is unknown: do not cache it. */
    void uncacheable() {
        cacheable = false;
    }

    boolean cacheable() {
        return cacheable;
    }
}
