package dev.veil.admin;

import java.util.List;

/**
 * What a key command did (or, for a dry run, would do): {@code init}, {@code rotate master-key},
 * {@code rotate data-key}, {@code retire data-key}. Names scopes and version ids; never key material.
 *
 * @param command the command
 * @param changes one line per key change
 * @param next what the operator does next (a configuration change, a follow-up command), or empty
 * @param dryRun whether nothing was changed
 */
public record KeyReport(String command, List<String> changes, List<String> next, boolean dryRun) {

    public KeyReport {
        changes = List.copyOf(changes);
        next = List.copyOf(next);
    }
}
