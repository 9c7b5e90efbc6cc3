package dev.veil.driver.sql;

import dev.veil.driver.schema.Identifiers;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Row binding on the write path: the row key of the values being written (an INSERT row's, the key an UPDATE's
 * WHERE pins, the key an ON CONFLICT … DO UPDATE shares with the inserted row) and the relations holding that same
 * row, whose values may be copied as they are ({@code SET col = col}, {@code EXCLUDED.col}). {@link RowKeys}
 * knows where keys come from; this class tracks them while {@link WritePath} walks the statement.
 */
final class RowBoundWrites {

    private final Analysis a;
    /** The row key of the values being written, or null where no row is known. */
    private RowKeySource writeKey;
    /** The relations holding the row being written. */
    private Set<Object> sameRow = Set.of();

    RowBoundWrites(Analysis a) {
        this.a = a;
    }

    /** The row binding of a table Veil writes, or null when it binds nothing (or has no encrypted column). */
    RowBinding binding(TableSource target) {
        if (target.enc.isEmpty()) {
            return null;
        }
        return a.names.target(target.enc.values().iterator().next(), target.name).rowBinding();
    }

    /** Before one {@code INSERT … VALUES} row is written: its key. */
    void insertRow(RowBinding binding, List<String> columns, ExpressionList<?> row) {
        writeKey = binding == null ? null : RowKeys.insertRow(binding, columns, row);
    }

    /** After the rows of an {@code INSERT … VALUES}: the key an ON CONFLICT … DO UPDATE's ? would belong to. */
    RowKeySource inserted(RowBinding binding, int rows) {
        return rows == 1 || binding == null ? writeKey : RowKeySource.unknown(binding, Refusals.multiRowConflictKey());
    }

    /** No row is being written (between the parts of a statement). */
    void clear() {
        writeKey = null;
        sameRow = Set.of();
    }

    /**
     * ON CONFLICT … DO UPDATE of a bound table: the existing row has the inserted row's key only when the
     * conflict is over the key columns (then EXCLUDED.col and the inserted key hold); else no write key.
     */
    void conflictUpdate(Insert insert, TableSource target, TableSource excluded, RowKeySource insertedKey,
            List<UpdateSet> sets) {
        RowBinding b = binding(target);
        if (b == null) {
            return;
        }
        InsertConflictTarget conflict = insert.getConflictTarget();
        Set<String> on = new HashSet<>();
        if (conflict != null && conflict.getIndexColumnNames() != null) {
            conflict.getIndexColumnNames().forEach(c -> on.add(Identifiers.canonical(c)));
        }
        boolean overKey = on.equals(new HashSet<>(List.of(b.keys())));
        if (RowKeys.setsKey(b, sets)) {
            // the new key, refused unless every encrypted column is rewritten with it
            writeKey = RowKeys.update(b, sets, null, c -> true, target.enc.keySet(), "ON CONFLICT … DO UPDATE");
            sameRow = Set.of();
        } else if (!overKey) {
            writeKey = RowKeySource.unknown(b, Refusals.conflictNotOverKey(on, b.keyNames()));
            sameRow = Set.of(target);
        } else {
            writeKey = insertedKey;
            sameRow = Set.of(target, excluded);
        }
    }

    /** ON DUPLICATE KEY UPDATE of a bound table: refused (it cannot tell which row it updates). */
    void duplicateUpdate(TableSource target) {
        if (binding(target) != null) {
            throw RowKeys.copy(a.names.target(target.enc.values().iterator().next(), target.name),
                    "ON DUPLICATE KEY UPDATE");
        }
    }

    /** Before an UPDATE's SET list: the key its WHERE pins (or the new key it sets). */
    void update(Update update, TableSource target, Scope scope) {
        RowBinding binding = binding(target);
        if (binding != null) {
            writeKey = RowKeys.update(binding, update.getUpdateSets(), update.getWhere(),
                    c -> {
                        Hit h = a.names.hit(c, scope);
                        return h != null && h.source() == target;
                    },
                    target.enc.keySet(), "UPDATE … SET");
            sameRow = RowKeys.setsKey(binding, update.getUpdateSets()) ? Set.of() : Set.of(target);
        }
    }

    /** INSERT … SELECT of a bound column (into or out of a bound table): refused. */
    static void insertSelect(Target selected, Target written) {
        if (selected.rowBinding() != null || written.rowBinding() != null) {
            throw RowKeys.copy(selected.rowBinding() != null ? selected : written, "INSERT … SELECT");
        }
    }

    /** Row binding of a written value: keyed by the row's key, or refused where it cannot be known. */
    Target rowBound(Expression e, Target t, Scope scope, String construct) {
        Target copied = e instanceof Column ? a.names.resolve((Column) e, scope) : null;
        if (copied != null && (copied.rowBinding() != null || t.rowBinding() != null)) {
            if (t.rowBinding() == null || !copied.column().equals(t.column())
                    || !sameRow.contains(copied.origin())) {
                throw RowKeys.copy(copied.rowBinding() != null ? copied : t, construct);
            }
            return t; // the row's own value (SET col = col, or EXCLUDED.col on a conflict over the key)
        }
        if (t.rowBinding() == null || e instanceof NullValue
                || !(e instanceof JdbcParameter || Literals.isLiteral(e))) {
            return t;
        }
        return RowKeys.writing(t, !(e instanceof JdbcParameter), writeKey, construct);
    }
}
