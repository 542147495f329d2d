package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three validator processes and a fourth validator played by this test over the real peer protocol: at every height
 * it hears of, it prevotes for a block to one validator and for nil to another. The honest processes find the
 * equivocation, gossip the evidence, commit it in a block, and show it in their status lines; a forged piece of
 * evidence costs the test's peer its connection and counts as malformed.
 */
class ValidatorEvidenceIT {

    private static final String CHAIN = "aot-evidence-it";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<ChildProcess> processes = new ArrayList<>();
    private PeerNetwork byzantine;

    @AfterEach
    void stopAll() throws Exception {
        if (byzantine != null) {
            byzantine.close();
        }
        processes.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    @Test
    void aDoubleVotingPeersEvidenceIsCommittedAndShownInTheStatusLine() throws Exception {
        Testnet.Layout layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN,
                new TimeoutConfig(1_000, 500, 500, 200, 500, 200, 100));
        for (int i = 0; i < 3; i++) {
            start(layout.homes().get(i), "v" + i);
        }
        Path home = layout.homes().get(3);
        NodeConfig config = NodeConfig.read(home);
        Genesis genesis = Genesis.read(home.resolve("genesis.properties"));
        ValidatorSet validators = genesis.validatorSet();
        KeyPair key = NodeConfig.readKey(home.resolve("key.properties"));
        int self = validators.indexOf(key.publicKey());
        WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
        Set<Long> attacked = ConcurrentHashMap.newKeySet();
        Hash some = Hash.sha256(new byte[] {42});
        byzantine = new PeerNetwork(CHAIN, key, validators, config.p2pPort(), config.peers(), (peer, frame) -> {
            if (byzantine == null) {
                return true; // a frame before the constructor returned: the next status will do
            }
            try {
                if (codec.decodeMessage(frame) instanceof WireCodec.Status s && attacked.add(s.height())) {
                    int[] peers = byzantine.peerIndexes();
                    if (peers.length >= 2) {
                        byzantine.send(peers[0], codec.encodeMessage(vote(key, self, s.height(), some)));
                        byzantine.send(peers[1], codec.encodeMessage(vote(key, self, s.height(), null)));
                    } else {
                        attacked.remove(s.height());
                    }
                }
            } catch (CanonicalReader.MalformedException e) {
                throw new AssertionError(e);
            }
            return true;
        });

        long committedWithEvidence = awaitEvidenceInABlock(layout, self);
        // Every validator holds that block with the same evidence.
        Hash blockId = null;
        for (int i = 0; i < 3; i++) {
            try (ValidatorClient c = ValidatorClient.connect(CHAIN,
                    new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(i)), WAIT)) {
                awaitHeight(c, committedWithEvidence);
                WireCodec.CommittedBlock b = c.block(committedWithEvidence);
                blockId = blockId == null ? b.block().id() : blockId;
                assertThat(b.block().id()).isEqualTo(blockId);
                assertThat(b.block().evidence()).allSatisfy(e -> {
                    assertThat(e.validatorIndex()).isEqualTo(self);
                    assertThat(e.verify(CHAIN, validators)).isNull();
                });
            }
        }
        for (int i = 0; i < 3; i++) {
            Path log = dir.resolve("v" + i + ".log");
            awaitLogLine(log, l -> l.matches(".*evidence seen [1-9][0-9]* committed [1-9][0-9]* .*"));
        }

        // Forged evidence (a nil vote with a zero signature): an honest peer relays only what verifies.
        Vote signed = vote(key, self, 1, some);
        Evidence forged = DuplicateVoteEvidence.of(signed, new Vote(VoteType.PREVOTE, 1, 0, null, self, new byte[64]));
        int target = byzantine.peerIndexes()[0];
        byzantine.send(target, codec.encodeMessage(forged));
        int targetProcess = -1;
        for (int i = 0; i < 3; i++) {
            if (validators.indexOf(NodeConfig.readKey(layout.homes().get(i).resolve("key.properties")).publicKey())
                    == target) {
                targetProcess = i;
            }
        }
        awaitLogLine(dir.resolve("v" + targetProcess + ".log"), l -> l.contains("malformed 1"));
        for (ChildProcess p : processes) {
            assertThat(p.isAlive()).as(p.name() + " alive").isTrue();
        }
    }

    private static Vote vote(KeyPair key, int index, long height, Hash id) {
        return new Vote(VoteType.PREVOTE, height, 0, id, index,
                key.sign(Vote.signBytes(CHAIN, VoteType.PREVOTE, height, 0, id)));
    }

    /** The first height whose block (at validator 0) holds evidence against {@code offender}. */
    private long awaitEvidenceInABlock(Testnet.Layout layout, int offender) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (ValidatorClient c = ValidatorClient.connect(CHAIN,
                new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(0)), WAIT)) {
            long next = 1;
            while (System.nanoTime() < deadline) {
                for (; next <= c.latestHeight(); next++) {
                    WireCodec.CommittedBlock b = c.block(next);
                    if (b.block().evidence().stream().anyMatch(e -> e.validatorIndex() == offender)) {
                        return next;
                    }
                }
                Thread.sleep(200);
            }
            throw new AssertionError("no block up to height " + (next - 1) + " holds evidence against validator "
                    + offender);
        }
    }

    private static void awaitHeight(ValidatorClient c, long height) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.latestHeight() < height) {
            assertThat(System.nanoTime()).as("height " + height).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitLogLine(Path log, java.util.function.Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).stream().anyMatch(wanted)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no such line in " + log + ":\n" + String.join("\n", Files.readAllLines(log)));
    }

    private void start(Path home, String name) {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        ChildProcess p = ChildJvm.named("evidence-it-" + name).classpath(cp).jvmArgs("-Xmx192m", "-XX:+UseSerialGC")
                .mainClass(ValidatorMain.class.getName()).args("--home", home.toString()).workDir(home, false)
                .logFile(dir.resolve(name + ".log")).start();
        processes.add(p);
    }
}
