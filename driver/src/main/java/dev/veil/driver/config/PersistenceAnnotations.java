package dev.veil.driver.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Jakarta Persistence (or legacy {@code javax.persistence}) annotations by class name, so that the driver
 * works when neither API is on the class path: annotations whose type cannot be loaded are simply not reported by
 * reflection.
 */
final class PersistenceAnnotations {

    private static final String[] PACKAGES = {"jakarta.persistence.", "javax.persistence."};

    private PersistenceAnnotations() {
    }

    /** The annotation {@code simpleName} (e.g. {@code Table}) declared directly on {@code element}, or null. */
    static Annotation find(AnnotatedElement element, String simpleName) {
        for (Annotation a : element.getDeclaredAnnotations()) {
            if (is(a, simpleName)) {
                return a;
            }
        }
        return null;
    }

    static boolean has(AnnotatedElement element, String simpleName) {
        return find(element, simpleName) != null;
    }

    static boolean is(Annotation a, String simpleName) {
        String n = a.annotationType().getName();
        for (String p : PACKAGES) {
            if (n.length() == p.length() + simpleName.length() && n.startsWith(p) && n.endsWith(simpleName)) {
                return true;
            }
        }
        return false;
    }

    /** The annotation's attribute {@code name}. */
    static Object attribute(Annotation a, String name) {
        try {
            return a.annotationType().getMethod(name).invoke(a);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + a.annotationType().getName() + "#" + name, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + a.annotationType().getName() + "#" + name, e.getCause());
        }
    }

    /** A text attribute, or null when it is empty (the JPA "not set" value). */
    static String text(Annotation a, String name) {
        Object v = a == null ? null : attribute(a, name);
        return v instanceof String && !((String) v).isBlank() ? ((String) v).trim() : null;
    }

    /** {@code @AttributeOverride} annotations on {@code element}, single or inside {@code @AttributeOverrides}. */
    static List<Annotation> attributeOverrides(AnnotatedElement element) {
        List<Annotation> out = new ArrayList<>();
        for (Annotation a : element.getDeclaredAnnotations()) {
            if (is(a, "AttributeOverride")) {
                out.add(a);
            } else if (is(a, "AttributeOverrides")) {
                for (Object o : (Object[]) attribute(a, "value")) {
                    out.add((Annotation) o);
                }
            }
        }
        return out;
    }
}
