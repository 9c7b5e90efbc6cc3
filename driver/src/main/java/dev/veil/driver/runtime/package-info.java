/**
 * What Veil keeps per database and configuration, shared by all its connections:
 * {@link dev.veil.driver.runtime.VeilRuntime} (key ring, one cipher per column, plan cache) with the catalog watch
 * that keeps its plans current, and {@link dev.veil.driver.runtime.VeilListener} for metrics. Used by the facade and
 * the JDBC wrappers; uses the SQL layer, the configuration and the codec. {@code VeilListener} and the
 * operational methods of {@code VeilRuntime} are supported API (README, "Public API"); the rest is internal.
 */
package dev.veil.driver.runtime;
