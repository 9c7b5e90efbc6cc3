package dev.veil.admin;

import java.util.List;

/**
 * What {@code veil migrate finish} did.
 *
 * @param columns the columns now fully encrypted, with validated backstops
 * @param next what to change in the configuration now
 */
public record FinishReport(List<String> columns, String next) {

    public FinishReport {
        columns = List.copyOf(columns);
    }
}
