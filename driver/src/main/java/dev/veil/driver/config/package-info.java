/**
 * The configuration: {@link dev.veil.driver.config.VeilConfig}, the one immutable model built and validated by its
 * {@link dev.veil.driver.config.VeilConfig.Builder}, and the loaders that fill a builder:
 * {@link dev.veil.driver.config.YamlConfigLoader} ({@code veil.config}) and
 * {@link dev.veil.driver.config.AnnotationConfigLoader} ({@code veil.entity-packages}). The loaders only translate
 * their source into builder calls; every rule lives in {@link dev.veil.driver.config.VeilConfig.Builder#build()}.
 * The only package importing SnakeYAML. Below the SQL layer, above {@code schema}. The reference is
 * {@code docs/configuration.md}; the layers are in {@code docs/architecture.md}.
 */
package dev.veil.driver.config;
