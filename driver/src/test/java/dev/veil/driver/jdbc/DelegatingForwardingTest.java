package dev.veil.driver.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URL;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Wrapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves by reflection that every {@code Delegating*} wrapper forwards every method of its JDBC interface(s) —
 * including {@code default} methods and those inherited from {@link Wrapper} and {@link AutoCloseable} — and that
 * JDBC objects handed out stay wrapped. A JDBC method added to the JDK (or a default method nobody overrode) fails
 * {@link #everyInterfaceMethodIsOverriddenByTheWrapper(Subject)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DelegatingForwardingTest {

    /** A vendor interface the driver's object implements but the wrapper does not. */
    interface VendorExtension {
    }

    /** An interface only reachable through the driver's own {@code unwrap}. */
    interface DeepVendorExtension {
    }

    private static final Set<Class<?>> JDBC_OBJECT_TYPES = Set.of(Connection.class, Statement.class,
            PreparedStatement.class, CallableStatement.class, ResultSet.class, DatabaseMetaData.class,
            ResultSetMetaData.class);

    /** The wrapping connection and statement that wrappers under test hang off. */
    private final DelegatingConnection parentConnection = new DelegatingConnection(stub(Connection.class));
    private final DelegatingStatement parentStatement =
            new DelegatingStatement(parentConnection, stub(Statement.class));

    /** One wrapper class: its JDBC interface and how to build it around a delegate. */
    record Subject(Class<?> jdbcInterface, Class<?> wrapperClass, Function<Object, Object> factory) {
        @Override
        public String toString() {
            return wrapperClass.getSimpleName();
        }
    }

    Stream<Subject> subjects() {
        return Stream.of(
                new Subject(Connection.class, DelegatingConnection.class,
                        d -> new DelegatingConnection((Connection) d)),
                new Subject(Statement.class, DelegatingStatement.class,
                        d -> new DelegatingStatement(parentConnection, (Statement) d)),
                new Subject(PreparedStatement.class, DelegatingPreparedStatement.class,
                        d -> new DelegatingPreparedStatement(parentConnection, (PreparedStatement) d)),
                new Subject(CallableStatement.class, DelegatingCallableStatement.class,
                        d -> new DelegatingCallableStatement(parentConnection, (CallableStatement) d)),
                new Subject(ResultSet.class, DelegatingResultSet.class,
                        d -> new DelegatingResultSet(parentStatement, (ResultSet) d)),
                new Subject(DatabaseMetaData.class, DelegatingDatabaseMetaData.class,
                        d -> new DelegatingDatabaseMetaData(parentConnection, (DatabaseMetaData) d)),
                new Subject(ResultSetMetaData.class, DelegatingResultSetMetaData.class,
                        d -> new DelegatingResultSetMetaData((ResultSetMetaData) d)));
    }

    private static List<Method> interfaceMethods(Subject subject) {
        List<Method> methods = new ArrayList<>(Arrays.asList(subject.jdbcInterface().getMethods()));
        methods.sort(Comparator.comparing(Method::getName).thenComparing(m -> Arrays.toString(m.getParameterTypes())));
        return methods;
    }

    // ---------------------------------------------------------------------------------------------------------
    // every method is declared by the wrapper, and forwards

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void everyInterfaceMethodIsOverriddenByTheWrapper(Subject subject) throws NoSuchMethodException {
        assertThat(subject.jdbcInterface().isAssignableFrom(subject.wrapperClass())).isTrue();
        assertThat(Modifier.isAbstract(subject.wrapperClass().getModifiers())).isFalse();
        List<String> notOverridden = new ArrayList<>();
        for (Method m : interfaceMethods(subject)) {
            Method declared = subject.wrapperClass().getMethod(m.getName(), m.getParameterTypes());
            if (declared.getDeclaringClass().isInterface()) {
                notOverridden.add(m.toGenericString());
            }
        }
        assertThat(notOverridden).as("interface methods %s does not override", subject).isEmpty();
    }

    @TestFactory
    Stream<DynamicContainer> everyInterfaceMethodForwardsToTheDelegateWithTheSameArguments() {
        return subjects().map(subject -> DynamicContainer.dynamicContainer(subject.toString(),
                interfaceMethods(subject).stream()
                        .filter(m -> !m.getName().equals("unwrap") && !m.getName().equals("isWrapperFor"))
                        .map(m -> DynamicTest.dynamicTest(signature(m), () -> assertForwards(subject, m)))));
    }

    private void assertForwards(Subject subject, Method method) throws Throwable {
        Recorder recorder = new Recorder("delegate");
        Object delegate = recorder.proxyFor(subject.jdbcInterface());
        Object wrapper = subject.factory().apply(delegate);
        Object[] args = arguments(method.getParameterTypes());

        Object result;
        try {
            result = method.invoke(wrapper, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }

        assertThat(recorder.calls).as("calls on the delegate").hasSize(1);
        Call call = recorder.calls.get(0);
        assertThat(signature(call.method())).isEqualTo(signature(method));
        assertThat(call.args()).as("arguments").hasSameSizeAs(args);
        for (int i = 0; i < args.length; i++) {
            if (method.getParameterTypes()[i].isPrimitive()) {
                assertThat(call.args()[i]).as("argument %d", i).isEqualTo(args[i]);
            } else {
                assertThat(call.args()[i]).as("argument %d", i).isSameAs(args[i]);
            }
        }
        assertThat(recorder.objectMethodCalls).as("Object methods called on the delegate").isEmpty();

        Class<?> returnType = method.getReturnType();
        if (returnType == void.class) {
            return;
        }
        if (JDBC_OBJECT_TYPES.contains(returnType)) {
            assertStaysWrapped(wrapper, returnType, result, call.returned());
        } else if (returnType.isPrimitive()) {
            assertThat(result).isEqualTo(call.returned());
        } else {
            assertThat(result).isSameAs(call.returned());
        }
    }

    private void assertStaysWrapped(Object wrapper, Class<?> returnType, Object result, Object raw) {
        assertThat(result).as("a wrapper, not the driver's object").isNotSameAs(raw).isNotNull();
        if (returnType == Connection.class) {
            assertThat(result).isSameAs(wrapper instanceof DelegatingConnection ? wrapper : parentConnection);
        } else if (returnType == ResultSet.class) {
            assertThat(result).isInstanceOf(DelegatingResultSet.class);
            DelegatingResultSet rs = (DelegatingResultSet) result;
            assertThat(rs.delegate).isSameAs(raw);
            assertThat(rs.statement).isSameAs(wrapper instanceof DelegatingStatement ? wrapper : null);
        } else if (returnType == Statement.class && wrapper instanceof DelegatingResultSet) {
            assertThat(result).isSameAs(parentStatement);
        } else if (returnType == Statement.class || returnType == PreparedStatement.class
                || returnType == CallableStatement.class) {
            Class<?> expected = returnType == Statement.class ? DelegatingStatement.class
                    : returnType == PreparedStatement.class ? DelegatingPreparedStatement.class
                    : DelegatingCallableStatement.class;
            assertThat(result).isExactlyInstanceOf(expected);
            DelegatingStatement st = (DelegatingStatement) result;
            assertThat(st.delegate).isSameAs(raw);
            assertThat(st.connection).isSameAs(wrapper);
            if (st instanceof DelegatingPreparedStatement ps) {
                assertThat(ps.preparedDelegate).isSameAs(raw);
            }
            if (st instanceof DelegatingCallableStatement cs) {
                assertThat(cs.callableDelegate).isSameAs(raw);
            }
        } else if (returnType == DatabaseMetaData.class) {
            assertThat(result).isInstanceOf(DelegatingDatabaseMetaData.class);
            assertThat(((DelegatingDatabaseMetaData) result).delegate).isSameAs(raw);
            assertThat(((DelegatingDatabaseMetaData) result).connection).isSameAs(wrapper);
        } else if (returnType == ResultSetMetaData.class) {
            assertThat(result).isInstanceOf(DelegatingResultSetMetaData.class);
            assertThat(((DelegatingResultSetMetaData) result).delegate).isSameAs(raw);
        } else {
            fail("no expectation for " + returnType);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // unwrap / isWrapperFor

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void unwrapReturnsTheWrapperThenTheDelegateThenAsksTheDelegate(Subject subject) throws SQLException {
        DeepVendorExtension deep = new DeepVendorExtension() {
        };
        Object delegate = Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {subject.jdbcInterface(), VendorExtension.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "unwrap":
                            if (args[0] == DeepVendorExtension.class) {
                                return deep;
                            }
                            throw new SQLException("not a wrapper for " + args[0]);
                        case "isWrapperFor":
                            return args[0] == DeepVendorExtension.class;
                        default:
                            return objectMethodOrDefault(proxy, method, args, "delegate");
                    }
                });
        Wrapper wrapper = (Wrapper) subject.factory().apply(delegate);

        assertThat(wrapper.unwrap(subject.jdbcInterface())).isSameAs(wrapper);
        assertThat(wrapper.unwrap(subject.wrapperClass())).isSameAs(wrapper);
        assertThat(wrapper.unwrap(Wrapper.class)).isSameAs(wrapper);
        assertThat(wrapper.isWrapperFor(subject.jdbcInterface())).isTrue();
        assertThat(wrapper.isWrapperFor(subject.wrapperClass())).isTrue();

        assertThat(wrapper.unwrap(VendorExtension.class)).isSameAs(delegate);
        assertThat(wrapper.isWrapperFor(VendorExtension.class)).isTrue();

        assertThat(wrapper.unwrap(DeepVendorExtension.class)).isSameAs(deep);
        assertThat(wrapper.isWrapperFor(DeepVendorExtension.class)).isTrue();

        assertThatThrownBy(() -> wrapper.unwrap(Runnable.class)).isInstanceOf(SQLException.class);
        assertThat(wrapper.isWrapperFor(Runnable.class)).isFalse();
    }

    @Test
    void unwrapOfASuperInterfaceOnAStatementSubclassReturnsTheWrapper() throws SQLException {
        DelegatingConnection connection = new DelegatingConnection(deepStub(Connection.class));
        CallableStatement call = connection.prepareCall("{call f(?)}");

        assertThat(call.unwrap(PreparedStatement.class)).isSameAs(call);
        assertThat(call.unwrap(Statement.class)).isSameAs(call);
        assertThat(call.unwrap(DelegatingStatement.class)).isSameAs(call);
    }

    // ---------------------------------------------------------------------------------------------------------
    // objects handed out stay wrapped

    @Test
    void objectsHandedOutPointBackToTheirWrappers() throws SQLException {
        DelegatingConnection connection = new DelegatingConnection(deepStub(Connection.class));

        Statement statement = connection.createStatement();
        assertThat(statement).isExactlyInstanceOf(DelegatingStatement.class);
        assertThat(statement.getConnection()).isSameAs(connection);
        assertThat(statement.executeQuery("select 1").getStatement()).isSameAs(statement);
        assertThat(statement.getResultSet().getStatement()).isSameAs(statement);
        assertThat(statement.getGeneratedKeys().getStatement()).isSameAs(statement);

        PreparedStatement prepared = connection.prepareStatement("select ?", Statement.RETURN_GENERATED_KEYS);
        assertThat(prepared).isExactlyInstanceOf(DelegatingPreparedStatement.class);
        assertThat(prepared.getConnection()).isSameAs(connection);
        ResultSet rs = prepared.executeQuery();
        assertThat(rs.getStatement()).isSameAs(prepared);
        assertThat(rs.getMetaData()).isInstanceOf(DelegatingResultSetMetaData.class);
        assertThat(prepared.getMetaData()).isInstanceOf(DelegatingResultSetMetaData.class);
        assertThat(prepared.getGeneratedKeys().getStatement()).isSameAs(prepared);

        CallableStatement callable = connection.prepareCall("{call f(?)}");
        assertThat(callable).isExactlyInstanceOf(DelegatingCallableStatement.class);
        assertThat(callable.getConnection()).isSameAs(connection);
        assertThat(callable.executeQuery().getStatement()).isSameAs(callable);

        DatabaseMetaData metaData = connection.getMetaData();
        assertThat(metaData).isExactlyInstanceOf(DelegatingDatabaseMetaData.class);
        assertThat(metaData.getConnection()).isSameAs(connection);
        ResultSet tables = metaData.getTables(null, "public", "%", new String[] {"TABLE"});
        assertThat(tables).isInstanceOf(DelegatingResultSet.class);
        assertThat(tables.getStatement()).as("metadata result sets have no statement").isNull();
        assertThat(tables.getMetaData()).isInstanceOf(DelegatingResultSetMetaData.class);
    }

    @Test
    void nullFromTheDriverStaysNull() throws SQLException {
        DelegatingConnection connection = new DelegatingConnection(stub(Connection.class));
        assertThat(connection.createStatement()).isNull();
        assertThat(connection.prepareStatement("x")).isNull();
        assertThat(connection.prepareCall("x")).isNull();
        assertThat(connection.getMetaData()).isNull();
        assertThat(connection.wrapStatement(null)).isNull();
        assertThat(connection.wrapPreparedStatement(null, "x")).isNull();
        assertThat(connection.wrapCallableStatement(null, "x")).isNull();
        assertThat(connection.wrapMetaData(null)).isNull();

        DelegatingPreparedStatement prepared = new DelegatingPreparedStatement(connection,
                stub(PreparedStatement.class));
        assertThat(prepared.executeQuery("x")).isNull();
        assertThat(prepared.executeQuery()).isNull();
        assertThat(prepared.getResultSet()).isNull();
        assertThat(prepared.getGeneratedKeys()).isNull();
        assertThat(prepared.getMetaData()).isNull();
        assertThat(prepared.wrapResultSet(null)).isNull();
        assertThat(prepared.wrapMetaData(null)).isNull();

        DelegatingResultSet rs = new DelegatingResultSet(null, stub(ResultSet.class));
        assertThat(rs.getMetaData()).isNull();
        assertThat(rs.getStatement()).isNull();
        assertThat(rs.wrapMetaData(null)).isNull();

        DelegatingDatabaseMetaData metaData = new DelegatingDatabaseMetaData(connection, stub(DatabaseMetaData.class));
        assertThat(metaData.getTables(null, null, null, null)).isNull();
        assertThat(metaData.wrapResultSet(null)).isNull();
    }

    @Test
    void subclassesSubstituteTheirOwnWrappersThroughTheHooks() throws SQLException {
        List<String> preparedSql = new ArrayList<>();
        class CustomResultSet extends DelegatingResultSet {
            CustomResultSet(DelegatingStatement statement, ResultSet delegate) {
                super(statement, delegate);
            }
        }
        class CustomPreparedStatement extends DelegatingPreparedStatement {
            CustomPreparedStatement(DelegatingConnection connection, PreparedStatement delegate) {
                super(connection, delegate);
            }

            @Override
            protected ResultSet wrapResultSet(ResultSet raw) {
                return new CustomResultSet(this, raw);
            }
        }
        DelegatingConnection connection = new DelegatingConnection(deepStub(Connection.class)) {
            @Override
            protected PreparedStatement wrapPreparedStatement(PreparedStatement raw, String sql) {
                preparedSql.add(sql);
                return new CustomPreparedStatement(this, raw);
            }
        };

        PreparedStatement prepared = connection.prepareStatement("select ? from t", new String[] {"id"});

        assertThat(preparedSql).containsExactly("select ? from t");
        assertThat(prepared).isInstanceOf(CustomPreparedStatement.class);
        assertThat(prepared.executeQuery()).isInstanceOf(CustomResultSet.class);
        assertThat(prepared.getResultSet()).isInstanceOf(CustomResultSet.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // toString, equals, hashCode

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void toStringNeverShowsTheDelegatesString(Subject subject) {
        String secret = "INSERT INTO patients(ssn) VALUES ('123-45-6789')";
        Recorder recorder = new Recorder(secret);
        Object wrapper = subject.factory().apply(recorder.proxyFor(subject.jdbcInterface()));

        assertThat(wrapper.toString())
                .matches(subject.wrapperClass().getSimpleName() + "@[0-9a-f]+")
                .doesNotContain("6789");
        assertThat(recorder.objectMethodCalls).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void equalsAndHashCodeAreIdentityNotForwarded(Subject subject) throws NoSuchMethodException {
        Recorder recorder = new Recorder("delegate");
        Object delegate = recorder.proxyFor(subject.jdbcInterface());
        Object wrapper = subject.factory().apply(delegate);
        Object sameDelegate = subject.factory().apply(delegate);

        assertThat(subject.wrapperClass().getMethod("equals", Object.class).getDeclaringClass())
                .isEqualTo(Object.class);
        assertThat(subject.wrapperClass().getMethod("hashCode").getDeclaringClass()).isEqualTo(Object.class);
        assertThat(wrapper.equals(wrapper)).isTrue();
        assertThat(wrapper.equals(sameDelegate)).isFalse();
        assertThat(wrapper.equals(delegate)).isFalse();
        assertThat(wrapper.hashCode()).isEqualTo(System.identityHashCode(wrapper));
        assertThat(recorder.objectMethodCalls).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // plain Java only

    @Test
    void wrappersUseNoReflectionProxiesOrBytecodeGeneration() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.veil.driver.jdbc");
        classes().that().haveSimpleNameStartingWith("Delegating")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java.lang", "java.sql", "java.util",
                        "java.util.concurrent", "java.io", "java.math", "java.net", "dev.veil.driver.jdbc")
                .check(main);
    }

    // ---------------------------------------------------------------------------------------------------------
    // recording delegate and sample values

    private record Call(Method method, Object[] args, Object returned) {
    }

    /** Builds proxies that record every interface call and answer with a fresh sample of the return type. */
    private static final class Recorder {
        final List<Call> calls = new ArrayList<>();
        final List<String> objectMethodCalls = new ArrayList<>();
        private final String toStringText;

        Recorder(String toStringText) {
            this.toStringText = toStringText;
        }

        Object proxyFor(Class<?> iface) {
            InvocationHandler handler = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    objectMethodCalls.add(method.getName());
                    return objectMethodOrDefault(proxy, method, args, toStringText);
                }
                Object returned = sample(method.getReturnType(), 0, true);
                calls.add(new Call(method, args == null ? new Object[0] : args, returned));
                return returned;
            };
            return Proxy.newProxyInstance(DelegatingForwardingTest.class.getClassLoader(), new Class<?>[] {iface},
                    handler);
        }
    }

    /** A proxy answering every call with the type's default value: 0, false or null. */
    private static <T> T stub(Class<T> iface) {
        return iface.cast(Proxy.newProxyInstance(DelegatingForwardingTest.class.getClassLoader(),
                new Class<?>[] {iface},
                (proxy, method, args) -> objectMethodOrDefault(proxy, method, args, "stub " + iface.getSimpleName())));
    }

    /** A proxy answering calls that return an interface with another deep stub, everything else as {@link #stub}. */
    private static <T> T deepStub(Class<T> iface) {
        return iface.cast(Proxy.newProxyInstance(DelegatingForwardingTest.class.getClassLoader(),
                new Class<?>[] {iface}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() != Object.class && method.getReturnType().isInterface()) {
                        return deepStub(method.getReturnType());
                    }
                    return objectMethodOrDefault(proxy, method, args, "deep stub " + iface.getSimpleName());
                }));
    }

    private static Object objectMethodOrDefault(Object proxy, Method method, Object[] args, String toStringText) {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "toString":
                    return toStringText;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    throw new AssertionError(method);
            }
        }
        return defaultValue(method.getReturnType());
    }

    private static Object defaultValue(Class<?> type) {
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        return sample(type, -1, false);
    }

    private static Object[] arguments(Class<?>[] types) {
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = sample(types[i], i, true);
        }
        return args;
    }

    /**
     * A value of {@code type}; for primitives {@code seed + 1} (so 0 for seed -1 and a distinct non-zero value per
     * argument position otherwise), for interfaces a stub, for common JDBC value classes a fresh instance.
     */
    private static Object sample(Class<?> type, int seed, boolean nonDefault) {
        int n = seed + 1;
        if (type == void.class) {
            return null;
        } else if (type == boolean.class) {
            return nonDefault;
        } else if (type == int.class) {
            return n;
        } else if (type == long.class) {
            return (long) n * 1_000_000_007L;
        } else if (type == short.class) {
            return (short) n;
        } else if (type == byte.class) {
            return (byte) n;
        } else if (type == float.class) {
            return n * 1.5f;
        } else if (type == double.class) {
            return n * 2.5d;
        } else if (type == char.class) {
            return (char) ('a' + n);
        } else if (type == String.class) {
            return "value" + n;
        } else if (type == Object.class) {
            return new Object();
        } else if (type == Class.class) {
            return String.class;
        } else if (type.isArray()) {
            return java.lang.reflect.Array.newInstance(type.getComponentType(), 1);
        } else if (type == SQLType.class) {
            return JDBCType.VARCHAR;
        } else if (type.isInterface() && type != Map.class) {
            return stub(type);
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (type == Map.class) {
            return new HashMap<String, Class<?>>();
        } else if (type == Properties.class) {
            return new Properties();
        } else if (type == Calendar.class) {
            return Calendar.getInstance();
        } else if (type == BigDecimal.class) {
            return new BigDecimal("1.5");
        } else if (type == Date.class) {
            return new Date(n);
        } else if (type == Time.class) {
            return new Time(n);
        } else if (type == Timestamp.class) {
            return new Timestamp(n);
        } else if (type == SQLWarning.class) {
            return new SQLWarning("warning " + n);
        } else if (type == InputStream.class) {
            return new ByteArrayInputStream(new byte[] {(byte) n});
        } else if (type == Reader.class) {
            return new StringReader("value" + n);
        } else if (type == URL.class) {
            try {
                return new URL("http://example.invalid/" + n);
            } catch (MalformedURLException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no sample value for " + type + "; add one");
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
