package io.aot.cli.errors;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every {@code aot} command answers what goes wrong: one line on stderr that names the command, what failed and
 * what to do ({@link ExceptionTranslator}); exit {@value #USAGE} for bad arguments and {@value #FAILURE} for a
 * failure. The details of a failure (its stack trace) go to a log file named in the line ({@link FailureLog}), or,
 * with {@code --verbose}, to stderr after the line.
 */
public final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** Exit code of a bad command line: unknown option, bad value, missing or conflicting arguments. */
    public static final int USAGE = 2;

    /** Exit code of a command that could not do its work: a server, a file, or a check failed. */
    public static final int FAILURE = 1;

    private final BooleanSupplier verbose;

    private OneLineErrors(BooleanSupplier verbose) {
        this.verbose = verbose;
    }

    /** Sets both handlers on {@code root}, and so on every subcommand it has. */
    public static void install(CommandLine root, BooleanSupplier verbose) {
        OneLineErrors handler = new OneLineErrors(verbose);
        root.setParameterExceptionHandler(handler);
        root.setExecutionExceptionHandler(handler);
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + u.getSuggestions().get(0) + "?)";
        }
        return usage(e.getCommandLine(), message);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        if (e instanceof UsageException) {
            return usage(command, e.getMessage());
        }
        String name = command.getCommandSpec().qualifiedName();
        String line = name + ": " + ExceptionTranslator.explain(e, command.getCommandSpec());
        PrintWriter err = command.getErr();
        if (verbose.getAsBoolean()) {
            err.println(line);
            e.printStackTrace(err);
        } else {
            String details;
            try {
                Path log = FailureLog.write(name, line, parsed.originalArgs(), e);
                details = " (details: " + log + ")";
            } catch (IOException | RuntimeException logFailed) {
                details = " (no log file: " + ExceptionTranslator.oneLine(logFailed.getMessage())
                        + "; run again with --verbose for details)";
            }
            err.println(line + details);
        }
        err.flush();
        return FAILURE;
    }

    private static int usage(CommandLine command, String message) {
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + ExceptionTranslator.oneLine(message) + "; see " + name + " --help");
        err.flush();
        return USAGE;
    }
}
