package dev.veil.driver.jdbc;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.ColumnCipherTest;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.sql.Target;
import dev.veil.key.KeyRing;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;

/**
 * Real parts for the jdbc unit tests, without a database: ciphers under a fixed test keyset, the JDK's in-memory
 * {@link CachedRowSet} as the driver's result, and a statement that records what is bound to it.
 */
final class JdbcTestSupport {

    private JdbcTestSupport() {
    }

    /** The codec tests' fixed test keyset, for every scope. */
    static KeyRing ring() {
        try {
            ColumnCipherTest.keys();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ColumnCipherTest.ring();
    }

    /** The cipher of a configured column, counting its decryptions into {@code decryptions} (may be null). */
    static ColumnCipher cipher(EncryptedColumn c, AtomicInteger decryptions) {
        ColumnCipher.Events events = new ColumnCipher.Events() {
            @Override
            public void decrypted(String column) {
                if (decryptions != null) {
                    decryptions.incrementAndGet();
                }
            }
        };
        return new ColumnCipher(c.qualified(), c.boundName(), c.type(), ring(), false, events);
    }

    static ColumnCipher cipher(EncryptedColumn c) {
        return cipher(c, null);
    }

    static Target target(String table, String column, ValueType type, ColumnCipher.Storage storage,
            AtomicInteger decryptions) {
        EncryptedColumn c = new EncryptedColumn(TableName.parse(table), column, type, table + "." + column);
        return new Target(c, cipher(c, decryptions), storage);
    }

    /**
     * An in-memory, read-only, scrollable result: {@code labels} name the columns, each row gives their values
     * ({@code byte[]}, {@code String}, {@code Integer} or null).
     */
    static CachedRowSet rows(String[] labels, Object[]... rows) throws SQLException {
        CachedRowSet rs = RowSetProvider.newFactory().createCachedRowSet();
        RowSetMetaDataImpl md = new RowSetMetaDataImpl();
        md.setColumnCount(labels.length);
        for (int c = 1; c <= labels.length; c++) {
            md.setColumnName(c, labels[c - 1]);
            md.setColumnLabel(c, labels[c - 1]);
            Object sample = null;
            for (Object[] row : rows) {
                sample = sample != null ? sample : row[c - 1];
            }
            md.setColumnType(c, sample instanceof byte[] ? java.sql.Types.VARBINARY
                    : sample instanceof Integer ? java.sql.Types.INTEGER : java.sql.Types.VARCHAR);
        }
        rs.setMetaData(md);
        for (int r = rows.length - 1; r >= 0; r--) { // each insert lands before the rows inserted so far
            Object[] row = rows[r];
            rs.moveToInsertRow();
            for (int c = 1; c <= row.length; c++) {
                if (row[c - 1] == null) {
                    rs.updateNull(c);
                } else {
                    rs.updateObject(c, row[c - 1]);
                }
            }
            rs.insertRow();
            rs.moveToCurrentRow();
        }
        rs.beforeFirst();
        return rs;
    }

    /** {@code raw} answering {@code getConcurrency()} with {@link ResultSet#CONCUR_READ_ONLY}, counting findColumn. */
    static final class ReadOnly extends DelegatingResultSet {
        final AtomicInteger findColumnCalls = new AtomicInteger();

        ReadOnly(ResultSet raw) {
            super(null, raw);
        }

        @Override
        public int getConcurrency() {
            return ResultSet.CONCUR_READ_ONLY;
        }

        @Override
        public int findColumn(String label) throws SQLException {
            findColumnCalls.incrementAndGet();
            return super.findColumn(label);
        }
    }

    /** One call made on a {@link #recordingStatement}: its method name and arguments. */
    record Call(String method, List<Object> args) {
        Object arg(int k) {
            return args.get(k);
        }

        @Override
        public String toString() {
            return method + args.stream().map(a -> a instanceof byte[] ? "byte[]" : String.valueOf(a)).toList();
        }
    }

    /** A driver statement that records every call made on it (and does nothing else). */
    static PreparedStatement recordingStatement(List<Call> calls) {
        return (PreparedStatement) Proxy.newProxyInstance(JdbcTestSupport.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return m.getName().equals("toString") ? "recording statement"
                                : m.getName().equals("hashCode") ? System.identityHashCode(proxy) : proxy == args[0];
                    }
                    calls.add(new Call(m.getName(), args == null ? List.of() : new ArrayList<>(Arrays.asList(args))));
                    Class<?> r = m.getReturnType();
                    if (r == boolean.class) {
                        return Boolean.FALSE;
                    }
                    return r == int.class ? (Object) 0 : r == long.class ? (Object) 0L : null;
                });
    }
}
