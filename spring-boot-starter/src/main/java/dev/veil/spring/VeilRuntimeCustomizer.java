package dev.veil.spring;

import dev.veil.driver.runtime.VeilRuntime;

/**
 * Called once for each {@link VeilRuntime} behind a Veil DataSource bean (one the starter wrapped, or a
 * {@code VeilDataSource} bean of the application), before the DataSource is handed out; attach listeners here. The
 * starter's metrics and health indicator are such customizers.
 */
@FunctionalInterface
public interface VeilRuntimeCustomizer {

    void customize(VeilRuntime runtime);
}
