/**
 * Loaders that fill a {@link dev.veil.driver.config.VeilConfig.Builder}: {@link dev.veil.driver.config.YamlConfigLoader}
 * ({@code veil.config}) and {@link dev.veil.driver.config.AnnotationConfigLoader} ({@code veil.entity-packages}).
 * They only translate their source into builder calls; every rule lives in
 * {@link dev.veil.driver.config.VeilConfig.Builder#build()}. The reference is {@code docs/configuration.md}.
 */
package dev.veil.driver.config;
