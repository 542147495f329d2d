package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.Step;
import io.aot.consensus.mempool.Mempool;
import io.aot.consensus.storage.ConsensusWal;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics holder with a real mempool, WAL, peer network and HTTP exporter on loopback (no engine: fed by hand). */
class ValidatorMetricsTest {

    @TempDir
    Path dir;

    private final List<KeyPair> keys = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicLong height = new AtomicLong();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private ValidatorSet set;
    private Mempool mempool;
    private ValidatorMetrics metrics;

    @BeforeEach
    void setUp() throws Exception {
        for (int i = 1; i <= 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) i;
            keys.add(KeyPair.fromSeed(seed));
        }
        set = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        mempool = new Mempool(new KeyValueApplication(), 100, 1 << 20, 1024);
        ConsensusWal wal = new ConsensusWal(dir.resolve("consensus.wal"), new WireCodec(WireCodec.Limits.defaults()),
                1 << 20);
        closing.add(wal);
        PeerNetwork network = network(0, Map.of());
        metrics = new ValidatorMetrics(set.indexOf(keys.get(0).publicKey()), 4, mempool, wal, network, height::get,
                () -> 7, new PrintStream(log, true, StandardCharsets.UTF_8));
        closing.add(metrics);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private PeerNetwork network(int key, Map<Integer, InetSocketAddress> peers) throws Exception {
        PeerNetwork n = new PeerNetwork("aot-test", keys.get(key), set, freePort(), peers, (from, frame) -> true);
        closing.add(n);
        return n;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private int index(int key) {
        return set.indexOf(keys.get(key).publicKey());
    }

    @Test
    void syncStateFollowsTheHeightThatFPlusOnePeersReachedSoOneLyingPeerCannotMoveIt() {
        height.set(10);
        metrics.peerStatus(index(1), 1_000_000); // a lying peer alone: f = 1 of 4, it takes two
        metrics.snapshot(0, Map.of());
        assertThat(metrics.status().peersCommittedHeight()).as("one peer heard: unknown").isZero();
        assertThat(metrics.status().catchingUp()).isFalse();

        metrics.peerStatus(index(2), 11); // deciding 11: committed 10, like us
        metrics.peerStatus(index(3), 11);
        metrics.snapshot(0, Map.of());
        assertThat(metrics.status().peersCommittedHeight()).isEqualTo(10);
        assertThat(metrics.status().blocksBehind()).isZero();
        assertThat(metrics.status().catchingUp()).isFalse();

        height.set(5);
        ValidatorStatus behind = metrics.status();
        assertThat(behind.blocksBehind()).isEqualTo(5);
        assertThat(behind.catchingUp()).isTrue();
        height.set(9);
        assertThat(metrics.status().catchingUp()).as("one block behind: a decision in flight").isFalse();

        metrics.peerStatus(index(0), 500); // our own index (a peer cannot be us): ignored
        metrics.peerStatus(99, 500);
        metrics.snapshot(0, Map.of());
        assertThat(metrics.status().peersCommittedHeight()).isEqualTo(10);
    }

    @Test
    void theExporterServesEveryFigureUnderItsName() throws Exception {
        height.set(42);
        assertThat(mempool.addBatch(List.of("k1=v1".getBytes(StandardCharsets.UTF_8),
                "k2=v2".getBytes(StandardCharsets.UTF_8)), "endorser").added()).isEqualTo(2);
        metrics.afterEvent(43, 2, Step.PREVOTE);
        metrics.snapshot(3, Map.of("old-height", 5L, "bad-signature", 1L));
        metrics.serve(InetAddress.getLoopbackAddress(), 0);

        String text = scrape(metrics.httpPort());
        assertThat(text).contains("aot_validator_committed_height 42.0", "aot_validator_round 2.0",
                "aot_validator_step{step=\"PREVOTE\"} 1.0", "aot_validator_step{step=\"PROPOSE\"} 0.0",
                "aot_validator_mempool_txs 2.0", "aot_validator_equivocations_seen_total 3.0",
                "aot_validator_inputs_dropped_total{reason=\"old-height\"} 5.0",
                "aot_validator_inputs_dropped_total{reason=\"bad-signature\"} 1.0", "aot_validator_committed_txs_total 7.0",
                "aot_validator_peers 3.0", "aot_validator_peers_connected 0.0", "aot_validator_catching_up 0.0",
                "aot_validator_blocks_behind 0.0", "aot_validator_wal_bytes ", "aot_validator_last_height_rounds 0.0",
                "aot_validator_mempool_bytes " + mempool.bytes() + ".0");
        assertThat(mempool.bytes()).isPositive();

        ValidatorStatus s = metrics.status();
        assertThat(s.round()).isEqualTo(2);
        assertThat(s.step()).isEqualTo("PREVOTE");
        assertThat(s.equivocationsSeen()).isEqualTo(3);
        assertThat(s.dropped()).containsEntry("old-height", 5L);
    }

    @Test
    void eachDecisionIsOneLogLineTimedFromTheStartOfItsRoundZero() throws Exception {
        metrics.afterEvent(5, 0, Step.NEW_HEIGHT); // waiting timeout_commit: not started yet
        Thread.sleep(150);
        metrics.afterEvent(5, 0, Step.PROPOSE);
        metrics.afterEvent(5, 2, Step.PRECOMMIT);
        metrics.decided(block(5, 3), new CommitCertificate(5, 2, Hash.ZERO, List.of()));
        String line = log.toString(StandardCharsets.UTF_8);
        assertThat(line.lines()).singleElement().asString()
                .matches("decided height=5 round=2 txs=3 block=[0-9a-f]{12} elapsed_ms=\\d+");
        long elapsed = Long.parseLong(line.trim().replaceAll(".*elapsed_ms=", ""));
        assertThat(elapsed).as("from round 0, not from the NEW_HEIGHT wait").isLessThan(150);
        assertThat(metrics.status().lastHeightRounds()).isEqualTo(3);
    }

    @Test
    void peersCountAsConnectedWhileLinkedBothWays() throws Exception {
        PeerNetwork[] nets = new PeerNetwork[2];
        int[] ports = {freePort(), freePort()};
        for (int k = 0; k < 2; k++) {
            int other = 1 - k;
            nets[k] = new PeerNetwork("aot-test", keys.get(k), set, ports[k],
                    Map.of(index(other), new InetSocketAddress("127.0.0.1", ports[other])), (from, frame) -> true);
        }
        try {
            awaitConnected(nets[0], 1);
            awaitConnected(nets[1], 1);
        } finally {
            nets[1].close();
        }
        awaitConnected(nets[0], 0);
        nets[0].close();
    }

    private static void awaitConnected(PeerNetwork n, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (n.connectedPeers() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(n.connectedPeers()).isEqualTo(expected);
    }

    private static Block block(long height, int txs) {
        List<byte[]> body = new ArrayList<>();
        for (int i = 0; i < txs; i++) {
            body.add(("k" + i + "=v").getBytes(StandardCharsets.UTF_8));
        }
        return new Block(new BlockHeader("aot-test", height, 99, Hash.sha256(new byte[] {1}), null,
                MerkleTree.root(body), Evidence.EMPTY_LIST_HASH, Hash.ZERO, "addr", Hash.ZERO, txs), body, null);
    }

    static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
