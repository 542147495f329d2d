package io.aot.consensus.node;

import io.aot.consensus.engine.Step;
import io.aot.consensus.engine.TendermintEngine;
import io.aot.consensus.mempool.Mempool;
import io.aot.consensus.storage.ConsensusWal;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A validator's figures for operators: the {@link ValidatorStatus} answered on the RPC port, the same figures as
 * Prometheus metrics ({@code aot_validator_*}, on {@code metrics_port} when it is set), and one log line per decided
 * height.
 *
 * <p>Threads: the engine is read only on the consensus loop ({@link #afterEvent}, {@link #snapshot},
 * {@link #peerStatus}, {@link #decided}), which publishes what it read in volatile fields; the RPC and HTTP threads read
 * those fields and the thread-safe parts (mempool, WAL, peer network, counters), never the engine's maps.
 */
public final class ValidatorMetrics implements AutoCloseable {

    /** How often the loop publishes the engine's counters (dropped inputs, equivocations, peers' heights). */
    public static final long SNAPSHOT_EVERY_MS = 1_000;

    /** What the loop last read from the engine. */
    private record EngineView(long equivocationsSeen, Map<String, Long> dropped, long peersCommittedHeight) {
    }

    private final int selfIndex;
    private final int peers;
    /** f: the peers' height that f + 1 of them reached is one that an honest peer reached. */
    private final int faultTolerance;
    private final Mempool mempool;
    private final ConsensusWal wal;
    private final PeerNetwork network;
    private final LongSupplier committedHeight;
    private final LongSupplier committedTxs;
    private final PrintStream log;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private HTTPServer http;

    // Written by the loop only.
    private volatile int round;
    private volatile Step step = Step.NEW_HEIGHT;
    private volatile int lastHeightRounds;
    private volatile EngineView view = new EngineView(0, Map.of(), 0);
    /** Next height each peer reported in its STATUS gossip, by validator index; loop thread only. */
    private final long[] peerNextHeights;
    private long startedHeight = -1;
    private long heightStartNanos;
    private long lastDecisionNanos = System.nanoTime();

    /**
     * @param validators     size of the genesis set (peers are the others)
     * @param log            where the one line per decided height goes (the process's stdout)
     */
    public ValidatorMetrics(int selfIndex, int validators, Mempool mempool, ConsensusWal wal, PeerNetwork network,
            LongSupplier committedHeight, LongSupplier committedTxs, PrintStream log) {
        this.selfIndex = selfIndex;
        this.peers = validators - 1;
        this.faultTolerance = (validators - 1) / 3;
        this.mempool = mempool;
        this.wal = wal;
        this.network = network;
        this.committedHeight = committedHeight;
        this.committedTxs = committedTxs;
        this.log = log;
        this.peerNextHeights = new long[validators];
        register();
    }

    /** Serves {@code /metrics} on {@code host:port} (port 0 picks a free one; see {@link #httpPort()}). */
    public void serve(InetAddress host, int port) throws IOException {
        http = HTTPServer.builder().inetAddress(host).port(port).registry(registry).buildAndStart();
    }

    /** The bound metrics port, or -1 when not serving. */
    public int httpPort() {
        return http == null ? -1 : http.getPort();
    }

    public ValidatorStatus status() {
        EngineView v = view;
        return new ValidatorStatus(selfIndex, committedHeight.getAsLong(), round, step.name(), lastHeightRounds,
                network.connectedPeers(), peers, mempool.size(), mempool.bytes(), v.equivocationsSeen(),
                v.peersCommittedHeight(), wal.bytes(), committedTxs.getAsLong(), v.dropped(), network.counters());
    }

    // ---------------------------------------------------------------- on the consensus loop

    /** After each event: round and step, and when a height's round 0 began (cheap: a few field reads). */
    void afterEvent(long height, int round, Step step) {
        this.round = round;
        this.step = step;
        if (step != Step.NEW_HEIGHT && height != startedHeight) {
            startedHeight = height;
            heightStartNanos = System.nanoTime();
        }
    }

    /**
     * Every {@link #SNAPSHOT_EVERY_MS}: the engine's counters ({@link TendermintEngine#evidenceCount},
     * {@link TendermintEngine#dropped}), copied here so other threads never touch its maps.
     */
    void snapshot(long equivocationsSeen, Map<String, Long> dropped) {
        long[] heard = Arrays.stream(peerNextHeights).filter(h -> h > 0).sorted().toArray();
        long quorumNext = heard.length > faultTolerance ? heard[heard.length - 1 - faultTolerance] : 0;
        view = new EngineView(equivocationsSeen, Map.copyOf(dropped), Math.max(0, quorumNext - 1));
    }

    /** A peer's STATUS gossip: the height it is deciding (the codec refused heights below 1). */
    void peerStatus(int peer, long nextHeight) {
        if (peer >= 0 && peer < peerNextHeights.length && peer != selfIndex) {
            peerNextHeights[peer] = nextHeight;
        }
    }

    /**
     * A block committed here (by consensus or block sync): one log line with its height, round, transactions, block id
     * prefix, and the milliseconds from the height's start (its round 0 began) to the decision. A height decided in
     * the event that started it, or by block sync before its round 0, counts from the previous decision.
     */
    void decided(Block block, CommitCertificate certificate) {
        long now = System.nanoTime();
        long from = startedHeight == block.height() ? heightStartNanos : lastDecisionNanos;
        lastDecisionNanos = now;
        lastHeightRounds = certificate.round() + 1;
        log.println("decided height=" + block.height() + " round=" + certificate.round() + " txs="
                + block.txs().size() + " block=" + block.id().shortHex() + " elapsed_ms=" + (now - from) / 1_000_000);
    }

    // ---------------------------------------------------------------- Prometheus

    private void register() {
        gauge("aot_validator_committed_height", "Height of the last block committed by this validator",
                () -> committedHeight.getAsLong());
        gauge("aot_validator_round", "Round of the height being decided", () -> round);
        GaugeWithCallback.builder().name("aot_validator_step")
                .help("Step within the current round: 1 for the current one, 0 for the others").labelNames("step")
                .callback(cb -> {
                    Step current = step;
                    for (Step s : Step.values()) {
                        cb.call(s == current ? 1 : 0, s.name());
                    }
                }).register(registry);
        gauge("aot_validator_last_height_rounds", "Rounds the last committed height took (1: decided in round 0)",
                () -> lastHeightRounds);
        gauge("aot_validator_peers_connected", "Peers linked both ways (dialed by us, and authenticated to us)",
                network::connectedPeers);
        gauge("aot_validator_peers", "Peers in the validator set besides this one", () -> peers);
        gauge("aot_validator_mempool_txs", "Transactions waiting in the mempool", mempool::size);
        gauge("aot_validator_mempool_bytes", "Bytes of the transactions waiting in the mempool", mempool::bytes);
        gauge("aot_validator_peers_committed_height", "Committed height that at least f+1 peers reported",
                () -> view.peersCommittedHeight());
        gauge("aot_validator_blocks_behind", "Blocks committed by f+1 peers and not yet here", this::blocksBehind);
        gauge("aot_validator_catching_up", "1 while more than one block behind f+1 peers (block sync), else 0",
                () -> ValidatorStatus.catchingUp(blocksBehind()) ? 1 : 0);
        gauge("aot_validator_wal_bytes", "Bytes of the consensus WAL (peers' messages of the current height)", wal::bytes);
        counter("aot_validator_committed_txs", "Transactions committed since this process started",
                () -> committedTxs.getAsLong());
        counter("aot_validator_equivocations_seen", "Conflicting votes or proposals from one validator seen here",
                () -> view.equivocationsSeen());
        CounterWithCallback.builder().name("aot_validator_inputs_dropped")
                .help("Engine inputs dropped, by reason (old height, bad signature, ...)").labelNames("reason")
                .callback(cb -> view.dropped().forEach((reason, n) -> cb.call(n, reason))).register(registry);
        CounterWithCallback.builder().name("aot_validator_network_events")
                .help("Peer-network events (dial failures, full queues, refused handshakes, ...), by kind")
                .labelNames("event").callback(cb -> network.counters().forEach((event, n) -> cb.call(n, event)))
                .register(registry);
    }

    private long blocksBehind() {
        return Math.max(0, view.peersCommittedHeight() - committedHeight.getAsLong());
    }

    private void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void counter(String name, String help, java.util.function.DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
