package io.aot.cli;

import io.aot.cli.audit.AuditCommand;
import io.aot.cli.bench.BenchCommand;
import io.aot.cli.chain.ChainCommand;
import io.aot.cli.demo.DemoCommand;
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

/** The {@code aot} command. Each subcommand is a class of its own. */
@Command(name = "aot", mixinStandardHelpOptions = true, version = "aot 0.1.0-SNAPSHOT",
        description = "AOT payment-ledger platform: terminals and Klaytn -> Kafka -> Flink -> BFT validators -> Cassandra.",
        subcommands = {DemoCommand.class, StackCommand.class, ProvisionCommand.class, ValidatorCommand.class, SimulateCommand.class, GatewayCommand.class, ChainCommand.class, TerminalsCommand.class, AuditCommand.class, ReceiptCommand.class, ReportCommand.class, io.aot.cli.settlement.SettlementCommand.class, io.aot.cli.segments.SegmentsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
