package dev.veil.driver.config;

import dev.veil.annotation.Encrypted;
import dev.veil.annotation.Pad;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.codec.Padding;
import dev.veil.driver.codec.ValueType;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Adds a column to a {@link VeilConfig.Builder} for every field or getter carrying {@link Encrypted} in the classes
 * of some packages ({@code veil.entity-packages}). Jakarta Persistence annotations ({@code @Table}, {@code @Column},
 * {@code @Entity}, {@code @MappedSuperclass}, {@code @Embeddable}, {@code @Embedded}, {@code @AttributeOverride},
 * {@code @Inheritance}) are read by name when present; the persistence API need not be on the class path. Classes
 * are loaded without being initialized. The mapping rules are documented in {@code docs/configuration.md}.
 */
public final class AnnotationConfigLoader {

    private static final System.Logger LOG = System.getLogger(AnnotationConfigLoader.class.getName());
    private static final Map<Class<?>, Class<?>> BOXED = Map.of(boolean.class, Boolean.class, short.class,
            Short.class, int.class, Integer.class, long.class, Long.class, float.class, Float.class,
            double.class, Double.class);

    private final ClassLoader loader;
    private final VeilConfig.Builder into;
    /** What listed the classes, for messages: {@code veil.entity-packages} or a framework's entity list. */
    private final String listedBy;
    private final Set<Class<?>> mapped = new HashSet<>();
    private int columns;

    private AnnotationConfigLoader(ClassLoader loader, VeilConfig.Builder into, String listedBy) {
        this.loader = loader;
        this.into = into;
        this.listedBy = listedBy;
    }

    /**
     * Adds every {@code @Encrypted} field and getter of the named classes (and of what they extend and embed) to
     * {@code into}: the entity list a framework already holds (JPA's managed types under Spring), so that Veil and
     * the framework read the same classes. No class path is scanned.
     *
     * @param listedBy what listed them, for messages
     * @param loader the class loader to load them with; null for the thread's context class loader
     * @throws VeilConfigException when a class cannot be loaded or an {@code @Encrypted} member is invalid
     */
    public static void classes(Collection<String> classNames, String listedBy, ClassLoader loader,
            VeilConfig.Builder into) {
        ClassLoader cl = loader != null ? loader : YamlDocument.defaultLoader();
        AnnotationConfigLoader reader = new AnnotationConfigLoader(cl, into, listedBy);
        for (String name : new java.util.TreeSet<>(classNames)) {
            reader.consider(name);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> listedBy + ": " + classNames.size() + " classes, " + reader.columns
                + " @Encrypted columns");
    }

    /**
     * Scans {@code packageNames} and their sub-packages and adds every {@code @Encrypted} field and getter to
     * {@code into}.
     *
     * @param loader the class loader whose class path is scanned; null for the thread's context class loader
     * @throws VeilConfigException when a package holds no class, a class cannot be loaded, or an
     *         {@code @Encrypted} member has an unsupported type or is not a persistent property
     */
    public static void scan(Collection<String> packageNames, ClassLoader loader, VeilConfig.Builder into) {
        ClassLoader cl = loader != null ? loader : YamlDocument.defaultLoader();
        AnnotationConfigLoader scanner = new AnnotationConfigLoader(cl, into, "veil.entity-packages");
        Set<String> classNames = new LinkedHashSet<>();
        for (String raw : packageNames) {
            String pkg = raw == null ? "" : raw.trim();
            if (!pkg.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                    + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*")) {
                throw new VeilConfigException("veil.entity-packages: '" + raw + "' is not a Java package name. "
                        + "List packages separated by commas, e.g. veil.entity-packages=com.acme.model,com.acme.billing");
            }
            ClassPathScanner.Result found = ClassPathScanner.scan(pkg, cl);
            if (found.classNames().isEmpty()) {
                throw new VeilConfigException("veil.entity-packages=" + pkg + " found no classes: class loader "
                        + YamlDocument.describe(cl) + " sees no class in " + pkg + " or its sub-packages ("
                        + found.scanned().size() + " class path elements and modules scanned). Check the package "
                        + "name's spelling and that its classes are on this class loader's class path or module path; "
                        + "a package that finds nothing would silently encrypt nothing");
            }
            classNames.addAll(found.classNames());
        }
        for (String name : classNames) {
            scanner.consider(name);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "veil.entity-packages=" + String.join(",", packageNames) + ": "
                + classNames.size() + " classes, " + scanner.columns + " @Encrypted columns");
    }

