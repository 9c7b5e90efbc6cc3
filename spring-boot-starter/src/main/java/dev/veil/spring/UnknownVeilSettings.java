package dev.veil.spring;

import dev.veil.driver.config.VeilProperty;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Names under {@code veil.} in the application's configuration that neither the settings catalogue
 * ({@link VeilProperty}, current and former names) nor the starter ({@link VeilProperties}) knows: a typo such as
 * {@code veil.key-cache.tll} would otherwise be ignored without a word (a JDBC URL refuses unknown names; Spring's
 * binding does not). Each is logged once per JVM as a WARNING, with the setting it most likely meant, never its value.
 * Names are compared as Spring binds them (relaxed: {@code veil.keyCache.ttl} is {@code veil.key-cache.ttl}; list
 * indexes ignored). Environment variables are left out (their mapping to dotted names is ambiguous), and so are JVM
 * system properties (Veil's JVM-wide switches such as {@code -Dveil.warm-up} and tools' own flags live there).
 */
final class UnknownVeilSettings {

    private static final System.Logger LOG = System.getLogger(UnknownVeilSettings.class.getName());
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final ConfigurationPropertyName VEIL = ConfigurationPropertyName.of("veil");
    /** The starter's own settings ({@link VeilProperties}). */
    private static final List<String> STARTER = List.of("veil.enabled", "veil.wrap-data-source",
            "veil.allow-plaintext-data-source", "veil.schema.validate", "veil.schema.plaintext-check",
            "veil.schema.plaintext-sample-size");
    /** The starter's per-column map ({@code veil.allow-legacy-plaintext.<table>.<column>}). */
    private static final ConfigurationPropertyName STARTER_MAP = ConfigurationPropertyName.of(
            "veil.allow-legacy-plaintext");

    private UnknownVeilSettings() {
    }

    /** The unknown names, as written in the configuration, in the order the sources list them. */
    static List<String> of(Environment environment) {
        List<String> out = new ArrayList<>();
        if (!(environment instanceof ConfigurableEnvironment)) {
            return out;
        }
        Set<ConfigurationPropertyName> known = new HashSet<>();
        STARTER.forEach(n -> known.add(ConfigurationPropertyName.of(n)));
        for (VeilProperty p : VeilProperty.values()) {
            p.names().forEach(n -> known.add(ConfigurationPropertyName.of(n)));
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource)
                    || source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource
                    || isSystemProperties(source.getUnderlyingSource())) {
                continue;
            }
            ((IterableConfigurationPropertySource) source).stream().forEach(name -> {
                ConfigurationPropertyName n = name;
                while (n.isLastElementIndexed()) {
                    n = n.getParent();
                }
                if (VEIL.isAncestorOf(n) && !known.contains(n) && !STARTER_MAP.isAncestorOf(n)
                        && !out.contains(name.toString())) {
                    out.add(name.toString());
                }
            });
        }
        return out;
    }

    /** JVM system properties: Veil's JVM-wide switches ({@code -Dveil.warm-up}) and tools' own live there. */
    private static boolean isSystemProperties(Object underlying) {
        return underlying instanceof PropertySource
                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(((PropertySource<?>) underlying)
                        .getName());
    }

    /** Logs each unknown name once per JVM. */
    static void warn(Environment environment) {
        for (String name : of(environment)) {
            if (WARNED.add(name)) {
                VeilProperty meant = VeilProperty.meant(name);
                LOG.log(System.Logger.Level.WARNING, "Veil: unknown setting " + name + " is ignored"
                        + (meant == null ? "" : "; did you mean " + meant.key() + "?"));
            }
        }
    }
}
