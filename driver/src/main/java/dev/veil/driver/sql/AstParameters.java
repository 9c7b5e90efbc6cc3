package dev.veil.driver.sql;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.jsqlparser.expression.JdbcParameter;

/**
 * Every {@code ?} of a statement, wherever JSqlParser keeps it: a walk over the AST's fields (JSqlParser has no
 * visitor that reaches every parameter). Once per SQL text: to check the parser's count against the lexer's, and
 * to renumber a rewritten statement.
 */
final class AstParameters {

    private static final ConcurrentHashMap<Class<?>, List<Field>> AST_FIELDS = new ConcurrentHashMap<>();

    private AstParameters() {
    }

    static List<JdbcParameter> of(Object root) {
        List<JdbcParameter> out = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            if (o instanceof JdbcParameter) {
                out.add((JdbcParameter) o);
            } else if (o instanceof Collection) {
                for (Object e : (Collection<?>) o) {
                    if (e != null) {
                        todo.push(e);
                    }
                }
            } else if (o instanceof Map) {
                for (Object e : ((Map<?, ?>) o).values()) {
                    if (e != null) {
                        todo.push(e);
                    }
                }
            } else if (o instanceof Object[]) {
                for (Object e : (Object[]) o) {
                    if (e != null) {
                        todo.push(e);
                    }
                }
            } else {
                String n = o.getClass().getName();
                if (!n.startsWith("net.sf.jsqlparser.") || n.startsWith("net.sf.jsqlparser.parser.")) {
                    continue;
                }
                for (Field f : AST_FIELDS.computeIfAbsent(o.getClass(), AstParameters::fields)) {
                    try {
                        Object v = f.get(o);
                        if (v != null) {
                            todo.push(v);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return out;
    }

    private static List<Field> fields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive() || f.getType() == String.class
                        || f.getType().isEnum()) {
                    continue;
                }
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }
}
