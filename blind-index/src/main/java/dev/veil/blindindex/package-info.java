/**
 * Blind indexes: deterministic, keyed, truncated fingerprints of (normalized) values, stored in companion
 * columns so equality queries work on encrypted columns.
 *
 * <ul>
 *   <li>{@link dev.veil.blindindex.BlindIndexDefinition} — the immutable configuration model of one index;</li>
 *   <li>{@link dev.veil.blindindex.BlindIndexer} — computes index values through the index's PRF key from a
 *       {@link dev.veil.key.KeyRing};</li>
 *   <li>{@link dev.veil.blindindex.Normalizer}, {@link dev.veil.blindindex.StandardNormalizer},
 *       {@link dev.veil.blindindex.NormalizerRegistry} — normalizers and the custom-normalizer SPI;</li>
 *   <li>{@link dev.veil.blindindex.Argon2idCost} — the slow mode's cost;</li>
 *   <li>{@link dev.veil.blindindex.LeakageGuidance}, {@link dev.veil.blindindex.LeakageReport},
 *       {@link dev.veil.blindindex.ColumnStatistics} — sizing and leakage advice.</li>
 * </ul>
 * The byte format is internal ({@code CanonicalEncoder}) and documented in {@code docs/blind-index.md}.
 */
package dev.veil.blindindex;
