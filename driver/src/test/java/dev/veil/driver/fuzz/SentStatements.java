package dev.veil.driver.fuzz;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Observes the pgjdbc connection underneath Veil (a test-side proxy, never on a product path): counts every
 * statement executed on it that is not one of Veil's own catalog reads. A statement Veil refuses must leave the
 * count unchanged — proof that nothing of it reached the server.
 */
final class SentStatements {

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong internal = new AtomicLong();
    private volatile String last;

    long count() {
        return sent.get();
    }

    /** Veil's own catalog reads. */
    long catalogReads() {
        return internal.get();
    }

    /** The last text counted (for a failure report). */
    String last() {
        return last;
    }

    /** Veil's catalog reads name {@code pg_catalog} explicitly; the generator never does. */
    private void executed(String sql) {
        if (sql != null && sql.contains("pg_catalog.")) {
            internal.incrementAndGet();
        }
        if (sql == null || !sql.contains("pg_catalog.")) {
            sent.incrementAndGet();
            last = sql;
        }
    }

    Connection wrap(Connection target) {
        return proxy(Connection.class, target, (p, m, args) -> {
            Object result = invoke(target, m, args);
            String name = m.getName();
            if (result instanceof CallableStatement cs) {
                return statement(CallableStatement.class, cs, (String) args[0]);
            }
            if (result instanceof PreparedStatement ps && name.startsWith("prepare")) {
                return statement(PreparedStatement.class, ps, (String) args[0]);
            }
            if (result instanceof Statement st && name.equals("createStatement")) {
                return statement(Statement.class, st, null);
            }
            return result;
        });
    }

    private <T extends Statement> T statement(Class<T> type, T target, String preparedSql) {
        StringBuilder batch = new StringBuilder();
        return proxy(type, target, (p, m, args) -> {
            String name = m.getName();
            if (name.equals("addBatch") && args != null && args.length == 1 && args[0] instanceof String s) {
                batch.append(s).append(';');
            } else if (name.startsWith("execute")) {
                if (args != null && args.length > 0 && args[0] instanceof String s) {
                    executed(s);
                } else if (name.endsWith("Batch")) {
                    executed(preparedSql != null ? preparedSql : batch.toString());
                    batch.setLength(0);
                } else {
                    executed(preparedSql);
                }
            }
            return invoke(target, m, args);
        });
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(SentStatements.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
