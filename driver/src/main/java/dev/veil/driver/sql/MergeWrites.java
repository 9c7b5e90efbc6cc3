package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;

/**
 * MERGE: the ON condition and every AND predicate are checked like WHERE; WHEN MATCHED UPDATE SET and WHEN NOT
 * MATCHED INSERT … VALUES take the same values as UPDATE and INSERT (?, literal, NULL, or a same-key column of the
 * source); DELETE and DO NOTHING need nothing. A MERGE cannot fill blind indexes: writing an indexed column is
 * refused.
 */
final class MergeWrites {

    private final Analysis a;
    private final WritePath write;

    MergeWrites(Analysis a, WritePath write) {
        this.a = a;
        this.write = write;
    }

    List<Out> merge(Merge merge) {
        Scope scope = new Scope(null);
        a.names.withItems(merge.getWithItemsList(), scope);
        TableSource target = a.names.targetTable(merge.getTable());
        if (!target.enc.isEmpty()) {
            write.modifies(target);
        }
        if (merge.getFromItem() == null || merge.getOutputClause() != null) {
            throw a.refuse(Refusals.mergeForm(a.mentioned()));
        }
        scope.sources.add(target);
        a.names.from(merge.getFromItem(), scope);
        a.check(merge.getOnCondition(), scope, "MERGE … ON");
        for (MergeOperation op : merge.getOperations()) {
            if (op instanceof MergeUpdate) {
                MergeUpdate u = (MergeUpdate) op;
                a.check(u.getAndPredicate(), scope, "MERGE … WHEN … AND");
                write.updateSets(u.getUpdateSets(), target, scope);
                a.check(u.getWhereCondition(), scope, "MERGE … WHERE");
                a.check(u.getDeleteWhereCondition(), scope, "MERGE … DELETE WHERE");
            } else if (op instanceof MergeInsert) {
                insert((MergeInsert) op, target, scope);
            } else if (op instanceof MergeDelete) {
                a.check(((MergeDelete) op).getAndPredicate(), scope, "MERGE … WHEN … AND");
            } else {
                throw a.refuse(Refusals.mergeAction(op.getClass().getSimpleName()));
            }
        }
        return a.read.returning(merge.getReturningClause(), scope);
    }

    private void insert(MergeInsert i, TableSource target, Scope scope) {
        a.check(i.getAndPredicate(), scope, "MERGE … WHEN … AND");
        List<String> columns = new ArrayList<>();
        if (i.getColumns() != null && !i.getColumns().isEmpty()) {
            for (Column c : i.getColumns()) {
                a.names.account(c);
                columns.add(Identifiers.canonical(c.getColumnName()));
            }
        } else if (!target.enc.isEmpty()) {
            Catalog.TableInfo info = a.catalog.info(target.name);
            if (info == null) {
                throw a.refuse(Refusals.insertWithoutColumnList("MERGE … INSERT", target.name));
            }
            columns.addAll(info.columns());
        }
        // the inserted row's values see only the source, never the target row
        Scope source = new Scope(null);
        source.ctes.putAll(scope.ctes);
        source.sources.addAll(scope.sources.subList(1, scope.sources.size()));
        List<ConfiguredIndex> writes = write.indexWrites.written(target, columns, "MERGE … INSERT");
        if (!writes.isEmpty()) {
            throw a.refuse(Refusals.mergeWritesIndex(write.indexWrites.partTarget(writes.get(0), target),
                    writes.get(0)));
        }
        write.row(i.getValues(), columns, target, source);
        a.check(i.getWhereCondition(), scope, "MERGE … WHERE");
    }
}
