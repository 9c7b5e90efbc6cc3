package dev.veil.driver.fuzz;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Deliberately wrong layers between the application and Veil, injected from the test side to show that the fuzzer
 * catches a driver that silently gets things wrong (test-only proxies; never on a product path).
 */
final class Faults {

    private Faults() {
    }

    /**
     * Binds the first two parameters of a prepared statement to each other's positions when both are strings — as a
     * renderer that miscounted one placeholder would.
     */
    static Connection swappingFirstTwoStringParameters(Connection veil) {
        return proxy(Connection.class, veil, (p, m, args) -> {
            Object result = invoke(veil, m, args);
            if (result instanceof PreparedStatement ps && m.getName().equals("prepareStatement")) {
                return swapping(ps);
            }
            return result;
        });
    }

    private static PreparedStatement swapping(PreparedStatement target) {
        Object[] firstTwo = new Object[2];
        boolean[] held = new boolean[2];
        return proxy(PreparedStatement.class, target, (p, m, args) -> {
            String name = m.getName();
            if (name.equals("setObject") && args.length == 2 && (int) args[0] <= 2) {
                int i = (int) args[0] - 1;
                firstTwo[i] = args[1];
                held[i] = true;
                return null;
            }
            if (name.startsWith("execute") || name.equals("addBatch")) {
                boolean swap = held[0] && held[1] && firstTwo[0] instanceof String && firstTwo[1] instanceof String;
                for (int i = 0; i < 2; i++) {
                    if (held[i]) {
                        target.setObject(i + 1, firstTwo[swap ? 1 - i : i]);
                        held[i] = false;
                    }
                }
            }
            return invoke(target, m, args);
        });
    }

    /** Hands out e-mail addresses with their {@code @} replaced — as a decryption that returned the wrong value would. */
    static Connection alteringDecryptedAddresses(Connection veil) {
        return proxy(Connection.class, veil, (p, m, args) -> {
            Object result = invoke(veil, m, args);
            if (result instanceof Statement st && !(result instanceof java.sql.CallableStatement)) {
                Class<? extends Statement> type = st instanceof PreparedStatement ? PreparedStatement.class
                        : Statement.class;
                return statementAltering(type, st);
            }
            return result;
        });
    }

    private static <T extends Statement> T statementAltering(Class<? extends Statement> type, Statement target) {
        @SuppressWarnings("unchecked")
        T t = (T) proxy((Class<Statement>) type, target, (p, m, args) -> {
            Object result = invoke(target, m, args);
            return result instanceof ResultSet rs ? altering(rs) : result;
        });
        return t;
    }

    private static ResultSet altering(ResultSet target) {
        return proxy(ResultSet.class, target, (p, m, args) -> {
            Object result = invoke(target, m, args);
            if ((m.getName().equals("getString") || m.getName().equals("getObject")) && result instanceof String s
                    && s.contains("@example.com")) {
                return s.replace("@example.com", "#example.com");
            }
            return result;
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
        return (T) Proxy.newProxyInstance(Faults.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
