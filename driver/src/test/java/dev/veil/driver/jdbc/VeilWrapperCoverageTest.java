package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps a new JDBC method from carrying plaintext past Veil unnoticed: every value-carrying method of the JDBC
 * interfaces must be overridden by Veil's behaviour class (forwarding of everything else is proven by
 * DelegatingForwardingTest). Update methods of ResultSet are covered by refusing updatable results
 * (VeilResultSetIT), and CallableStatement by refusing prepareCall on any statement touching an encrypted column.
 */
class VeilWrapperCoverageTest {

    private static final Set<String> RESULT_SET_NON_VALUE_GETTERS = Set.of("getMetaData", "getStatement",
            "getWarnings", "getCursorName", "getFetchDirection", "getFetchSize", "getType", "getConcurrency", "getRow",
            "getHoldability");

    @Test
    void preparedStatementOverridesEverySetter() {
        List<String> missing = new ArrayList<>();
        for (Method m : PreparedStatement.class.getMethods()) {
            boolean valueSetter = m.getName().startsWith("set") && m.getParameterCount() >= 2
                    && m.getParameterTypes()[0] == int.class && m.getDeclaringClass() == PreparedStatement.class;
            if (valueSetter && !declares(VeilPreparedStatement.class, m)) {
                missing.add(m.toString());
            }
        }
        assertThat(missing).as("PreparedStatement setters not handled by VeilPreparedStatement").isEmpty();
    }

    @Test
    void preparedStatementOverridesResultProducers() {
        for (String name : List.of("executeQuery", "getGeneratedKeys")) {
            assertThat(declaresAny(VeilPreparedStatement.class, name)).as(name).isTrue();
        }
        // getResultSet goes through the wrapResultSet hook
        assertThat(declaresAny(VeilPreparedStatement.class, "wrapResultSet")).isTrue();
    }

    @Test
    void statementsOverrideEverySqlTakingMethod() {
        for (Class<?> veil : List.of(VeilStatement.class, VeilPreparedStatement.class)) {
            List<String> missing = new ArrayList<>();
            for (Method m : Statement.class.getMethods()) {
                if (m.getParameterCount() >= 1 && m.getParameterTypes()[0] == String.class
                        && (m.getName().startsWith("execute") || m.getName().equals("addBatch"))
                        && !declares(veil, m)) {
                    missing.add(m.toString());
                }
            }
            assertThat(missing).as("SQL-taking methods not handled by " + veil.getSimpleName()).isEmpty();
        }
    }

    @Test
    void resultSetOverridesEveryValueGetter() {
        List<String> missing = new ArrayList<>();
        for (Method m : ResultSet.class.getMethods()) {
            boolean getter = m.getName().startsWith("get") && !RESULT_SET_NON_VALUE_GETTERS.contains(m.getName())
                    && m.getParameterCount() >= 1
                    && (m.getParameterTypes()[0] == int.class || m.getParameterTypes()[0] == String.class);
            if (getter && !declares(VeilResultSet.class, m)) {
                missing.add(m.toString());
            }
        }
        assertThat(missing).as("ResultSet getters not handled by VeilResultSet").isEmpty();
    }

    @Test
    void resultSetGatesEveryCursorMove() {
        for (String name : List.of("next", "previous", "first", "last", "absolute", "relative", "beforeFirst",
                "afterLast", "moveToInsertRow")) {
            assertThat(declaresAny(VeilResultSet.class, name)).as(name).isTrue();
        }
    }

    @Test
    void connectionOverridesEveryStatementFactory() {
        List<String> missing = new ArrayList<>();
        for (Method m : Connection.class.getMethods()) {
            if ((m.getName().equals("prepareStatement") || m.getName().equals("prepareCall"))
                    && !declares(VeilConnection.class, m)) {
                missing.add(m.toString());
            }
        }
        assertThat(missing).isEmpty();
        assertThat(declaresAny(VeilConnection.class, "wrapStatement")).isTrue();
    }

    private static boolean declares(Class<?> type, Method m) {
        try {
            Method own = type.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return !Modifier.isAbstract(own.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean declaresAny(Class<?> type, String name) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
