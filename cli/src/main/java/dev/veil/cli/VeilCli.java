package dev.veil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code veil} command: {@code java -jar cli/target/veil.jar <command> …}. Exit codes: 0 success, 1 failure,
 * 2 bad usage or configuration, 3 a check found problems, 4 interrupted (run the same command again to resume).
 */
@Command(name = "veil", mixinStandardHelpOptions = true, version = "veil 0.1.0",
        description = {"Administer Veil: create keys, migrate plaintext columns, rotate every key, re-encrypt and "
                + "re-index online.", "",
                "Every command takes --url (jdbc:postgresql://… or jdbc:veil:…), --config veil.yml (the driver's "
                + "YAML) and --user; the password comes from VEIL_DB_PASSWORD, PGPASSWORD or --password-file, never "
                + "from the command line. --json prints one JSON object on standard output.", "",
                "Exit codes: 0 success, 1 failure, 2 bad usage or configuration, 3 a check found problems, "
                + "4 interrupted (resumable).", "",
                "Examples:",
                "  veil status --url jdbc:postgresql://db/app --user app --config veil.yml",
                "  veil reencrypt --help"},
        subcommands = {InitCommand.class, StatusCommand.class, DdlCommand.class, MigrateCommand.class,
                BackfillCommand.class, RotateCommand.class, ReencryptCommand.class, RetireCommand.class,
                DoctorCommand.class, CommandLine.HelpCommand.class})
public final class VeilCli extends CommandGroup {


    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        Stop.INSTANCE.install();
        CommandLine cli = new CommandLine(new VeilCli());
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            if (java.util.Arrays.asList(a).contains("--json")) {
                java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
                o.put("command", cmd.getCommandSpec().qualifiedName().replaceFirst("^veil ?", ""));
                o.put("outcome", "usage");
                o.put("exit_code", 2);
                o.put("error", e.getMessage());
                cmd.getOut().println(Json.write(o));
                cmd.getOut().flush();
            }
            cmd.getErr().println("veil: " + e.getMessage());
            cmd.getErr().println("try: " + cmd.getCommandSpec().qualifiedName() + " --help");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("veil: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

}
