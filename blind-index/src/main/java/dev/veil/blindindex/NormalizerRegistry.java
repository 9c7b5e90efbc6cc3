package dev.veil.blindindex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * An immutable map from configuration name to {@link Normalizer}: the built-ins ({@link StandardNormalizer})
 * plus custom ones. {@link BlindIndexDefinition.Builder#normalize(String...)} resolves names through one.
 *
 * <p>Two ways to add a custom normalizer, both without static mutable state:
 * <ul>
 *   <li>{@link java.util.ServiceLoader}: list it in {@code META-INF/services/dev.veil.blindindex.Normalizer};
 *       {@link #standard()} finds it (this module's class loader, then the thread's context class loader);</li>
 *   <li>programmatically: {@code NormalizerRegistry.builder().add(new MyNormalizer()).build()} and pass the
 *       registry to the definition builder.</li>
 * </ul>
 * A name may be registered once; built-in names cannot be replaced.
 */
public final class NormalizerRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final Map<String, Normalizer> byName;

    private NormalizerRegistry(Map<String, Normalizer> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** The built-ins plus every {@link Normalizer} found by {@link ServiceLoader}. Looks the services up on each call. */
    public static NormalizerRegistry standard() {
        Builder b = builder();
        ClassLoader own = Normalizer.class.getClassLoader();
        ServiceLoader.load(Normalizer.class, own).forEach(b::addIfAbsentClass);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != own) {
            ServiceLoader.load(Normalizer.class, context).forEach(b::addIfAbsentClass);
        }
        return b.build();
    }

    /** The built-ins only (no class-path scan). */
    public static NormalizerRegistry builtIns() {
        return builder().build();
    }

    /** A builder that starts with the built-ins. */
    public static Builder builder() {
        return new Builder();
    }

    /** The normalizer registered under {@code name}, if any. */
    public Optional<Normalizer> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Registered names, built-ins first. */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    @Override
    public String toString() {
        return "NormalizerRegistry" + byName.keySet();
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Collects normalizers; {@link #build()} gives the immutable registry. */
    public static final class Builder {
        private final Map<String, Normalizer> byName = new LinkedHashMap<>();

        private Builder() {
            StandardNormalizer.ALL.forEach(n -> byName.put(n.name(), n));
        }

        /**
         * Registers a custom normalizer.
         *
         * @throws IllegalArgumentException when the name is malformed, built in, or already registered
         */
        public Builder add(Normalizer normalizer) {
            Objects.requireNonNull(normalizer, "normalizer");
            String name = normalizer.name();
            if (!validName(name)) {
                throw new IllegalArgumentException("normalizer " + normalizer.getClass().getName() + " has name '"
                        + name + "': use lower-case letters, digits and '-', starting with a letter, at most 63");
            }
            Normalizer existing = byName.get(name);
            if (existing != null) {
                throw new IllegalArgumentException("normalizer name '" + name + "' of " + normalizer.getClass().getName()
                        + " is already taken by " + (existing instanceof StandardNormalizer ? "a built-in normalizer"
                                : existing.getClass().getName()) + "; choose another name");
            }
            byName.put(name, normalizer);
            return this;
        }

        private void addIfAbsentClass(Normalizer normalizer) {
            boolean seen = byName.values().stream().anyMatch(n -> n.getClass() == normalizer.getClass());
            if (!seen) {
                add(normalizer);
            }
        }

        public NormalizerRegistry build() {
            return new NormalizerRegistry(byName);
        }
    }
}