    private void consider(String className) {
        Class<?> c;
        try {
            c = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new VeilConfigException(listedBy + ": cannot load " + className + " (" + e + "). Add its "
                    + "missing dependencies to the class path, or move the class out of the scanned packages; an "
                    + "unreadable class could hide @Encrypted fields", e);
        }
        try {
            if (c.isInterface() || c.isEnum() || c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()
                    || PersistenceAnnotations.has(c, "Embeddable") || PersistenceAnnotations.has(c, "MappedSuperclass")
                    || (Modifier.isAbstract(c.getModifiers()) && !isEntity(c))) {
                return; // mapped through the entities that extend or embed them
            }
            map(c);
        } catch (LinkageError e) {
            throw new VeilConfigException(listedBy + ": cannot read the fields of " + className + " (" + e
                    + "). Add its missing dependencies to the class path; an unreadable class could hide @Encrypted "
                    + "fields", e);
        }
    }

    /** Maps a class to its table: its own members, inherited ones, and embedded ones. */
    private void map(Class<?> c) {
        if (!mapped.add(c)) {
            return;
        }
        String table = tableOf(c);
        compoundIndexes(c, table);
        Class<?> root = rootEntity(c);
        boolean tablePerClass = root != null && "TABLE_PER_CLASS".equals(inheritance(root));
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            if (k != c && isEntity(k)) {
                map(k); // an entity superclass has its own mapping
                if (!tablePerClass) {
                    break; // SINGLE_TABLE: same table; JOINED: its columns live in its own table
                }
            }
            String context = k == c ? null : "inherited by " + c.getName();
            members(k, table, "", Map.of(), context, new ArrayDeque<>());
        }
    }

    /** Adds the encrypted members of {@code k} into {@code table}, following embedded values. */
    private void members(Class<?> k, String table, String pathPrefix, Map<String, String> overrides, String context,
            Deque<Class<?>> embedding) {
        for (Field f : k.getDeclaredFields()) {
            if (!f.isSynthetic()) {
                member(f, f.getName(), f.getType(), k.getName() + "." + f.getName(), Modifier.isStatic(f.getModifiers())
                        || Modifier.isTransient(f.getModifiers()), table, pathPrefix, overrides, context, embedding);
            }
        }
        for (Method m : k.getDeclaredMethods()) {
            if (m.isSynthetic() || m.isBridge()) {
                continue;
            }
            boolean encrypted = m.isAnnotationPresent(Encrypted.class);
            // with property access only an explicit @Embedded getter embeds; other methods are not mapped
            boolean embedded = PersistenceAnnotations.has(m, "Embedded") || PersistenceAnnotations.has(m, "EmbeddedId");
            if (!encrypted && !embedded) {
                continue;
            }
            String display = k.getName() + "." + m.getName() + "()";
            String property = propertyName(m);
            if (property == null) {
                if (!encrypted) {
                    continue;
                }
                throw new VeilConfigException("@Encrypted on " + display + ": not a getter. Put @Encrypted on the field "
                        + "or on its getter (getX() or isX(), no parameters, returning the value)");
            }
            member(m, property, m.getReturnType(), display, Modifier.isStatic(m.getModifiers()), table, pathPrefix,
                    overrides, context, embedding);
        }
    }

    /** {@code @Encrypted(pad = @Pad(…))} as the same {@link Padding} YAML {@code pad:} makes. */
    private static Padding padding(Pad pad, String origin) {
        String forms = ". Write pad = @Pad(16) or pad = @Pad(buckets = Pad.Buckets.POWER_OF_TWO, max = 4096)";
        boolean bucketOptions = pad.min() != Padding.DEFAULT_MIN || pad.max() != 0
                || pad.overMax() != Pad.OverMax.REFUSE;
        try {
            if (pad.buckets() == Pad.Buckets.POWER_OF_TWO) {
                if (pad.value() != 0) {
                    throw new VeilConfigException(origin + ": @Pad has both a multiple (" + pad.value()
                            + ") and buckets" + forms);
                }
                return Padding.powerOfTwo(pad.min(), pad.max(), pad.overMax() == Pad.OverMax.REFUSE
                        ? Padding.OverMax.REFUSE : Padding.OverMax.ROUND_UP);
            }
            if (bucketOptions) {
                throw new VeilConfigException(origin + ": @Pad min, max and overMax apply to buckets = "
                        + "Pad.Buckets.POWER_OF_TWO" + forms);
            }
            return pad.value() == 0 ? Padding.NONE : Padding.multipleOf(pad.value());
        } catch (VeilConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new VeilConfigException(origin + ": " + e.getMessage() + forms);
        }
    }

    private void member(AnnotatedElement element, String property, Class<?> type, String display, boolean notPersistent,
            String table, String pathPrefix, Map<String, String> overrides, String context, Deque<Class<?>> embedding) {
        Encrypted encrypted = element.getAnnotation(Encrypted.class);
        String origin = "@Encrypted on " + display + (context == null ? "" : " (" + context + ")");
        if (encrypted == null) {
            if (element.isAnnotationPresent(dev.veil.annotation.BlindIndex.class)) {
                throw new VeilConfigException("@BlindIndex on " + display + ": the member is not @Encrypted. A blind "
                        + "index belongs to an encrypted column; add @Encrypted, or index the column in the database");
            }
            if (!notPersistent && !PersistenceAnnotations.has(element, "Transient") && isEmbedded(element, type)) {
                embed(element, property, type, display, table, pathPrefix, overrides, context, embedding);
            }
            return;
        }
        if (notPersistent || PersistenceAnnotations.has(element, "Transient")) {
            throw new VeilConfigException(origin + ": a static or transient member has no column. Remove @Encrypted, "
                    + "or make it a persistent field");
        }
        ValueType valueType = valueType(type);
        if (valueType == null) {
            throw new VeilConfigException(origin + ": type " + type.getTypeName() + " is not supported. Supported: "
                    + supportedTypes() + ". Map the value to one of these (e.g. with an AttributeConverter to String) "
                    + "or remove @Encrypted");
        }
        String path = pathPrefix + property;
        String column = overrides.get(path);
        if (column == null) {
            column = PersistenceAnnotations.text(PersistenceAnnotations.find(element, "Column"), "name");
        }
        if (column == null) {
            column = Identifiers.snakeCase(property);
        }
        String renamedFrom = encrypted.renamedFrom().isBlank() ? null : encrypted.renamedFrom().trim();
        into.column(table, column, valueType, renamedFrom, padding(encrypted.pad(), origin), origin);
        columns++;
        dev.veil.annotation.BlindIndex index = element.getAnnotation(dev.veil.annotation.BlindIndex.class);
        if (index != null) {
            String where = "@BlindIndex on " + display + (context == null ? "" : " (" + context + ")");
            into.blindIndex(new dev.veil.driver.schema.BlindIndexSpec(table, java.util.List.of(column),
                    index.name().isBlank() ? null : index.name().trim(), index.bits(), java.util.List.of(index.normalize()),
                    index.slow(), cost(index.argon2idCost(), where), index.domain(), where));
        }
    }

    /**
     * An {@code @Argon2idCost}: null when every part is 0 (the production cost, as YAML without {@code argon2id-cost}),
     * else the cost with each 0 part taken from production.
     */
    private static dev.veil.blindindex.Argon2idCost cost(dev.veil.annotation.Argon2idCost a, String where) {
        if (a.memoryKib() == 0 && a.iterations() == 0 && a.parallelism() == 0) {
            return null;
        }
        dev.veil.blindindex.Argon2idCost p = dev.veil.blindindex.Argon2idCost.PRODUCTION;
        try {
            return new dev.veil.blindindex.Argon2idCost(a.memoryKib() == 0 ? p.memoryKiB() : a.memoryKib(),
                    a.iterations() == 0 ? p.iterations() : a.iterations(),
                    a.parallelism() == 0 ? p.parallelism() : a.parallelism());
        } catch (IllegalArgumentException e) {
            throw new VeilConfigException(where + ": " + e.getMessage() + ". Write @Argon2idCost(memoryKib = 19456, "
                    + "iterations = 2, parallelism = 1) (the production cost) or leave argon2idCost out");
        }
    }

    /** Adds the {@code @CompoundBlindIndex} declarations of an entity class. */
    private void compoundIndexes(Class<?> c, String table) {
        for (dev.veil.annotation.CompoundBlindIndex index
                : c.getAnnotationsByType(dev.veil.annotation.CompoundBlindIndex.class)) {
            String where = "@CompoundBlindIndex on " + c.getName();
            into.blindIndex(new dev.veil.driver.schema.BlindIndexSpec(table, java.util.List.of(index.columns()),
                    index.name(), index.bits(), java.util.List.of(index.normalize()), index.slow(),
                    cost(index.argon2idCost(), where), index.domain(), where));
        }
        dev.veil.annotation.RowBinding binding = c.getAnnotation(dev.veil.annotation.RowBinding.class);
        if (binding != null) {
            into.rowBinding(table, java.util.List.of(binding.columns()), binding.acceptUnboundValues(),
                    "@RowBinding on " + c.getName());
        }
    }

    /** Maps the encrypted members of an embeddable value into the embedding table. */
    private void embed(AnnotatedElement element, String property, Class<?> type, String display, String table,
            String pathPrefix, Map<String, String> overrides, String context, Deque<Class<?>> embedding) {
        if (embedding.contains(type)) {
            return; // a cycle cannot be persisted; JPA refuses it
        }
        Map<String, String> nested = new HashMap<>(overrides);
        for (Annotation o : PersistenceAnnotations.attributeOverrides(element)) {
            String name = PersistenceAnnotations.text(o, "name");
            String column = PersistenceAnnotations.text((Annotation) PersistenceAnnotations.attribute(o, "column"), "name");
            if (name != null && column != null) {
                // an override written on an outer embedding wins over one written further in (JPA)
                nested.putIfAbsent(pathPrefix + property + "." + name, column);
            }
        }
        String embeddedContext = "embedded in " + display + (context == null ? "" : ", " + context);
        embedding.push(type);
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            members(k, table, pathPrefix + property + ".", nested, embeddedContext, embedding);
        }
        embedding.pop();
    }

    private static boolean isEmbedded(AnnotatedElement element, Class<?> type) {
        return PersistenceAnnotations.has(element, "Embedded") || PersistenceAnnotations.has(element, "EmbeddedId")
                || PersistenceAnnotations.has(type, "Embeddable");
    }

    private static boolean isEntity(Class<?> c) {
        return PersistenceAnnotations.has(c, "Entity");
    }

    /** The topmost {@code @Entity} in the superclass chain of an entity, or null when {@code c} is not an entity. */
    private static Class<?> rootEntity(Class<?> c) {
        Class<?> root = null;
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (isEntity(k)) {
                root = k;
            }
        }
        return isEntity(c) ? root : null;
    }

    /** The {@code @Inheritance} strategy name of a root entity; SINGLE_TABLE, the JPA default, when absent. */
    private static String inheritance(Class<?> root) {
        Annotation a = PersistenceAnnotations.find(root, "Inheritance");
        Object strategy = a == null ? null : PersistenceAnnotations.attribute(a, "strategy");
        return strategy instanceof Enum ? ((Enum<?>) strategy).name() : "SINGLE_TABLE";
    }

    /** The table of a class: single-table subclasses use the root's; else {@code @Table}, entity name or class name. */
    private static String tableOf(Class<?> c) {
        Class<?> root = rootEntity(c);
        if (root != null && root != c && "SINGLE_TABLE".equals(inheritance(root))) {
            return tableOf(root);
        }
        Annotation t = PersistenceAnnotations.find(c, "Table");
        String name = PersistenceAnnotations.text(t, "name");
        if (name == null) {
            String entityName = PersistenceAnnotations.text(PersistenceAnnotations.find(c, "Entity"), "name");
            name = Identifiers.snakeCase(entityName != null ? entityName : c.getSimpleName());
        }
        String schema = PersistenceAnnotations.text(t, "schema");
        return schema == null ? name : schema + "." + name;
    }

    /** {@code getHeartRate} → {@code heartRate}, {@code isActive} → {@code active}; null when not a getter. */
    private static String propertyName(Method m) {
        if (m.getParameterCount() != 0 || m.getReturnType() == void.class) {
            return null;
        }
        String n = m.getName();
        int prefix = n.startsWith("get") ? 3 : n.startsWith("is") && (m.getReturnType() == boolean.class
                || m.getReturnType() == Boolean.class) ? 2 : 0;
        if (prefix == 0 || n.length() == prefix || !Character.isUpperCase(n.charAt(prefix))) {
            return null;
        }
        String p = n.substring(prefix);
        // java.beans decapitalize: URLValue stays URLValue, HeartRate becomes heartRate
        if (p.length() > 1 && Character.isUpperCase(p.charAt(1))) {
            return p;
        }
        return Character.toLowerCase(p.charAt(0)) + p.substring(1);
    }

    private static ValueType valueType(Class<?> type) {
        Class<?> t = BOXED.getOrDefault(type, type);
        for (ValueType v : ValueType.values()) {
            if (v.javaType() == t) {
                return v;
            }
        }
        return null;
    }

    private static String supportedTypes() {
        StringJoiner j = new StringJoiner(", ");
        for (ValueType v : ValueType.values()) {
            String primitive = null;
            for (Map.Entry<Class<?>, Class<?>> e : BOXED.entrySet()) {
                if (e.getValue() == v.javaType()) {
                    primitive = e.getKey().getName();
                }
            }
            String name = v.javaType().getPackageName().equals("java.lang") || v.javaType().isArray()
                    ? v.javaType().getSimpleName() : v.javaType().getName();
            j.add(primitive == null ? name : primitive + "/" + name);
        }
        return j.toString();
    }
}
