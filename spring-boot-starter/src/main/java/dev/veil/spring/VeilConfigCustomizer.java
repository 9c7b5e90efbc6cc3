package dev.veil.spring;

import dev.veil.driver.config.VeilConfig;

/**
 * Adds to the {@link VeilConfig.Builder} the starter fills from {@code veil.*} properties, the YAML file and the
 * {@code @Encrypted} entity fields, before {@code build()} validates it. Declare beans of this type to add columns
 * programmatically, or blind indexes ({@code builder.blindIndex(new BlindIndexSpec(…))}). Called in {@code @Order} order,
 * after the YAML and annotations and before the individual {@code veil.*} settings are applied.
 */
@FunctionalInterface
public interface VeilConfigCustomizer {

    void customize(VeilConfig.Builder builder);
}
