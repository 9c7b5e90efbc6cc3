package dev.veil.admin;

import java.util.List;

/**
 * What {@code veil ddl} found: the statements the configuration needs, and notes on what no statement fixes yet
 * (a table missing, a backstop deferred until a migration finishes).
 */
public record DdlPlan(List<DdlStatement> statements, List<String> notes) {

    public DdlPlan {
        statements = List.copyOf(statements);
        notes = List.copyOf(notes);
    }
}
