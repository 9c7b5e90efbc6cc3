package dev.veil.driver.sql;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What reaches encrypted values without naming an encrypted table in the SQL text, read from the catalog with the
 * children ({@link Inheritance}) and re-read with them: views and materialized views over encrypted columns
 * ({@link DerivedViews}), functions that read encrypted tables ({@link EncryptedFunctions}), and names that resolve
 * differently under different {@code search_path}s ({@link SearchPathNames}). Immutable.
 */
public record DerivedRelations(DerivedViews views, EncryptedFunctions functions, SearchPathNames ambiguous) {

    public static final DerivedRelations NONE = new DerivedRelations(DerivedViews.NONE, EncryptedFunctions.NONE,
            SearchPathNames.NONE);

    /**
     * Reads them all for the configured tables and the given children (a few catalog queries, and one describe per
     * view whose definition is not the same as in {@code previous}).
     */
    public static DerivedRelations read(Connection connection, VeilConfig config, Inheritance children,
            DerivedRelations previous) throws SQLException {
        if (config.columns().isEmpty()) {
            return NONE;
        }
        List<String[]> columns = new ArrayList<>();
        Set<TableName> relations = new LinkedHashSet<>();
        for (EncryptedColumn c : config.columns()) {
            columns.add(new String[] {c.table().schema(), c.table().name(), c.name()});
            relations.add(c.table());
        }
        for (Map.Entry<TableName, TableName> e : children.children().entrySet()) {
            relations.add(e.getKey());
            for (String c : config.columnsOf(e.getValue().schema(), e.getValue().name()).keySet()) {
                columns.add(new String[] {e.getKey().schema(), e.getKey().name(), c});
            }
        }
        EncryptedFunctions first = EncryptedFunctions.read(connection, relations);
        DerivedViews views = DerivedViews.read(connection, previous.views(), columns, first.oids(),
                (s, t) -> tableColumns(config, children, s, t), (s, t) -> companions(config, children, s, t));
        for (DerivedViews.View v : views.all()) {
            relations.add(v.name());
        }
        EncryptedFunctions functions = views.isEmpty() ? first : EncryptedFunctions.read(connection, relations);
        Set<String> names = new LinkedHashSet<>();
        relations.forEach(t -> names.add(t.name()));
        SearchPathNames ambiguous = SearchPathNames.read(connection, names,
                (s, t) -> meaning(config, children, views, s, t));
        return new DerivedRelations(views, functions, ambiguous);
    }

    /** The encrypted columns of a table as the catalog names it: its own, or its encrypted ancestor's. */
    static Map<String, EncryptedColumn> tableColumns(VeilConfig config, Inheritance children, String schema,
            String table) {
        Map<String, EncryptedColumn> own = config.columnsOf(schema, table);
        if (!own.isEmpty()) {
            return own;
        }
        TableName parent = children.parentOf(schema, table);
        return parent == null ? own : config.columnsOf(parent.schema(), parent.name());
    }

    /** The companion (blind-index) columns of a table as the catalog names it: its own, or its ancestor's. */
    static Set<String> companions(VeilConfig config, Inheritance children, String schema, String table) {
        TableName parent = config.columnsOf(schema, table).isEmpty() ? children.parentOf(schema, table) : null;
        Set<String> out = new java.util.HashSet<>();
        for (dev.veil.driver.schema.ConfiguredIndex i : parent == null ? config.indexesOf(schema, table)
                : config.indexesOf(parent.schema(), parent.name())) {
            out.add(i.name());
        }
        return out;
    }

    /** What Veil makes of a relation, compared between schemas by {@link SearchPathNames}. */
    private static Object meaning(VeilConfig config, Inheritance children, DerivedViews views, String schema,
            String name) {
        DerivedViews.View v = views.view(schema, name);
        if (v != null) {
            return List.of(v.decrypting().values().stream().map(EncryptedColumn::boundName).sorted().toList(),
                    v.decrypting().keySet().stream().sorted().toList(), v.computed(), v.companions());
        }
        Map<String, EncryptedColumn> enc = tableColumns(config, children, schema, name);
        return enc.values().stream().map(c -> c.name() + "=" + c.boundName() + ":" + c.type()).sorted().toList();
    }

    public boolean isEmpty() {
        return views.isEmpty() && functions.isEmpty() && ambiguous.isEmpty();
    }
}
