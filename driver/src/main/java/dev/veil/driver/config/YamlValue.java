package dev.veil.driver.config;

import dev.veil.driver.codec.ValueType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;

/**
 * A value at a YAML path ({@code tables.patients.heart_rate.type}) with typed accessors. Every failure is a
 * {@link VeilConfigException} that starts with the file name and names the path, the line, the problem and the fix.
 */
final class YamlValue {

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final String DURATION_FORMS = Durations.FORMS;

    private final YamlDocument doc;
    private final String path;
    private final String key;
    private final Object value;
    private final Mark mark;

    YamlValue(YamlDocument doc, String path, String key, Object value, Mark mark) {
        this.doc = doc;
        this.path = path;
        this.key = key;
        this.value = value;
        this.mark = mark;
    }

    String path() {
        return path;
    }

    /** The last path segment: the key this value was written under. */
    String key() {
        return key;
    }

    boolean isNull() {
        return value == null;
    }

    boolean isMap() {
        return value instanceof Map;
    }

    /** Where this value was declared, for {@code origin}: {@code config.yml: tables.patients.ssn}. */
    String origin() {
        return doc.name() + ": " + path;
    }

    /**
     * The entries of a mapping, in file order. {@code what} says what the mapping holds, for the message when the
     * value is not a mapping.
     */
    List<YamlValue> entries(String what, String example) {
        if (!(value instanceof Map)) {
            throw fail("expected " + what + " but found " + describe(value), "Write it as " + example);
        }
        Map<?, ?> map = (Map<?, ?>) value;
        List<YamlValue> out = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Mark keyMark = doc.markOf(map, e.getKey());
            if (!(e.getKey() instanceof String)) {
                String shown = String.valueOf(e.getKey());
                throw new YamlValue(doc, child(shown), shown, e.getValue(), keyMark).fail("key " + shown
                        + " is read by YAML as " + describe(e.getKey()) + ", not as a name",
                        "Quote it ('" + shown + "'); YAML reads unquoted yes/no/on/off/true/false and numbers as values");
            }
            out.add(new YamlValue(doc, child((String) e.getKey()), (String) e.getKey(), e.getValue(), keyMark));
        }
        return out;
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A text value, with {@code ${VARIABLE}} replaced from the environment. */
    String string() {
        if (value instanceof String) {
            return interpolate((String) value);
        }
        throw fail("expected text but found " + describe(value), "Write a text value, quoted if in doubt");
    }

    boolean isList() {
        return value instanceof List;
    }

    /** A list of text values (a single text value counts as a list of one). */
    List<String> strings(String example) {
        List<String> out = new ArrayList<>();
        if (value instanceof String) {
            out.add(interpolate((String) value));
            return out;
        }
        if (!(value instanceof List)) {
            throw fail("expected a list of text values but found " + describe(value), "Write it as " + example);
        }
        int i = 0;
        for (Object item : (List<?>) value) {
            out.add(new YamlValue(doc, path + "[" + i++ + "]", key, item, mark).string());
        }
        return out;
    }

    /** The elements of a list, or this value alone when it is not a list. */
    List<YamlValue> items() {
        List<YamlValue> out = new ArrayList<>();
        if (!(value instanceof List)) {
            out.add(this);
            return out;
        }
        int i = 0;
        for (Object item : (List<?>) value) {
            out.add(new YamlValue(doc, path + "[" + i++ + "]", key, item, mark));
        }
        return out;
    }

    /** Any scalar as text (numbers and booleans as written by YAML), with {@code ${VARIABLE}} replaced. */
    String scalar() {
        if (value instanceof String) {
            return interpolate((String) value);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw fail("expected a single value but found " + describe(value), "Write a text value, quoted if in doubt");
    }

    boolean bool() {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof String) {
            String s = interpolate((String) value).trim();
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
        }
        throw fail("expected true or false but found " + describeWithValue(), "Write true or false");
    }

    long longValue() {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof String) {
            String s = interpolate((String) value).trim();
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        String fix = value instanceof BigInteger ? "Use a smaller whole number" : "Write a whole number, e.g. 10000";
        throw fail("expected a whole number but found " + describeWithValue(), fix);
    }

    Duration duration() {
        if (value instanceof Number) {
            throw fail("the duration " + value + " has no unit", "Write " + DURATION_FORMS);
        }
        if (!(value instanceof String)) {
            throw fail("expected a duration but found " + describe(value), "Write " + DURATION_FORMS);
        }
        String s = interpolate((String) value).trim();
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw fail("'" + s + "' is not a duration", "Write " + DURATION_FORMS);
        }
    }

    /** A {@link ValueType} configuration name. */
    ValueType valueType() {
        if (!(value instanceof String)) {
            throw fail("expected a type name but found " + describeWithValue(), "Write one of: " + ValueType.configNames());
        }
        String s = interpolate((String) value);
        ValueType t = ValueType.ofConfigName(s);
        if (t == null) {
            throw fail("unknown type '" + s + "'", "Write one of: " + ValueType.configNames()
                    + " (SQL aliases such as text, integer, bigint, numeric, date, timestamp, timestamptz work too), "
                    + "or remove 'type' to encrypt values of any type");
        }
        return t;
    }

    /**
     * A failure at this value. The message is {@code FILE: PATH (line N): PROBLEM. FIX}; callers never put secret
     * values into {@code problem}.
     */
    VeilConfigException fail(String problem, String fix) {
        StringBuilder sb = new StringBuilder(doc.name()).append(": ");
        if (!path.isEmpty()) {
            sb.append(path);
            if (mark != null) {
                sb.append(" (line ").append(mark.getLine() + 1).append(')');
            }
            sb.append(": ");
        }
        return new VeilConfigException(sb.append(problem).append(". ").append(fix).toString());
    }

    private String interpolate(String s) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '$' && s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && s.startsWith("${", i)) {
                int end = s.indexOf('}', i + 2);
                String variable = end < 0 ? null : s.substring(i + 2, end);
                if (variable == null || !VARIABLE.matcher(variable).matches()) {
                    throw fail("'" + s + "' has a malformed ${...} reference",
                            "Write ${NAME} with a letter, digit or underscore name, or $${ for a literal ${");
                }
                String resolved = doc.env(variable);
                if (resolved == null) {
                    throw fail("environment variable " + variable + " is not set",
                            "Set " + variable + " in the application's environment, or write the value directly");
                }
                out.append(resolved);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String describeWithValue() {
        if (value instanceof String) {
            return "'" + value + "'";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return describe(value) + " " + value;
        }
        return describe(value);
    }

    static String describe(Object v) {
        if (v == null) {
            return "no value";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "text";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof java.util.Date) {
            return "a date";
        }
        if (v instanceof byte[]) {
            return "binary data";
        }
        return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
