package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.storage.FileSnapshotStore;
import io.aot.consensus.types.BlockHeader;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 8 of issue #21 with real validator processes: a restart restores the application from its snapshot and
 * replays only the blocks after it. Four validators snapshot every 50 heights while a client writes keys; node 3 is
 * killed (no shutdown snapshot) past height 300 and restarts from its newest periodic snapshot, then catches up and
 * proposes blocks the others commit (their headers carry its app hash), and writes the same snapshot bytes as node 0.
 * A clean stop snapshots the last height (nothing to replay); a damaged newest snapshot is refused for the previous
 * one; without snapshots the whole chain is replayed, which is what every restart did before.
 */
class AppSnapshotRestartIT {

    private static final String CHAIN = "aot-snapshot-it";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long EVERY = 50;
    private static final Pattern RESTORED = Pattern.compile(
            "restored application state at height (\\d+), replayed (\\d+) blocks \\(.*; restore (\\d+) ms, replay (\\d+) ms\\)");

    @TempDir
    Path dir;

    private final ChildProcess[] nodes = new ChildProcess[4];
    private final List<ChildProcess> all = new ArrayList<>();
    private final AtomicBoolean submitting = new AtomicBoolean(true);
    private Testnet.Layout layout;
    private int starts;

    @AfterEach
    void stopAll() {
        submitting.set(false);
        all.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    /** What a start logged: the height restored and the blocks replayed, and how long each took. */
    private record Restart(long height, long replayed, long restoreMs, long replayMs) {
    }

    @Test
    void aRestartReplaysOnlyTheBlocksAfterTheNewestSnapshotAndReachesTheSameState() throws Exception {
        layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN, new TimeoutConfig(500, 250, 250, 100, 250, 100, 20));
        for (Path home : layout.homes()) {
            NodeConfig.read(home).withSnapshotEveryHeights(EVERY).write();
        }
        for (int i = 0; i < 4; i++) {
            nodes[i] = start(i);
        }
        Thread client = new Thread(this::submitLoop, "it-client");
        client.setDaemon(true);
        client.start();

        // A: killed past height 300 (no shutdown snapshot): restored from the newest periodic one.
        awaitHeights(new int[] {0, 1, 2, 3}, 320);
        ProcessHandle.of(nodes[3].pid()).ifPresent(ProcessHandle::destroyForcibly); // kill -9
        nodes[3].stop(Duration.ofSeconds(5));
        List<Path> kept = snapshots(3).files();
        assertThat(kept).as("the newest two periodic snapshots").hasSize(2);
        long newest = snapshots(3).read(kept.get(0)).height();
        assertThat(newest % EVERY).isZero();
        assertThat(newest).isGreaterThanOrEqualTo(300 - EVERY);
        awaitHeights(new int[] {0, 1, 2}, height(0) + 20);

        nodes[3] = start(3);
        Restart killed = awaitRestart(nodes[3]);
        assertThat(killed.height()).as("restored at the newest snapshot").isEqualTo(newest);
        assertThat(killed.replayed()).as("only the blocks after it (written while the snapshot was)")
                .isBetween(0L, 2 * EVERY).isLessThan(killed.height());
        long restartedAt = killed.height() + killed.replayed();

        // Same state as the others: blocks it proposed after the restart are committed by all (each header carries the
        // proposer's app hash, which the others check against theirs), and its next snapshot is node 0's, byte for byte.
        String address = NodeConfig.readKey(layout.homes().get(3).resolve("key.properties")).publicKey().address();
        awaitHeights(new int[] {0, 1, 2, 3}, height(0) + 3);
        long proposedByIt = awaitProposalCommittedFrom(address, restartedAt + 1);
        assertThat(proposedByIt).isGreaterThan(restartedAt);
        long nextSnapshot = (restartedAt / EVERY + 1) * EVERY;
        awaitHeights(new int[] {3}, nextSnapshot);
        Path mine = awaitFile(3, nextSnapshot);
        Path node0 = layout.homes().get(0).resolve("data").resolve(mine.getFileName());
        assertThat(Files.readAllBytes(mine)).as("snapshot %d of node 3 and node 0", nextSnapshot)
                .isEqualTo(Files.readAllBytes(node0));

        // B: a clean stop snapshots the last height: nothing to replay.
        nodes[3].stop(Duration.ofSeconds(20));
        long stoppedAt = snapshots(3).read(snapshots(3).files().get(0)).height();
        nodes[3] = start(3);
        Restart clean = awaitRestart(nodes[3]);
        assertThat(clean.height()).isEqualTo(stoppedAt);
        assertThat(clean.replayed()).isZero();
        awaitHeights(new int[] {0, 1, 2, 3}, height(0) + 3);
        try (ValidatorClient restarted = client(3); ValidatorClient other = client(0)) {
            // Results are rebuilt only by replay: none below the snapshot here (BlockSource reads them elsewhere).
            assertThat(restarted.results(clean.height())).isNull();
            assertThat(other.results(clean.height())).isNotNull();
            assertThat(restarted.results(clean.height() + 1)).isNotNull();
        }

        // C: a damaged newest snapshot is refused; the previous one is used, and the blocks after it replayed.
        nodes[3].stop(Duration.ofSeconds(20));
        List<Path> files = snapshots(3).files();
        long damagedHeight = snapshots(3).read(files.get(0)).height();
        long previous = snapshots(3).read(files.get(1)).height();
        byte[] bytes = Files.readAllBytes(files.get(0));
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(files.get(0), bytes);
        nodes[3] = start(3);
        Restart fallback = awaitRestart(nodes[3]);
        assertThat(nodes[3].logTail(200)).contains("application snapshot refused: " + files.get(0) + " is damaged");
        assertThat(fallback.height()).isEqualTo(previous);
        assertThat(fallback.replayed()).isEqualTo(damagedHeight - previous);
        awaitHeights(new int[] {0, 1, 2, 3}, height(0) + 3);

        // D: without snapshots, what every restart did before: the whole chain into the application.
        ChildProcess stopped = nodes[3];
        stopped.stop(Duration.ofSeconds(20));
        assertThat(snapshots(3).files().get(0)).as("a clean stop writes a snapshot at the last height; log:%n%s",
                stopped.logTail(40)).isNotEqualTo(files.get(0));
        long lastHeight = snapshots(3).read(snapshots(3).files().get(0)).height();
        for (Path f : snapshots(3).files()) {
            Files.delete(f);
        }
        nodes[3] = start(3);
        Restart fromGenesis = awaitRestart(nodes[3]);
        assertThat(fromGenesis.height()).isZero();
        assertThat(fromGenesis.replayed()).isEqualTo(lastHeight);
        awaitHeights(new int[] {0, 1, 2, 3}, height(0) + 3);
        submitting.set(false);

        System.out.printf("app snapshot restarts of node 3: killed: at %d + %d blocks (%d + %d ms); clean: at %d + 0"
                + " (%d + %d ms); damaged newest: at %d + %d (%d + %d ms); no snapshot: genesis + %d blocks (%d + %d ms)%n",
                killed.height(), killed.replayed(), killed.restoreMs(), killed.replayMs(), clean.height(),
                clean.restoreMs(), clean.replayMs(), fallback.height(), fallback.replayed(), fallback.restoreMs(),
                fallback.replayMs(), fromGenesis.replayed(), fromGenesis.restoreMs(), fromGenesis.replayMs());
    }

