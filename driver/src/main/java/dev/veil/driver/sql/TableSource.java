package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A table (or view, or child table) named in FROM or as a statement's target, with its encrypted columns. */
final class TableSource extends Source {

    final TableName name;
    final Map<String, EncryptedColumn> enc;
    private final Analysis a;

    TableSource(Analysis a, TableName name, Map<String, EncryptedColumn> enc, String alias) {
        super(alias);
        this.a = a;
        this.name = name;
        this.enc = enc;
    }

    /** This table's blind indexes (its own or its parent's). */
    List<ConfiguredIndex> indexes() {
        return a.schema.indexesOf(name.schema(), name.name());
    }

    @Override
    Target encrypted(String column) {
        EncryptedColumn ec = enc.get(column);
        Refusal computed = ec == null ? a.schema.tables().computed(name.schema(), name.name(), column)
                : null; // a view column computed from encrypted ones, see DerivedViews
        if (computed != null) {
            throw new Refusal.Signal(computed, true);
        }
        return ec == null ? null : a.names.target(ec, name).from(this);
    }

    @Override
    List<Out> all() {
        Catalog.TableInfo info = a.catalog.info(name);
        if (info == null) {
            if (!enc.isEmpty()) {
                a.reach.touch();
                throw a.refuse(Refusals.starOverUnknownTable(name));
            }
            return List.of(Out.UNKNOWN);
        }
        List<Out> outs = new ArrayList<>(info.columns().size());
        for (String c : visible()) {
            outs.add(new Out(c, encrypted(c)));
        }
        return outs;
    }

    /** The table's columns without its blind index companion columns (catalog order). */
    List<String> visible() {
        Catalog.TableInfo info = a.catalog.info(name);
        List<ConfiguredIndex> idx = indexes();
        if (info == null || idx.isEmpty()) {
            return info == null ? List.of()
                    : a.schema.tables().withoutCompanions(name.schema(), name.name(), info.columns());
        }
        List<String> out = new ArrayList<>();
        for (String c : info.columns()) {
            if (idx.stream().noneMatch(i -> i.name().equals(c))) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    boolean matches(String schema, String qname) {
        if (alias != null) {
            return schema == null && alias.equals(qname);
        }
        return name.name().equals(qname) && (schema == null || name.schema() == null || schema.equals(name.schema()));
    }

    @Override
    boolean hasEncrypted() {
        return !enc.isEmpty() || a.schema.tables().view(name.schema(), name.name()) != null;
    }

    @Override
    boolean hasColumn(String column) {
        Catalog.TableInfo info = a.catalog.info(name);
        return info == null ? enc.containsKey(column) : info.columns().contains(column);
    }
}
