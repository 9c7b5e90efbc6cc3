package dev.veil.driver;

import dev.veil.driver.config.AnnotationConfigLoader;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.config.VeilProperty;
import dev.veil.driver.config.YamlConfigLoader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds the one {@link VeilConfig} from Veil's settings, for the driver, the CLI and the Spring Boot starter alike:
 * the YAML file of {@code veil.config}, then the {@code @Encrypted} classes ({@code veil.entity-packages}, or the
 * class list a framework already holds), then any customizers, then every other setting of the catalogue
 * ({@link VeilProperty}), which overrides the YAML. A configuration with no source at all is refused here, once.
 */
public final class VeilConfigSources {

    private final Map<String, String> settings;
    private final String source;
    private ClassLoader loader;
    private Collection<String> entityClasses;
    private String entityClassesOrigin;
    private String noSourceHint = "in the URL or the properties";
    private Consumer<VeilConfig.Builder> customizer = b -> { };

    private VeilConfigSources(Map<String, String> settings, String source) {
        this.settings = Map.copyOf(settings);
        this.source = source;
    }

    /**
     * @param settings {@code veil.*} names (current or former) and their values as text
     * @param source what the settings are, for messages ({@code JDBC properties}, {@code Spring properties veil.*})
     */
    public static VeilConfigSources of(Map<String, String> settings, String source) {
        return new VeilConfigSources(settings, Objects.requireNonNull(source, "source"));
    }

    /** The class loader for {@code classpath:} YAML and the entity classes; null for the context class loader. */
    public VeilConfigSources classLoader(ClassLoader loader) {
        this.loader = loader;
        return this;
    }

    /**
     * The entity classes a framework already knows (JPA's managed types), read instead of scanning packages when
     * {@code veil.entity-packages} is not set. A list, even an empty one, counts as a source.
     *
     * @param origin what listed them, for messages
     */
    public VeilConfigSources entityClasses(Collection<String> classNames, String origin) {
        this.entityClasses = classNames == null ? null : List.copyOf(classNames);
        this.entityClassesOrigin = origin;
        return this;
    }

    /** Where the user sets {@code veil.config}, for the "nothing to encrypt" message. */
    public VeilConfigSources noSourceHint(String hint) {
        this.noSourceHint = hint;
        return this;
    }

    /** Runs after the YAML and the annotations are read and before the other settings apply. */
    public VeilConfigSources customizer(Consumer<VeilConfig.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    /** Reads every source into one builder and builds it; {@link VeilConfigException} on any error. */
    public VeilConfig build() {
        VeilConfig.Builder builder = VeilConfig.builder().source(source);
        ClassLoader cl = loader;
        if (cl == null) {
            cl = Thread.currentThread().getContextClassLoader();
        }
        if (cl == null) {
            cl = VeilConfigSources.class.getClassLoader();
        }
        String yaml = value(VeilProperty.CONFIG);
        if (yaml != null) {
            YamlConfigLoader.load(yaml, cl, builder);
        }
        @SuppressWarnings("unchecked")
        List<String> packages = value(VeilProperty.ENTITY_PACKAGES) == null ? List.of()
                : (List<String>) VeilProperty.ENTITY_PACKAGES.parse(value(VeilProperty.ENTITY_PACKAGES),
                        VeilProperty.ENTITY_PACKAGES.key());
        if (!packages.isEmpty()) {
            AnnotationConfigLoader.scan(packages, cl, builder);
        } else if (entityClasses != null) {
            AnnotationConfigLoader.classes(entityClasses, entityClassesOrigin, cl, builder);
        }
        if (yaml == null && packages.isEmpty() && entityClasses == null) {
            throw new VeilConfigException("Veil has nothing to encrypt: set veil.config (a YAML file) and/or "
                    + "veil.entity-packages (packages with @Encrypted classes) " + noSourceHint);
        }
        customizer.accept(builder);
        VeilProperty.applyAll(settings, builder);
        return builder.build();
    }

    private String value(VeilProperty p) {
        String v = settings.get(p.key());
        return v == null || v.isBlank() ? null : v.trim();
    }
}
