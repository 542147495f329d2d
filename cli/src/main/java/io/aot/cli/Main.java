package io.aot.cli;

import io.aot.cli.audit.AuditCommand;
import io.aot.cli.bench.BenchCommand;
import io.aot.cli.chain.ChainCommand;
import io.aot.cli.demo.DemoCommand;
import io.aot.cli.errors.OneLineErrors;
import io.aot.cli.gateway.GatewayCommand;
import io.aot.cli.provision.ProvisionCommand;
import io.aot.cli.receipt.ReceiptCommand;
import io.aot.cli.report.ReportCommand;
import io.aot.cli.simulate.SimulateCommand;
import io.aot.cli.stack.StackCommand;
import io.aot.cli.terminals.TerminalsCommand;
import io.aot.cli.validator.ValidatorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code aot} command. Each subcommand is a class of its own. Whatever goes wrong is answered in one line on
 * stderr, exit 2 for bad arguments and 1 for a failure ({@link OneLineErrors}).
 */
@Command(name = "aot", mixinStandardHelpOptions = true, version = "aot 0.1.0-SNAPSHOT",
        description = "AOT payment-ledger platform: terminals and Klaytn -> Kafka -> Flink -> BFT validators -> Cassandra.",
        footer = {"", "Exit codes: 0 done; 1 failed: one line on stderr says what failed and what to",
            "do, the details go to a log file under ~/.aot/logs named in that line (to",
            "stderr with --verbose); 2 bad arguments. audit and receipt also exit 1 for",
            "findings or an invalid receipt, receipt 2 for a transaction it cannot find."},
        subcommands = {DemoCommand.class, StackCommand.class, ProvisionCommand.class, ValidatorCommand.class, SimulateCommand.class, GatewayCommand.class, ChainCommand.class, TerminalsCommand.class, AuditCommand.class, ReceiptCommand.class, ReportCommand.class, io.aot.cli.settlement.SettlementCommand.class, io.aot.cli.segments.SegmentsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On failure, print the details (stack trace) on stderr instead of to a log file.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line of {@code aot}, with its one-line error handling, ready to execute arguments. */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        OneLineErrors.install(commandLine, () -> main.verbose);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
