package io.aot.cli.chain;

import io.aot.cli.connect.KafkaProbe;
import io.aot.cli.errors.Server;
import io.aot.cli.errors.ServerUnavailableException;
import io.aot.cli.errors.UsageException;
import io.aot.ingestion.chain.CaverKlaytnRpc;
import io.aot.ingestion.chain.ChainDataException;
import io.aot.ingestion.chain.ChainFollower;
import io.aot.ingestion.chain.FollowerSettings;
import io.aot.ingestion.chain.KlaytnTxDecoder;
import io.aot.schemas.topics.Topic;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aot chain follow|decode}: the AOT token on Klaytn/Kaia, through caver-java. */
@Command(name = "chain", mixinStandardHelpOptions = true,
        description = "Follow AOT (KIP-7) transfers on Klaytn/Kaia into Kafka, or decode a raw Klaytn transaction.",
        subcommands = {ChainCommand.Follow.class, ChainCommand.Decode.class})
public final class ChainCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: follow, decode");
    }

    /** {@code aot chain decode RAW_TX_HEX}. */
    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = {"Decode a raw RLP-encoded Klaytn transaction (caver-java) and print it as JSON:",
                "type, from, to, value, nonce, gas, gasPrice, feePayer, feePayerSigned, feeRatio (when present), txHash,",
                "senderTxHash. A fee-delegated transaction the fee payer has not signed has no txHash yet",
                "(feePayerSigned false). Exit 2 with a one-line error when the input is not exactly one Klaytn transaction",
                "(trailing bytes, non-canonical RLP, unsupported type)."})
    static final class Decode implements Callable<Integer> {
        @Parameters(paramLabel = "RAW_TX_HEX", description = "0x-prefixed (or bare) hex of the signed transaction.")
        String raw;

        @Override
        public Integer call() {
            try {
                System.out.println(KlaytnTxDecoder.toJson(KlaytnTxDecoder.decode(raw)));
                return 0;
            } catch (KlaytnTxDecoder.InvalidTransactionException e) {
                System.err.println("aot chain decode: " + e.getMessage());
                return 2;
            }
        }
    }

    /** {@code aot chain follow --rpc URL ...}: runs until Ctrl-C. */
    @Command(name = "follow", mixinStandardHelpOptions = true,
            description = {"Follow a Klaytn/Kaia node (JSON-RPC) and publish the AOT token's Transfer events, with their",
                "transactions' fee delegation, to Kafka aot.chain.tx.v1. The position is committed in the same Kafka",
                "transaction (aot.chain.follower.position.v1): a restart resumes with no gap and no duplicate."})
    static final class Follow implements Callable<Integer> {
        @Option(names = "--rpc", required = true, description = "Node JSON-RPC URL, e.g. https://public-en.node.kaia.io")
        String rpc;

        @Option(names = "--token", description = "AOT KIP-7 contract address (default: $AOT_TOKEN_CONTRACT).")
        String token;

        @Option(names = "--from-block", defaultValue = "-1", description = "First block when there is no saved position (default: the head).")
        long fromBlock;

        @Option(names = "--confirmations", defaultValue = "0", description = "Blocks on top before publishing (default ${DEFAULT-VALUE}: Klaytn finality is immediate).")
        int confirmations;

        @Option(names = "--chain-id", defaultValue = "8217", description = "8217 mainnet, 1001 Kairos/Baobab (default ${DEFAULT-VALUE}).")
        long chainId;

        @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(names = "--namespace", defaultValue = "", description = "Topic namespace prefix (default: none).")
        String namespace;

        @Option(names = "--rpc-timeout-ms", defaultValue = "10000")
        long rpcTimeoutMs;

        private final AtomicBoolean stop = new AtomicBoolean();

        @Override
        public Integer call() throws Exception {
            String contract = token != null ? token : System.getenv("AOT_TOKEN_CONTRACT");
            if (contract == null || !contract.matches("0x[0-9a-fA-F]{40}")) {
                System.err.println("aot chain follow: --token must be the AOT contract address (0x + 40 hex digits)");
                return 2;
            }
            if (confirmations < 0) {
                throw new UsageException("--confirmations must be 0 or more, got " + confirmations);
            }
            FollowerSettings settings = FollowerSettings.of(chainId, contract, fromBlock, confirmations);
            if (!rpc.matches("https?://.+")) {
                throw new UsageException("--rpc must be an http:// or https:// URL, got " + rpc);
            }
            CaverKlaytnRpc node = new CaverKlaytnRpc(rpc, rpcTimeoutMs);
            try {
                requireAnswer(node);
                KafkaProbe.requireReachable(bootstrap);
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "chain-follow-stop"));
            try (ChainFollower follower = new ChainFollower(node, bootstrap,
                    Topic.CHAIN_TX.nameIn(namespace), Topic.CHAIN_FOLLOWER_POSITION.nameIn(namespace), settings,
                    Clock.systemUTC(), new ChainFollower.Listener() {
                        @Override
                        public void published(long from, long to, int transfers, long head) {
                            System.out.printf("blocks %,d..%,d: %d AOT transfers published (head %,d, %,d behind)%n",
                                    from, to, transfers, head, head - to);
                        }

                        @Override
                        public void retrying(String problem, long delayMs) {
                            System.out.printf("retrying in %d ms: %s%n", delayMs, problem);
                        }
                    })) {
                var position = follower.committedPosition();
                System.out.printf("following %s for token %s (chain %d) into %s; %s. Ctrl-C stops.%n", rpc,
                        contract.toLowerCase(), chainId, Topic.CHAIN_TX.nameIn(namespace), position == null
                                ? "no saved position: starting at " + (fromBlock >= 0 ? "block " + fromBlock : "the head")
                                : "resuming at block " + position.getNextBlock());
                long next = follower.run(() -> !stop.get());
                System.out.printf("stopped; next block %,d%n", next);
            }
            return 0;
        }

        /** Once running, the follower retries a node that fails; one that fails from the start is a wrong --rpc. */
        private void requireAnswer(CaverKlaytnRpc node) {
            try {
                node.blockNumber();
            } catch (IOException | ChainDataException e) {
                throw new ServerUnavailableException(Server.KLAYTN_NODE, "--rpc", rpc, e);
            }
        }
    }
}
