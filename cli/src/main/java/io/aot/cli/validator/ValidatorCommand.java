package io.aot.cli.validator;

import io.aot.cli.connect.HostPortOption;
import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorNode;
import io.aot.consensus.node.ValidatorStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aot validator --home DIR} runs a validator; {@code aot validator init} writes a local testnet;
 * {@code aot validator status --rpc H:P} prints a running validator's figures.
 */
@Command(name = "validator", mixinStandardHelpOptions = true,
        description = {"Run a Tendermint BFT validator node (engine, TCP peers, block store, client RPC)", "",
            "Run: aot validator --home DIR. Create a local testnet first: aot validator init --validators 4 --dir DIR.",
            "Check one: aot validator status --rpc 127.0.0.1:26651."},
        subcommands = {ValidatorCommand.Init.class, ValidatorCommand.Status.class})
public final class ValidatorCommand implements Callable<Integer> {

    @Option(names = "--home", description = "The validator's home folder (genesis, config, key, data).")
    Path home;

    @Override
    public Integer call() throws Exception {
        if (home == null) {
            System.err.println("aot validator: --home DIR is required (or: aot validator init)");
            return 2;
        }
        NodeConfig config = NodeConfig.read(home);
        ValidatorNode node = new ValidatorNode(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }, "validator-stop"));
        System.out.println("validator " + node.selfIndex() + " up: p2p 127.0.0.1:" + config.p2pPort() + ", rpc 127.0.0.1:"
                + config.rpcPort() + (node.metricsPort() > 0 ? ", metrics http://127.0.0.1:" + node.metricsPort() + "/metrics"
                : "") + ". Ctrl-C stops it; its state stays in " + config.dataDir());
        while (true) {
            Thread.sleep(5_000);
            System.out.println(node.status());
        }
    }

    /** {@code aot validator init}. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Write a local N-validator testnet: keys, a shared genesis, configs on 127.0.0.1.")
    static final class Init implements Callable<Integer> {

        @Option(names = "--validators", defaultValue = "4", description = "Number of validators (default ${DEFAULT-VALUE}).")
        int validators;

        @Option(names = "--dir", required = true, description = "Folder for node0..nodeN-1 and the endorser key.")
        Path dir;

        @Option(names = "--base-port", defaultValue = "26650",
                description = "node i listens on base+2i (p2p) and base+2i+1 (rpc) (default ${DEFAULT-VALUE}).")
        int basePort;

        @Option(names = "--chain-id", defaultValue = "aot-local", description = "Chain id (default ${DEFAULT-VALUE}).")
        String chainId;

        @Option(names = "--metrics-base-port", defaultValue = "0",
                description = "node i serves Prometheus /metrics on base+i; 0 (default): no metrics_port.")
        int metricsBasePort;

        @Option(names = "--tls", description = "Issue a consortium CA and a certificate per validator (DIR/nodeN/tls):"
                + " mutual TLS between validators and TLS on the RPC ports.")
        boolean tls;

        @Option(names = "--app", defaultValue = "ledger",
                description = "ledger (the payment ledger, default) or kv (the engine's test application).")
        String app;

        @Override
        public Integer call() throws Exception {
            int[] ports = new int[2 * validators];
            for (int i = 0; i < ports.length; i++) {
                ports[i] = basePort + i;
            }
            // An empty ledger with the local rates: 1 KRW = 0.001 AOT, 1 peb of KLAY = 1 AOT unit. Balances, wallet
            // keys, point companies and reward rules go in each node's ledger-genesis.properties.
            io.aot.ledger.state.LedgerGenesis ledger = "ledger".equals(app)
                    ? new io.aot.ledger.state.LedgerGenesis(java.util.Map.of(), java.util.Map.of(), java.util.Map.of(),
                            java.util.List.of(), io.aot.ledger.rules.Rate.of(java.math.BigInteger.TEN.pow(15),
                            java.math.BigInteger.ONE), io.aot.ledger.rules.Rate.of(1, 1))
                    : null;
            if (metricsBasePort < 0 || metricsBasePort + validators - 1 > 65_535) {
                System.err.println("aot validator init: --metrics-base-port must be 0 (off) or leave room for "
                        + validators + " ports, got " + metricsBasePort);
                return 2;
            }
            Testnet.Layout layout = Testnet.init(dir, validators, ports, chainId, TimeoutConfig.defaults(), ledger);
            if (tls) {
                Testnet.issueTls(layout);
            }
            if (metricsBasePort > 0) {
                for (int i = 0; i < validators; i++) {
                    Path home = layout.homes().get(i);
                    NodeConfig.read(home).withMetricsPort(metricsBasePort + i).write();
                }
            }
            System.out.println("testnet " + chainId + " with " + validators + " validators (" + app + " application) in " + dir);
            for (int i = 0; i < layout.homes().size(); i++) {
                System.out.println("  ./aot validator --home " + layout.homes().get(i) + "    (rpc 127.0.0.1:"
                        + layout.rpcPorts().get(i) + (metricsBasePort > 0 ? ", metrics 127.0.0.1:" + (metricsBasePort + i)
                        : "") + ")");
            }
            System.out.println("  ingestion endorser key: " + layout.endorserKey());
            if (tls) {
                System.out.println("  TLS: consortium CA " + dir.resolve("consortium-ca.crt") + " (RPC clients: --tls-ca)");
            }
            return 0;
        }
    }

    /**
     * {@code aot validator status --rpc H:P}: the validator's figures (RPC STATUS) in a few lines. Exit 0; 1 with one
     * line on stderr when the address does not answer within {@link #TIMEOUT} (refused, unreachable, silent, or not a
     * validator) or the --tls-ca file cannot be used; 2 for bad arguments.
     */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print a running validator's height, round, step, peers, mempool, sync state and counters.")
    static final class Status implements Callable<Integer> {

        /** Bound on the connection and the answer: an operator's tool answers within seconds. */
        static final Duration TIMEOUT = Duration.ofSeconds(5);

        @Option(names = "--rpc", required = true, description = "The validator's RPC address, host:port.")
        String rpc;

        @Option(names = "--tls-ca", description = "The consortium CA (PEM) of a validator whose RPC port uses TLS.")
        Path tlsCa;

        @Override
        public Integer call() throws IOException {
            InetSocketAddress address = HostPortOption.parse("--rpc", rpc);
            ValidatorStatus status;
            javax.net.ssl.SSLContext tls = tlsCa == null ? ValidatorClient.defaultTls()
                    : io.aot.consensus.node.NodeTls.clientContext(tlsCa);
            // The chain id signs batches only; a status request needs none.
            try (ValidatorClient client = new ValidatorClient("", address, TIMEOUT, tls)) {
                status = client.status();
            } catch (IOException e) {
                throw new ServerUnavailableException(Server.VALIDATOR, "--rpc", rpc, e);
            }
            status.describe().forEach(System.out::println);
            return 0;
        }
    }
}
