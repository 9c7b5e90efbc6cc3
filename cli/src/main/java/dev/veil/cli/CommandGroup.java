package dev.veil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups others ({@code veil}, {@code veil migrate}, {@code veil rotate}, {@code veil retire}):
 * run without one of them, it says which there are, prints its usage on standard error and exits 2 (bad usage).
 */
abstract class CommandGroup implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.err.println(spec.qualifiedName() + ": name a command: " + String.join(", ",
                spec.subcommands().keySet()));
        spec.commandLine().usage(System.err);
        return 2;
    }
}
