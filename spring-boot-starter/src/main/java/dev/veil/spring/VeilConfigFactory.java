package dev.veil.spring;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.VeilConfigSources;
import dev.veil.driver.config.VeilProperty;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Builds the one {@link VeilConfig} the way the driver does ({@link VeilConfigSources}): the Spring properties
 * {@code veil.*} are the catalogue's ({@link VeilProperty}), read as text and parsed by the same grammar as JDBC
 * properties; the {@code @Encrypted} classes are the ones JPA already manages, so Veil and Hibernate read one list.
 */
final class VeilConfigFactory {

    /** Bean names of Spring Boot's {@code EntityScanPackages} (3.x and 4.x packages). */
    private static final List<String> ENTITY_SCAN_BEANS = List.of(
            "org.springframework.boot.persistence.autoconfigure.EntityScanPackages",
            "org.springframework.boot.autoconfigure.domain.EntityScanPackages");
    private static final String MANAGED_TYPES = "org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes";

    private VeilConfigFactory() {
    }

    static VeilConfig create(Environment environment, BeanFactory beanFactory, ClassLoader loader,
            Collection<VeilConfigCustomizer> customizers) {
        UnknownVeilSettings.warn(environment);
        Map<String, String> settings = settings(environment);
        List<String> managed = null;
        if (!settings.containsKey(VeilProperty.ENTITY_PACKAGES.key())) {
            managed = managedClassNames(beanFactory, loader);
            List<String> packages = managed == null ? springEntityPackages(beanFactory) : List.of();
            if (!packages.isEmpty()) {
                settings.put(VeilProperty.ENTITY_PACKAGES.key(), String.join(",", packages));
            }
        }
        VeilConfigSources sources = VeilConfigSources.of(settings, "Spring properties veil.*").classLoader(loader)
                .noSourceHint("in application.properties, or use @SpringBootApplication / @EntityScan so the entity "
                        + "packages are known")
                .customizer(b -> customizers.forEach(c -> c.customize(b)));
        if (managed != null) {
            sources.entityClasses(managed, "JPA's managed types (PersistenceManagedTypes)");
        }
        return sources.build();
    }

    /**
     * Every catalogue setting present in the environment, under the name it was given (current or former), as text;
     * Spring's relaxed binding applies to the names (environment variables, {@code veil.keyCache.ttl}), and lists are
     * joined with commas.
     */
    static Map<String, String> settings(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> out = new LinkedHashMap<>();
        for (VeilProperty p : VeilProperty.values()) {
            for (String name : p.names()) {
                String value = p.kind() == VeilProperty.Kind.LIST
                        ? binder.bind(name, Bindable.listOf(String.class)).map(l -> String.join(",", l)).orElse(null)
                        : binder.bind(name, String.class).orElse(null);
                if (value != null && !value.isBlank()) {
                    out.put(name, value);
                }
            }
        }
        return out;
    }

    /** The class names of JPA's {@code PersistenceManagedTypes} bean, or null when there is none. */
    private static List<String> managedClassNames(BeanFactory beanFactory, ClassLoader loader) {
        if (!ClassUtils.isPresent(MANAGED_TYPES, loader)) {
            return null;
        }
        return ManagedTypes.classNames(beanFactory);
    }

    /** Loaded only when spring-orm is present. */
    private static final class ManagedTypes {
        static List<String> classNames(BeanFactory beanFactory) {
            org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes types = beanFactory
                    .getBeanProvider(org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes.class)
                    .getIfUnique();
            return types == null ? null : List.copyOf(types.getManagedClassNames());
        }
    }

    /**
     * Where Spring Boot looks for entities when JPA is not there to list them: the {@code @EntityScan} packages, else
     * the auto-configuration packages ({@code @SpringBootApplication}'s).
     */
    static List<String> springEntityPackages(BeanFactory beanFactory) {
        Set<String> out = new LinkedHashSet<>();
        for (String bean : ENTITY_SCAN_BEANS) {
            if (beanFactory.containsBean(bean)) {
                Object names = new BeanWrapperImpl(beanFactory.getBean(bean)).getPropertyValue("packageNames");
                if (names instanceof Collection<?> c) {
                    c.forEach(n -> out.add(String.valueOf(n)));
                }
            }
        }
        if (out.isEmpty() && AutoConfigurationPackages.has(beanFactory)) {
            out.addAll(AutoConfigurationPackages.get(beanFactory));
        }
        return new ArrayList<>(out);
    }
}
