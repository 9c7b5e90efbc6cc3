/**
 * {@link dev.veil.driver.error.VeilSqlState}: every SQLState Veil raises and the exception type it is raised with.
 * The bottom layer: every other package of the driver raises these states, and this package imports nothing of Veil.
 * Supported API.
 */
package dev.veil.driver.error;
