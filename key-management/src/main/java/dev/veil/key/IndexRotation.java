package dev.veil.key;

import java.time.Instant;
import java.util.Objects;

/**
 * An online rotation of one blind-index key, as recorded in the key table ({@code rotation_*} columns of the
 * scope's row). Started by {@link KeyAdministration#beginIndexRotation}, moved one {@link Phase} at a time by
 * {@link KeyAdministration#advanceIndexRotation}; whoever drives it waits between two phases for the longest key
 * cache TTL of every process using the key, so each process has seen a phase before the next one begins.
 * Holds version ids and a time, never key material.
 *
 * @param scope the blind-index scope being rotated
 * @param phase the phase recorded (or {@link Phase#DONE} when the advance just returned finished the rotation)
 * @param newVersion the Tink key id of the version being rolled in
 * @param oldVersion the Tink key id of the version being rolled out (the primary when the rotation began)
 * @param changedAt when this phase was recorded, by the database's clock (compare with
 *     {@link KeyAdministration#databaseTime()}, not with the local clock)
 */
public record IndexRotation(KeyScope scope, Phase phase, long newVersion, long oldVersion, Instant changedAt) {

    public IndexRotation {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(changedAt, "changedAt");
    }

    /**
     * The phases of an index-key rotation, in order. Each names what processes do once they have seen it; the
     * keyset change that starts it is applied by the advance into it.
     */
    public enum Phase {
        /**
         * The new version is in the keyset, enabled, not primary: index values are still written with the old
         * key, searches look for both (the driver searches with every enabled version).
         */
        SEARCH_BOTH("search-both"),
        /** The new version is primary: index values are written with it; the old one stays enabled for search. */
        WRITE_NEW("write-new"),
        /** Keyset as in {@link #WRITE_NEW}; the rotating tool recomputes every row's index value with the new key. */
        REINDEX("reindex"),
        /** The old version is disabled: searches look only for values of the new key. */
        RETIRE_OLD("retire-old"),
        /**
         * The old version is deleted from the keyset and the rotation record cleared. Never recorded: only the
         * advance that finishes a rotation returns it.
         */
        DONE("done");

        private final String configName;

        Phase(String configName) {
            this.configName = configName;
        }

        /** The kebab-case name, as stored in {@code rotation_phase} and shown by the CLI: {@code search-both}, …. */
        public String configName() {
            return configName;
        }

        /** The phase after this one; {@link #DONE} has none. */
        public Phase next() {
            if (this == DONE) {
                throw new IllegalStateException("an index-key rotation has no phase after done");
            }
            return values()[ordinal() + 1];
        }

        /** The phase of a {@link #configName()}. */
        public static Phase ofConfigName(String name) {
            for (Phase p : values()) {
                if (p.configName.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown index-key rotation phase '" + name + "'; known: search-both, "
                    + "write-new, reindex, retire-old, done");
        }
    }

    /** Scope, phase, both version ids and the time: no key material. */
    @Override
    public String toString() {
        return "IndexRotation[" + scope + " " + phase.configName() + ", new version " + newVersion + ", old version "
                + oldVersion + ", since " + changedAt + "]";
    }
}
