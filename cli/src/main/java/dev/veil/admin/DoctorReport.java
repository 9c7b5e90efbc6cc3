package dev.veil.admin;

import java.util.List;

/**
 * What {@code veil doctor} found.
 *
 * @param problems what is wrong (exit code 3 when not empty)
 * @param ddl the DDL that fixes the schema drift among them, and tuning statements ({@code required} false: listed
 *        in {@code checks} as advice, not a problem)
 * @param checks what was checked and passed
 * @param leakage per blind index, what its values may reveal (from the server's column statistics)
 */
public record DoctorReport(List<String> problems, List<DdlStatement> ddl, List<String> checks, List<String> leakage) {

    public DoctorReport {
        problems = List.copyOf(problems);
        ddl = List.copyOf(ddl);
        checks = List.copyOf(checks);
        leakage = List.copyOf(leakage);
    }
}
