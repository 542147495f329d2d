package io.aot.consensus.node;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.engine.TimeoutConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One validator's home folder: {@code genesis.properties}, {@code node.properties} (ports, peers, timeouts),
 * {@code key.properties} (the private key seed, owner-only), and {@code data/} (block store, signer state,
 * checkpoint, application snapshots).
 *
 * <p>{@code snapshot_every_heights} (default {@value #DEFAULT_SNAPSHOT_EVERY_HEIGHTS}): the application's state is
 * snapshotted at every multiple of it (and at a clean shutdown), so a restart replays at most that many blocks.
 *
 * @param metricsPort the Prometheus {@code /metrics} port ({@code metrics_port}), on the RPC port's address
 *                    (loopback unless {@code -Daot.rpc.host}); 0 (the default) serves no metrics
 */
public record NodeConfig(Path home, int p2pPort, int rpcPort, Map<Integer, InetSocketAddress> peers,
        TimeoutConfig timeouts, int maxBlockTxs, int mempoolMaxTxs, long gossipEveryMs, int metricsPort,
        long snapshotEveryHeights) {

    public static final long DEFAULT_SNAPSHOT_EVERY_HEIGHTS = 1000;

    public NodeConfig {
        if (metricsPort < 0 || metricsPort > 65_535) {
            throw new IllegalArgumentException("metrics_port must be 0 (off) or a TCP port, got " + metricsPort);
        }
        if (snapshotEveryHeights < 1) {
            throw new IllegalArgumentException("snapshot_every_heights must be at least 1, got " + snapshotEveryHeights);
        }
    }

    /** Without metrics ({@code metrics_port} 0), snapshots every {@value #DEFAULT_SNAPSHOT_EVERY_HEIGHTS} heights. */
    public NodeConfig(Path home, int p2pPort, int rpcPort, Map<Integer, InetSocketAddress> peers,
            TimeoutConfig timeouts, int maxBlockTxs, int mempoolMaxTxs, long gossipEveryMs) {
        this(home, p2pPort, rpcPort, peers, timeouts, maxBlockTxs, mempoolMaxTxs, gossipEveryMs, 0,
                DEFAULT_SNAPSHOT_EVERY_HEIGHTS);
    }

    public NodeConfig withMetricsPort(int port) {
        return new NodeConfig(home, p2pPort, rpcPort, peers, timeouts, maxBlockTxs, mempoolMaxTxs, gossipEveryMs, port,
                snapshotEveryHeights);
    }

    public NodeConfig withSnapshotEveryHeights(long heights) {
        return new NodeConfig(home, p2pPort, rpcPort, peers, timeouts, maxBlockTxs, mempoolMaxTxs, gossipEveryMs,
                metricsPort, heights);
    }

    public Path genesisFile() {
        return home.resolve("genesis.properties");
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    public static NodeConfig read(Path home) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(home.resolve("node.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (String entry : p.getProperty("peers", "").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] idxAddr = entry.trim().split("@");
            String[] hostPort = idxAddr[1].split(":");
            peers.put(Integer.parseInt(idxAddr[0]), new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        }
        TimeoutConfig t = new TimeoutConfig(
                Long.parseLong(p.getProperty("timeout_propose_ms", "1000")),
                Long.parseLong(p.getProperty("timeout_propose_delta_ms", "500")),
                Long.parseLong(p.getProperty("timeout_prevote_ms", "500")),
                Long.parseLong(p.getProperty("timeout_prevote_delta_ms", "250")),
                Long.parseLong(p.getProperty("timeout_precommit_ms", "500")),
                Long.parseLong(p.getProperty("timeout_precommit_delta_ms", "250")),
                Long.parseLong(p.getProperty("timeout_commit_ms", "200")));
        return new NodeConfig(home, Integer.parseInt(p.getProperty("p2p_port")), Integer.parseInt(p.getProperty("rpc_port")),
                peers, t, Integer.parseInt(p.getProperty("max_block_txs", "10000")),
                Integer.parseInt(p.getProperty("mempool_max_txs", "20000")),
                Long.parseLong(p.getProperty("gossip_every_ms", "200")),
                Integer.parseInt(p.getProperty("metrics_port", "0")),
                Long.parseLong(p.getProperty("snapshot_every_heights", Long.toString(DEFAULT_SNAPSHOT_EVERY_HEIGHTS))));
    }

    public void write() throws IOException {
        Properties p = new Properties();
        p.setProperty("p2p_port", Integer.toString(p2pPort));
        p.setProperty("rpc_port", Integer.toString(rpcPort));
        StringBuilder sb = new StringBuilder();
        peers.forEach((i, a) -> sb.append(sb.length() == 0 ? "" : ",").append(i).append('@')
                .append(a.getHostString()).append(':').append(a.getPort()));
        p.setProperty("peers", sb.toString());
        p.setProperty("timeout_propose_ms", Long.toString(timeouts.proposeMs()));
        p.setProperty("timeout_propose_delta_ms", Long.toString(timeouts.proposeDeltaMs()));
        p.setProperty("timeout_prevote_ms", Long.toString(timeouts.prevoteMs()));
        p.setProperty("timeout_prevote_delta_ms", Long.toString(timeouts.prevoteDeltaMs()));
        p.setProperty("timeout_precommit_ms", Long.toString(timeouts.precommitMs()));
        p.setProperty("timeout_precommit_delta_ms", Long.toString(timeouts.precommitDeltaMs()));
        p.setProperty("timeout_commit_ms", Long.toString(timeouts.commitMs()));
        p.setProperty("max_block_txs", Integer.toString(maxBlockTxs));
        p.setProperty("mempool_max_txs", Integer.toString(mempoolMaxTxs));
        p.setProperty("gossip_every_ms", Long.toString(gossipEveryMs));
        p.setProperty("metrics_port", Integer.toString(metricsPort));
        p.setProperty("snapshot_every_heights", Long.toString(snapshotEveryHeights));
        Files.createDirectories(home);
        try (Writer w = Files.newBufferedWriter(home.resolve("node.properties"), StandardCharsets.UTF_8)) {
            p.store(w, "AOT validator node");
        }
    }

    public static void writeKey(Path home, KeyPair key) throws IOException {
        Path file = home.resolve("key.properties");
        Files.writeString(file, "# validator private key seed: keep secret\nseed=" + HexFormat.of().formatHex(key.seed())
                + "\npub_key=" + key.publicKey().hex() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    public static KeyPair readKey(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return KeyPair.fromSeed(HexFormat.of().parseHex(p.getProperty("seed")));
    }
}
