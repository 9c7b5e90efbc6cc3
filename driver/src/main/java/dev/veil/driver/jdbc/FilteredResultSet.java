package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.StoredCiphertext;
import dev.veil.driver.sql.RowFilter;
import dev.veil.driver.sql.Target;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * A result with hidden trailing columns Veil appended to the select list, after the application's {@code visible}
 * ones: the compared columns' ciphertexts of row filters (a truncated blind index, whose false positives are dropped
 * here after decryption) and the key columns of row-bound values (row binding). Owns both:
 * <ul>
 *   <li>the hidden columns are not the application's: the metadata counts {@code visible} columns, their labels
 *       are unknown ({@link ColumnLabels}) and their indexes out of range ({@link EncryptedValues#HIDDEN});
 *   <li>with row filters, {@link #next()} skips every row a filter rejects, so the result reads forward only; the
 *       other cursor moves are refused (they would land on rows nobody filtered). Without filters (row keys only)
 *       the result stays scrollable.
 * </ul>
 */
final class FilteredResultSet extends VeilResultSet {

    private final int visible;
    /** Empty when the hidden columns hold row keys only. */
    private final RowFilter[] filters;
    /** The statement's kept parameter values, the filters compare with. */
    private final Object[] parameters;
    /** Per filter, the key kept for this result (created on first read). */
    private final ColumnCipher.Reader[] readers;

    /**
     * @param targets index i holds the target of column i+1: null for a plain column, {@link EncryptedValues#HIDDEN}
     *     from index {@code visible} on
     */
    FilteredResultSet(DelegatingStatement statement, ResultSet delegate, Target[] targets, int visible,
            RowFilter[] filters, Object[] parameters) {
        super(statement, delegate, targets, null, visible, parameters);
        this.visible = visible;
        this.filters = filters;
        this.parameters = parameters;
        this.readers = new ColumnCipher.Reader[filters.length];
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData raw) {
        ResultSetMetaData projected = super.wrapMetaData(raw);
        if (projected instanceof ProjectedMetaData) {
            return projected; // counts only the application's columns itself
        }
        return raw == null ? null : new DelegatingResultSetMetaData(raw) {
            @Override
            public int getColumnCount() {
                return visible;
            }
        };
    }

    @Override
    public boolean next() throws SQLException {
        while (super.next()) {
            if (accepted()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the current row passes every row filter (decrypting each compared column's hidden ciphertext). */
    private boolean accepted() throws SQLException {
        for (int k = 0; k < filters.length; k++) {
            RowFilter f = filters[k];
            Target t = f.target();
            Object stored = StoredCiphertext.read(delegate, visible + 1 + f.hiddenIndex(), t.storage());
            if (!f.accepts(stored == null ? null : t.decrypt(reader(k, t), stored, delegate, visible), parameters)) {
                return false;
            }
        }
        return true;
    }

    private ColumnCipher.Reader reader(int k, Target t) {
        ColumnCipher.Reader r = readers[k];
        if (r == null) {
            r = t.reader(readers);
            readers[k] = r;
        }
        return r;
    }

    private void forwardOnly(String move) throws SQLException {
        if (filters.length > 0) {
            throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil filters the rows of this result after "
                    + "decryption (a truncated blind index), so it can only be read forward with next(), not with "
                    + move);
        }
    }

    @Override
    public boolean previous() throws SQLException {
        forwardOnly("previous()");
        return super.previous();
    }

    @Override
    public boolean first() throws SQLException {
        forwardOnly("first()");
        return super.first();
    }

    @Override
    public boolean last() throws SQLException {
        forwardOnly("last()");
        return super.last();
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        forwardOnly("absolute()");
        return super.absolute(row);
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        forwardOnly("relative()");
        return super.relative(rows);
    }

    @Override
    public void beforeFirst() throws SQLException {
        forwardOnly("beforeFirst()");
        super.beforeFirst();
    }

    @Override
    public void afterLast() throws SQLException {
        forwardOnly("afterLast()");
        super.afterLast();
    }
}
