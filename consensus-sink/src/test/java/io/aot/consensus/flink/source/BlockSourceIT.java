package io.aot.consensus.flink.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.Frames;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.node.RpcProtocol;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BlockSource against a Byzantine validator: a real RPC server on a socket speaking the frame protocol, which answers
 * a request for one height with another certified block of the same chain (skip ahead, go back, repeat) and relays the
 * rest to an honest validator process (a one-validator chain). The source must refuse the wrong block, leave that
 * validator for the honest one, and emit every height exactly once, in order.
 */
class BlockSourceIT {

    private static final String CHAIN = "aot-source-it";

    @TempDir
    static Path dir;

    private static ChildProcess validator;
    private static Testnet.Layout layout;
    private static InetSocketAddress honest;

    @BeforeAll
    static void startValidator() throws Exception {
        layout = Testnet.init(dir, 1, FreePorts.allocate(2), CHAIN, new TimeoutConfig(500, 250, 250, 100, 250, 100, 50));
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        Path home = layout.homes().get(0);
        validator = ChildJvm.named("source-it-validator").classpath(cp).jvmArgs("-Xmx192m", "-XX:+UseSerialGC")
                .mainClass(ValidatorMain.class.getName()).args("--home", home.toString()).workDir(home, false)
                .logFile(home.resolve("validator.log")).start();
        honest = new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(0));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (heightOrZero() < 12) {
            assertThat(System.nanoTime()).as("validator reaches height 12; log:\n%s", validator.logTail(10))
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopValidator() {
        validator.stop(Duration.ofSeconds(5));
    }

    private static long heightOrZero() {
        try (ValidatorClient c = new ValidatorClient(CHAIN, honest)) {
            return c.latestHeight();
        } catch (IOException notUpYet) {
            return 0;
        }
    }

    /** Asked for block 1, the Byzantine validator serves block 2 (valid certificate): nothing to link it to yet. */
    @Test
    void aSkipAtTheFirstHeightIsRefused() throws Exception {
        try (ByzantineRpc byzantine = new ByzantineRpc(h -> h == 1 ? 2 : h)) {
            assertThat(emittedHeights(byzantine, 1, 6)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(byzantine.lies.get()).as("the lie was told").isPositive();
        }
    }

    /**
     * Restored at height 5, the reader first fetches block 4 to link to; the Byzantine validator serves block 3. Before
     * the height check the reader linked to the wrong block and refused every honest block 5 after it: a stall.
     */
    @Test
    void aReplayOfTheBlockToLinkToIsRefused() throws Exception {
        try (ByzantineRpc byzantine = new ByzantineRpc(h -> h == 4 ? 3 : h)) {
            assertThat(emittedHeights(byzantine, 5, 9)).containsExactly(5L, 6L, 7L, 8L, 9L);
            assertThat(byzantine.lies.get()).isPositive();
        }
    }

    /** Mid-stream, after 3 the Byzantine validator jumps to 5, or repeats 3: refused, nothing skipped or doubled. */
    @Test
    void aJumpOrARepeatMidStreamIsRefused() throws Exception {
        for (LongUnaryOperator lie : List.<LongUnaryOperator>of(h -> h == 4 ? 5 : h, h -> h == 4 ? 3 : h)) {
            try (ByzantineRpc byzantine = new ByzantineRpc(lie)) {
                assertThat(emittedHeights(byzantine, 1, 7)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
                assertThat(byzantine.lies.get()).isPositive();
            }
        }
    }

    /**
     * A validator restored from an application snapshot holds the blocks below it but not their results (they are
     * rebuilt only by replaying blocks, AppSnapshotRestartIT): the reader must take them from another validator.
     * Before, it waited on that validator for good.
     */
    @Test
    void resultsThatAValidatorDoesNotKeepAreReadFromAnother() throws Exception {
        try (ByzantineRpc restored = new ByzantineRpc(h -> h)) {
            restored.resultsKeptFrom = 6;
            assertThat(emittedHeights(restored, 1, 8)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(restored.resultsRefused.get()).as("it was asked and had none").isPositive();
        }
    }

    /** The client's block stream (SUBSCRIBE) refuses a stream that jumps or repeats before the block is consumed. */
    @Test
    void aSubscriptionThatJumpsOrRepeatsIsRefused() throws Exception {
        for (List<Long> stream : List.of(List.of(1L, 2L, 4L), List.of(1L, 2L, 2L), List.of(2L))) {
            try (ByzantineRpc byzantine = new ByzantineRpc(h -> h);
                    ValidatorClient client = new ValidatorClient(CHAIN, byzantine.address())) {
                byzantine.subscription.addAll(stream);
                List<Long> consumed = new ArrayList<>();
                assertThatThrownBy(() -> client.subscribe(1, b -> consumed.add(b.block().height())))
                        .as("stream %s", stream).isInstanceOf(IOException.class).hasMessageContaining("was next");
                assertThat(consumed).as("stream %s", stream).isEqualTo(stream.subList(0, stream.size() - 1));
            }
        }
    }

    /** Heights of the block records a bounded BlockSource job emits, reading the Byzantine validator first. */
    private static List<Long> emittedHeights(ByzantineRpc byzantine, long from, long to) throws Exception {
        Genesis genesis = Genesis.read(layout.homes().get(0).resolve("genesis.properties"));
        BlockSource source = new BlockSource(BlockSource.Settings.fromGenesis(genesis,
                List.of("127.0.0.1:" + byzantine.address().getPort(), "127.0.0.1:" + honest.getPort()), from, to));
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        List<Long> heights = new CopyOnWriteArrayList<>();
        try (CloseableIterator<CommittedTx> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "chain")
                .executeAndCollect("block-source-it")) {
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> records.forEachRemaining(r -> {
                if (r.blockRecord()) {
                    heights.add(r.height);
                }
            }));
            try {
                done.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the source stalled after emitting " + heights);
            }
        }
        return heights;
    }

    /**
     * A Byzantine validator's RPC port: GET_BLOCK for height h answers the honest block {@code served(h)}; SUBSCRIBE
     * streams the honest blocks listed in {@link #subscription} and hangs up; every other request is relayed.
     */
    private static final class ByzantineRpc implements AutoCloseable {
        private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final LongUnaryOperator served;
        private final List<Long> subscription = new CopyOnWriteArrayList<>();
        private final List<Socket> connections = new CopyOnWriteArrayList<>();
        private final AtomicInteger lies = new AtomicInteger();
        /** GET_RESULTS below this height is answered "not kept", as by a validator restored from a snapshot there. */
        private volatile long resultsKeptFrom = 1;
        private final AtomicInteger resultsRefused = new AtomicInteger();
        private final Thread acceptor;

        ByzantineRpc(LongUnaryOperator served) throws IOException {
            this.served = served;
            acceptor = new Thread(this::accept, "byzantine-rpc");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", server.getLocalPort());
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.add(s);
                    Thread t = new Thread(() -> serve(s), "byzantine-rpc-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; ValidatorClient upstream = new ValidatorClient(CHAIN, honest);
                    Socket relay = new Socket(honest.getAddress(), honest.getPort())) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
                DataInputStream relayIn = new DataInputStream(new BufferedInputStream(relay.getInputStream()));
                DataOutputStream relayOut = new DataOutputStream(new BufferedOutputStream(relay.getOutputStream()));
                while (true) {
                    byte[] request = Frames.read(in);
                    CanonicalReader r = new CanonicalReader(request);
                    int type = r.u8();
                    if (type == RpcProtocol.GET_BLOCK) {
                        long asked = r.i64();
                        long answer = served.applyAsLong(asked);
                        WireCodec.CommittedBlock b = upstream.block(answer);
                        CanonicalWriter w = new CanonicalWriter().bool(b != null);
                        if (b != null) {
                            w.bytes(codec.encodeCommittedBlock(b.block(), b.certificate()));
                            if (answer != asked) {
                                lies.incrementAndGet();
                            }
                        }
                        Frames.write(out, w.toByteArray());
                    } else if (type == RpcProtocol.SUBSCRIBE) {
                        for (long h : subscription) {
                            WireCodec.CommittedBlock b = upstream.block(h);
                            Frames.write(out, codec.encodeCommittedBlock(b.block(), b.certificate()));
                        }
                        out.flush();
                        return;
                    } else if (type == RpcProtocol.GET_RESULTS && r.i64() < resultsKeptFrom) {
                        resultsRefused.incrementAndGet();
                        Frames.write(out, new CanonicalWriter().bool(false).toByteArray());
                    } else {
                        Frames.write(relayOut, request);
                        relayOut.flush();
                        Frames.write(out, Frames.read(relayIn));
                    }
                    out.flush();
                }
            } catch (IOException | CanonicalReader.MalformedException disconnected) {
                // the reader left this validator, or the test ended
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket s : connections) {
                s.close();
            }
            acceptor.join(5_000);
        }
    }
}