    private FileSnapshotStore snapshots(int node) {
        return new FileSnapshotStore(layout.homes().get(node).resolve("data"));
    }

    private Path awaitFile(int node, long height) throws InterruptedException {
        Path f = layout.homes().get(node).resolve("data").resolve(String.format("snapshot-%020d.bin", height));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(f) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(f).exists();
        return f;
    }

    /** The first height from {@code from} whose committed block was proposed by {@code address}. */
    private long awaitProposalCommittedFrom(String address, long from) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long h = from;
        while (System.nanoTime() < deadline) {
            try (ValidatorClient c = client(0)) {
                var b = c.block(h);
                if (b == null) {
                    Thread.sleep(100);
                    continue;
                }
                BlockHeader header = b.block().header();
                if (header.proposerAddress().equals(address)) {
                    return h;
                }
                h++;
            }
        }
        throw new AssertionError("no block proposed by " + address + " committed from height " + from + " to " + h);
    }

    private Restart awaitRestart(ChildProcess p) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(p.logFile(), StandardCharsets.UTF_8)) {
                Matcher m = RESTORED.matcher(line);
                if (m.find()) {
                    return new Restart(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                            Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
                }
            }
            assertThat(p.isAlive()).as("%s is running; log:%n%s", p.name(), p.logTail(30)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("no restore line within " + WAIT + "; log:\n" + p.logTail(30));
    }

    private ChildProcess start(int i) {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        Path home = layout.homes().get(i);
        ChildProcess p = ChildJvm.named("snapshot-it-node" + i + "-" + starts).classpath(cp)
                .jvmArgs("-Xmx192m", "-XX:+UseSerialGC").mainClass(ValidatorMain.class.getName())
                .args("--home", home.toString()).workDir(home, false)
                .logFile(dir.resolve("node" + i + "-" + starts++ + ".log")).start();
        all.add(p);
        return p;
    }

    private ValidatorClient client(int i) throws IOException {
        return new ValidatorClient(CHAIN, new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(i)));
    }

    private long height(int i) throws IOException {
        try (ValidatorClient c = client(i)) {
            return c.latestHeight();
        }
    }

    private void awaitHeights(int[] which, long height) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i : which) {
            long seen = -1;
            while (System.nanoTime() < deadline) {
                try {
                    seen = height(i);
                    if (seen >= height) {
                        break;
                    }
                } catch (IOException starting) {
                    // not up yet
                }
                Thread.sleep(100);
            }
            assertThat(seen).as("node %d's height within %s; log:%n%s", i, WAIT, nodes[i].logTail(30))
                    .isGreaterThanOrEqualTo(height);
        }
    }

    /** Keys written by a client to nodes 0..2, so the snapshots hold a state that grows. */
    private void submitLoop() {
        KeyPair endorser;
        try {
            endorser = NodeConfig.readKey(layout.endorserKey());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long n = 0;
        while (submitting.get()) {
            for (int node = 0; node < 3 && submitting.get(); node++) {
                try (ValidatorClient c = client(node)) {
                    while (submitting.get()) {
                        List<byte[]> batch = new ArrayList<>();
                        for (int i = 0; i < 20; i++, n++) {
                            batch.add(("key" + n % 500 + "=value" + n).getBytes(StandardCharsets.UTF_8));
                        }
                        c.submitBatch(batch, endorser);
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // that validator is restarting: the next one
                }
            }
        }
    }
}
