package io.aot.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command the platform will have but does not have yet. It is listed in {@code aot --help} so users see the whole
 * shape, and running it says which issue brings it and exits with {@link #EXIT_NOT_BUILT}, never pretends to work.
 */
record NotBuiltCommand(String name, int issue, String summary) implements Callable<Integer> {

    /** Exit status of a command that is not built yet. */
    static final int EXIT_NOT_BUILT = 3;

    static final List<NotBuiltCommand> PLANNED = List.of(
            new NotBuiltCommand("segments", 8, "List and export advertising audience segments"));

    CommandLine commandLine() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
        spec.name(name);
        spec.usageMessage().description(summary + " (not built yet: issue #" + issue + ")");
        spec.parser().unmatchedArgumentsAllowed(true);
        spec.parser().unmatchedOptionsArePositionalParams(true);
        return new CommandLine(spec);
    }

    @Override
    public Integer call() {
        System.err.println("aot " + name + " is not built yet: it arrives with issue #" + issue + " (" + summary + ").");
        System.err.println("What works today: demo, stack, provision, validator, simulate, gateway, chain, terminals, audit, receipt, report, bench. See ./aot --help.");
        return EXIT_NOT_BUILT;
    }
}
