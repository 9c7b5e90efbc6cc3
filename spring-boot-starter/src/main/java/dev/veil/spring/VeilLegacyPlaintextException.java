package dev.veil.spring;

import java.util.List;

/**
 * Encrypted columns holding values that are not Veil ciphertext (written without Veil, or before the column was
 * encrypted), found by sampling at start-up ({@code veil.schema.plaintext-check}). Reading such a row fails with
 * VE004, so start-up fails first, naming each column, the count and how to migrate.
 */
public class VeilLegacyPlaintextException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** In {@code column} ({@code table.column}), {@code plaintext} of {@code sampled} non-null values are not ciphertext. */
    public record Finding(String column, long plaintext, long sampled) {
        @Override
        public String toString() {
            return column + ": " + plaintext + " of " + sampled + " sampled non-null values are not Veil ciphertext";
        }
    }

    private final List<Finding> findings;

    public VeilLegacyPlaintextException(List<Finding> findings) {
        super("encrypted columns hold values that are not Veil ciphertext: " + findings);
        this.findings = List.copyOf(findings);
    }

    public List<Finding> findings() {
        return findings;
    }

    /** The migration procedure, for the failure analysis and the warning. */
    static String procedure() {
        return "These rows were written without Veil (e.g. by SQL scripts, another client, or before the column was "
                + "declared encrypted); reading them fails with SQLState VE004. To migrate them: (1) start with "
                + "veil.allow-legacy-plaintext=true (insecure, migration only: plaintext values are read as they are); "
                + "(2) re-save every such row through the application (read each entity and write it back, or an "
                + "UPDATE through Veil setting the column to the value read), which stores ciphertext; (3) remove "
                + "veil.allow-legacy-plaintext and restart. Rows that are simply wrong can instead be deleted. "
                + "To start anyway (reads of these rows keep failing) set veil.schema.plaintext-check=warn.";
    }
}
