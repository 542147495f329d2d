package io.aot.jobs.ingest;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.ledger.state.LedgerStateMachine;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/** Four validator processes running the payment ledger on loopback, and a reader of what they committed. */
final class ValidatorTestnet implements AutoCloseable {

    static final String CHAIN = "aot-ingest-it";

    private final Testnet.Layout layout;
    private final LedgerGenesis genesis;
    private final ChildProcess[] nodes = new ChildProcess[4];
    private final List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of).toList();

    ValidatorTestnet(Path dir, LedgerGenesis genesis) throws Exception {
        this.genesis = genesis;
        this.layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200), genesis);
        for (int i = 0; i < 4; i++) {
            start(i);
        }
    }

    void start(int i) {
        nodes[i] = ChildJvm.named("ingest-it-validator" + i).classpath(classpath)
                .jvmArgs("-Xmx256m", "-XX:+UseSerialGC").mainClass(ValidatorMain.class.getName())
                .args("--home", layout.homes().get(i).toString()).workDir(layout.homes().get(i), false)
                .logFile(layout.homes().get(i).resolve("validator.log")).start();
    }

    void kill(int i) {
        ProcessHandle.of(nodes[i].pid()).ifPresent(ProcessHandle::destroyForcibly);
        nodes[i].stop(Duration.ofSeconds(5));
    }

    Path genesisFile() {
        return layout.homes().get(0).resolve("genesis.properties");
    }

    List<String> rpcAddresses() {
        return layout.rpcPorts().stream().map(p -> "127.0.0.1:" + p).toList();
    }

    String endorserSeedHex() throws Exception {
        return HexFormat.of().formatHex(NodeConfig.readKey(layout.endorserKey()).seed());
    }

    /**
     * Committed blocks from height 1, read from validator {@code i}, until {@code done} holds.
     *
     * @throws AssertionError when {@code timeout} passes first, naming how far the chain got (a caller that went on
     *         with a partial chain would fail later on a misleading assertion, as a CI run once did)
     */
    List<WireCodec.CommittedBlock> readBlocks(int i, Predicate<List<WireCodec.CommittedBlock>> done, Duration timeout)
            throws Exception {
        List<WireCodec.CommittedBlock> blocks = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ValidatorClient c = ValidatorClient.connect(CHAIN,
                new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(i)), timeout)) {
            while (!done.test(blocks) && System.nanoTime() < deadline) {
                WireCodec.CommittedBlock b = c.block(blocks.size() + 1L);
                if (b == null) {
                    Thread.sleep(100);
                } else {
                    blocks.add(b);
                }
            }
        }
        if (!done.test(blocks)) {
            long txs = blocks.stream().mapToLong(b -> b.block().txs().size()).sum();
            throw new AssertionError("validator " + i + ": the awaited chain state did not come within " + timeout
                    + " (" + blocks.size() + " blocks, " + txs + " transactions read)");
        }
        return blocks;
    }

    /**
     * Executes the blocks on a fresh ledger from the same genesis and checks each block's app hash against the next
     * header's: the local replay is the validators' state, so its outcomes and totals are theirs.
     */
    LedgerStateMachine replay(List<WireCodec.CommittedBlock> blocks, List<LedgerStateMachine.Outcome> outcomes) {
        LedgerStateMachine ledger = new LedgerStateMachine(genesis);
        for (int h = 0; h < blocks.size(); h++) {
            var header = blocks.get(h).block().header();
            if (h > 0 && !header.appHash().equals(Hash.of(ledger.appHash()))) {
                throw new AssertionError("app hash differs at height " + header.height());
            }
            LedgerStateMachine.BlockOutcome out = ledger.execute(header.height(), header.timeMillis(),
                    blocks.get(h).block().txs());
            ledger.commit();
            outcomes.addAll(out.outcomes());
        }
        return ledger;
    }

    @Override
    public void close() {
        for (ChildProcess n : nodes) {
            if (n != null) {
                n.stop(Duration.ofSeconds(5));
            }
        }
    }
}
