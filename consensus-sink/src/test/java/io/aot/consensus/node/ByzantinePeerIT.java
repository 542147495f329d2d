package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.engine.ConsensusCheckpoint;
import io.aot.consensus.engine.ConsensusContext;
import io.aot.consensus.engine.EngineConfig;
import io.aot.consensus.engine.InMemoryBlockStore;
import io.aot.consensus.engine.SignerGuard;
import io.aot.consensus.engine.SynchronyParams;
import io.aot.consensus.engine.TendermintEngine;
import io.aot.consensus.engine.Timeout;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's real-process test: three validator processes on loopback and a fourth validator, run by this test
 * in-process from the real engine, codec, frames and peer network, that lies (one of four: f = 1). It relays every
 * proposal it hears as a poisoned copy (the genuine signed header with another body; fault 1), proposes its own blocks
 * poisoned-first to one validator, re-signed at {@code Long.MAX_VALUE}, a day ahead and at 1 ms (fault 3), or with more
 * transaction bytes than a frame leaves room for (fault 5); it withholds its precommits, so the three honest ones
 * carry every decision; and it dials each honest validator again and again with crafted frames (fault 2): statuses at
 * 0, -1 and {@code Long.MAX_VALUE}, votes at round {@code Integer.MAX_VALUE} or from an index outside the set,
 * proposals whose valid round is not below their round, truncated and random payloads, a frame announced above 16 MiB.
 *
 * <p>The three honest processes must stay up, commit at least {@value #HEIGHTS_DURING_ATTACK} heights during the
 * attack, agree block by block, keep every block time within the genesis synchrony bounds of the wall clock, cut the
 * connection of every frame the codec refuses, report the attacks in their status lines, and log no thread killed by an
 * exception.
 */
class ByzantinePeerIT {

    private static final String CHAIN = "aot-byzantine-it";
    private static final TimeoutConfig TIMEOUTS = new TimeoutConfig(1000, 500, 500, 250, 500, 250, 200);
    private static final int HONEST = 3;
    private static final int BYZANTINE_NODE = 3; // layout node whose key the test holds
    private static final long HEIGHTS_DURING_ATTACK = 10;
    private static final Duration START_WAIT = Duration.ofSeconds(30);
    private static final Duration ATTACK_WAIT = Duration.ofSeconds(120);
    /** ValidatorMain prints a status line every 5 s; counters are cumulative, so the next line after the attack. */
    private static final Duration STATUS_WAIT = Duration.ofSeconds(12);
    /** Connections held open per kind: 2 x 4 x 16 MiB announced is most of the 192 MiB heap of the validator processes. */
    private static final int HELD_CONNECTIONS_PER_KIND = 4; // within the honest validators' inbound-connection bound
    private static final Pattern COUNTER = Pattern.compile("([a-z][a-z-]*)=(\\d+)");

    @TempDir
    Path dir;

    private final ChildProcess[] nodes = new ChildProcess[HONEST];
    private final AtomicBoolean submitting = new AtomicBoolean(true);
    /** Wall-clock time at which some honest validator was first seen at each height: an upper bound on commit time. */
    private final Map<Long, Long> firstSeenAtMs = new ConcurrentHashMap<>();
    private long highestSeen;
    private Testnet.Layout layout;
    private ByzantineValidator byzantine;
    private Thread client;

    @AfterEach
    void stopAll() throws Exception {
        submitting.set(false);
        if (byzantine != null) {
            byzantine.close();
        }
        for (ChildProcess n : nodes) {
            if (n != null) {
                n.stop(Duration.ofSeconds(5));
            }
        }
        if (client != null) {
            client.join(5_000);
        }
    }

    @Test
    void threeHonestValidatorsKeepCommittingAndAgreeWhileTheFourthLies() throws Exception {
        long testStartMs = System.currentTimeMillis();
        Phases phases = new Phases();
        layout = Testnet.init(dir, 4, FreePorts.allocate(8), CHAIN, TIMEOUTS);
        for (int i = 0; i < HONEST; i++) {
            nodes[i] = start(i);
        }
        Path byzantineHome = layout.homes().get(BYZANTINE_NODE);
        Genesis genesis = Genesis.read(byzantineHome.resolve("genesis.properties"));
        byzantine = new ByzantineValidator(genesis, NodeConfig.read(byzantineHome),
                NodeConfig.readKey(byzantineHome.resolve("key.properties")));
        KeyPair endorser = NodeConfig.readKey(layout.endorserKey());
        client = new Thread(() -> submitLoop(endorser), "it-client");
        client.setDaemon(true);
        client.start();

        awaitHonest(h -> Arrays.stream(h).allMatch(x -> x >= 2), START_WAIT, "a chain to attack (height 2)");
        long[] atStart = honestHeights();
        phases.done("start 3 validator processes and the Byzantine node, height 2");
        byzantine.startAttacks();
        awaitHonest(h -> {
            for (int i = 0; i < HONEST; i++) {
                if (h[i] < atStart[i] + HEIGHTS_DURING_ATTACK) {
                    return false;
                }
            }
            // Made is not received: a 16 MiB proposal can arrive after its round or on a connection the Byzantine
            // node's next dial replaced. The attack goes on until every honest validator has counted each proposal lie.
            return byzantine.everyAttackDone() && everyHonestCounted(PROPOSAL_LIES);
        }, ATTACK_WAIT, HEIGHTS_DURING_ATTACK + " more heights each, with every attack made at least once and each"
                + " proposal lie counted by every honest validator " + PROPOSAL_LIES);
        byzantine.stopAttacks();
        long[] atEnd = honestHeights();
        phases.done("attack: heights " + Arrays.toString(atStart) + " -> " + Arrays.toString(atEnd) + "; "
                + byzantine.summary());

        for (int i = 0; i < HONEST; i++) {
            assertThat(nodes[i].isAlive()).as("honest validator %d is up; log:%n%s", i, nodes[i].logTail(30)).isTrue();
            assertThat(atEnd[i] - atStart[i]).as("heights validator %d committed during the attack", i)
                    .isGreaterThanOrEqualTo(HEIGHTS_DURING_ATTACK);
        }
        assertThat(byzantine.failures()).as("the Byzantine node's own code ran without errors").isEmpty();
        assertThat(byzantine.unclosedConnections())
                .as("every frame the codec refuses costs the Byzantine peer its connection").isEmpty();

        checkAgreementAndBlockTimes(genesis.synchrony(), testStartMs);
        phases.done("agreement and block times over " + Arrays.stream(atEnd).min().orElseThrow() + " heights");
        checkHonestCountersShowTheAttacks();
        for (int i = 0; i < HONEST; i++) {
            // e.g. an OutOfMemoryError on a reader thread: the process lives on, deaf to that peer
            String log = Files.readString(nodes[i].logFile(), StandardCharsets.UTF_8);
            assertThat(log).as("validator %d's log has no thread killed by an exception", i)
                    .doesNotContain("Exception in thread").doesNotContain("Error:");
            // Its bounds were derived from its 192 MiB heap (issue 21 item 7), not the fixed ones that exceeded it.
            Matcher budget = Pattern.compile("memory budget: heap (\\d+) KiB for 4 validators: mempool (\\d+) KiB")
                    .matcher(log);
            assertThat(budget.find()).as("validator %d's budget line", i).isTrue();
            assertThat(Long.parseLong(budget.group(1))).isBetween(MemoryBudget.minimumHeapBytes(4) >> 10, 192L << 10);
            long heapKiB = Long.parseLong(budget.group(1));
            assertThat(Long.parseLong(budget.group(2))).as("the mempool's 4/64").isBetween(heapKiB / 16 - 1, heapKiB / 16);
        }
        phases.done("honest counters and logs");
    }

    /** Prints how long each phase took, for the run time the issue asks to keep under 90 s. */
    private static final class Phases {
        private long last = System.nanoTime();

        void done(String what) {
            long now = System.nanoTime();
            System.out.printf("ByzantinePeerIT %,d ms: %s%n", (now - last) / 1_000_000, what);
            last = now;
        }
    }

    /** Same block id at every height from every honest validator; every block time within PBTS bounds of real time. */
    private void checkAgreementAndBlockTimes(SynchronyParams synchrony, long testStartMs) throws Exception {
        long common = Arrays.stream(honestHeights()).min().orElseThrow();
        List<ValidatorClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < HONEST; i++) {
                clients.add(client(i));
            }
            long previousTime = Long.MIN_VALUE;
            for (long h = 1; h <= common; h++) {
                Block reference = null;
                for (int i = 0; i < HONEST; i++) {
                    WireCodec.CommittedBlock b = clients.get(i).block(h);
                    assertThat(b).as("validator %d has block %d", i, h).isNotNull();
                    reference = reference == null ? b.block() : reference;
                    assertThat(b.block().id()).as("validator %d block %d", i, h).isEqualTo(reference.id());
                }
                long time = reference.header().timeMillis();
                // Honest clocks are this machine's: a decided block's time is no later than when it was seen plus the
                // precision, and no earlier than this test's start less precision and message delay.
                Long seenAt = firstSeenAtMs.get(h);
                long notAfter = (seenAt == null ? System.currentTimeMillis() : seenAt) + synchrony.precisionMs();
                long notBefore = testStartMs - synchrony.precisionMs() - synchrony.messageDelayMs(0);
                assertThat(time).as("time of block %d (%s)", h, reference).isBetween(notBefore, notAfter);
                assertThat(time).as("block %d after block %d", h, h - 1).isGreaterThan(previousTime);
                previousTime = time;
            }
        } finally {
            for (ValidatorClient c : clients) {
                c.close();
            }
        }
    }

    /** Each honest validator's status line counts what it was sent: refused frames, drops, untimely proposals. */
    private void checkHonestCountersShowTheAttacks() throws Exception {
        Map<Integer, Integer> nodeBySetIndex = new TreeMap<>();
        ValidatorSet set = byzantine.validators;
        for (int i = 0; i < HONEST; i++) {
            nodeBySetIndex.put(set.indexOf(NodeConfig.readKey(layout.homes().get(i).resolve("key.properties"))
                    .publicKey()), i);
        }
        for (var e : nodeBySetIndex.entrySet()) {
            int peer = e.getKey();
            int node = e.getValue();
            long refused = byzantine.refusedFramesSent(peer);
            long oversized = byzantine.oversizedAnnouncementsSent(peer);
            // A validator keeps one inbound connection per peer: when the Byzantine node's next connection (a redial,
            // or its gossip link) replaced one before its bad frame was read, that frame was never read. Each
            // replacement is counted, so every frame sent is either refused or on a replaced connection.
            Status status = awaitStatus(node, s -> s.malformed + replaced(s) >= refused
                    && s.network.getOrDefault("frame-too-large", 0L) + replaced(s) >= oversized);
            assertThat(refused).as("frames sent to validator %d that the codec must refuse", node).isPositive();
            assertThat(status.malformed + replaced(status))
                    .as("validator %d counted each refused frame not on a replaced connection: %s", node, status.line)
                    .isGreaterThanOrEqualTo(refused);
            assertThat(status.malformed).as("most were read: %s", status.line).isGreaterThan(refused / 2);
            assertThat(status.network.getOrDefault("peer-disconnected-bad-frame", 0L) + replaced(status))
                    .as("validator %d cut the connection of each: %s", node, status.line)
                    .isGreaterThanOrEqualTo(refused);
            assertThat(status.network.getOrDefault("frame-too-large", 0L) + replaced(status))
                    .as("validator %d refused each frame announced above %d bytes: %s", node, Frames.MAX_FRAME_BYTES,
                            status.line)
                    .isGreaterThanOrEqualTo(oversized);
            assertThat(status.network.getOrDefault("frame-too-large", 0L)).isPositive();
            assertThat(status.network).as("validator %d accepted every redial's handshake: %s", node, status.line)
                    .doesNotContainKey("handshake-refused");
            System.out.println("ByzantinePeerIT validator " + node + ": " + status.line);
            assertThat(status.dropped).as("validator %d dropped the extreme votes: %s", node, status.line)
                    .containsKeys("bad-vote-round", "unknown-validator");
            assertThat(status.dropped).as("validator %d prevoted nil on the re-timed proposals: %s", node, status.line)
                    .containsKey("untimely-proposal");
            assertThat(status.dropped).as("validator %d refused the block above the frame bound: %s", node,
                    status.line).containsKey("invalid-block");
            assertThat(status.dropped).as("validator %d dropped the poisoned copy sent to it first: %s", node,
                    status.line).containsKey("body-mismatch");
        }
    }

    private static long replaced(Status s) {
        return s.network.getOrDefault("inbound-replaced", 0L);
    }

    // ---------------------------------------------------------------- the honest processes

    private ChildProcess start(int i) {
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        return ChildJvm.named("validator" + i)
                .classpath(cp)
                .jvmArgs("-Xmx192m", "-XX:+UseSerialGC")
                .mainClass(ValidatorMain.class.getName())
                .args("--home", layout.homes().get(i).toString())
                .workDir(layout.homes().get(i), false)
                .logFile(layout.homes().get(i).resolve("validator.log"))
                .start();
    }

    private void submitLoop(KeyPair endorser) {
        long n = 0;
        while (submitting.get()) {
            for (int node = 0; node < HONEST && submitting.get(); node++) {
                try (ValidatorClient c = client(node)) {
                    while (submitting.get()) {
                        List<byte[]> batch = new ArrayList<>();
                        for (int i = 0; i < 50; i++, n++) {
                            batch.add(("key" + n + "=value" + n).getBytes(StandardCharsets.UTF_8));
                        }
                        c.submitBatch(batch, endorser);
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    // not up yet: try another
                }
            }
        }
    }

    private interface HeightCondition {
        boolean holds(long[] heights) throws Exception;
    }

    /** The drops each honest validator must count: a re-timed, a poisoned-first and an oversized proposal. */
    private static final List<String> PROPOSAL_LIES = List.of("untimely-proposal", "body-mismatch", "invalid-block");

    /** Whether every honest validator's latest status line counts each of {@code drops}. */
    private boolean everyHonestCounted(List<String> drops) throws Exception {
        for (int i = 0; i < HONEST; i++) {
            Status last = latestStatus(i);
            if (last == null || !last.dropped.keySet().containsAll(drops)) {
                return false;
            }
        }
        return true;
    }

    private Status latestStatus(int node) throws Exception {
        List<String> lines = Files.readAllLines(nodes[node].logFile(), StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("validator ") && lines.get(i).contains(": height ")) {
                return Status.parse(lines.get(i));
            }
        }
        return null;
    }

    /** Polls the honest heights until the condition holds; fails at once if an honest process exits. */
    private void awaitHonest(HeightCondition condition, Duration wait, String what) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        long[] h = honestHeights();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < HONEST; i++) {
                assertThat(nodes[i].isAlive()).as("honest validator %d exited; log:%n%s", i, nodes[i].logTail(40))
                        .isTrue();
            }
            if (condition.holds(h)) {
                return;
            }
            Thread.sleep(200);
            h = honestHeights();
        }
        StringBuilder why = new StringBuilder("honest validators did not reach " + what + ": heights "
                + Arrays.toString(h) + "; Byzantine node: " + byzantine.summary());
        for (int i = 0; i < HONEST; i++) {
            Status last = latestStatus(i);
            why.append("\n  node ").append(i).append(" (last status: ").append(last == null ? "none" : last.line)
                    .append("):\n").append(nodes[i].logTail(5));
        }
        throw new AssertionError(why.toString());
    }

    private long[] honestHeights() {
        long[] h = new long[HONEST];
        long now = System.currentTimeMillis();
        for (int i = 0; i < HONEST; i++) {
            try (ValidatorClient c = client(i)) {
                h[i] = c.latestHeight();
            } catch (IOException e) {
                h[i] = -1;
            }
            for (long x = highestSeen + 1; x <= h[i]; x++) {
                firstSeenAtMs.put(x, now);
            }
            highestSeen = Math.max(highestSeen, h[i]);
        }
        return h;
    }

    private ValidatorClient client(int i) throws IOException {
        return new ValidatorClient(CHAIN, new InetSocketAddress("127.0.0.1", layout.rpcPorts().get(i)));
    }

    /** The counters of a validator's last status line ({@link ValidatorNode#status()}). */
    private record Status(String line, Map<String, Long> dropped, Map<String, Long> network, long malformed) {
        static Status parse(String line) {
            Matcher m = Pattern.compile("malformed (\\d+)").matcher(line);
            return new Status(line, counters(line, "dropped {"), counters(line, "network {"),
                    m.find() ? Long.parseLong(m.group(1)) : 0);
        }

        private static Map<String, Long> counters(String line, String prefix) {
            Map<String, Long> out = new TreeMap<>();
            int from = line.indexOf(prefix);
            if (from < 0) {
                return out;
            }
            Matcher m = COUNTER.matcher(line.substring(from + prefix.length(), line.indexOf('}', from)));
            while (m.find()) {
                out.put(m.group(1), Long.parseLong(m.group(2)));
            }
            return out;
        }
    }

    private interface StatusCondition {
        boolean holds(Status status);
    }

    /** The node's latest status line, once it satisfies the condition (or the last one seen, to fail on). */
    private Status awaitStatus(int node, StatusCondition condition) throws Exception {
        long deadline = System.nanoTime() + STATUS_WAIT.toNanos();
        Status last = null;
        while (System.nanoTime() < deadline) {
            Status latest = latestStatus(node);
            last = latest != null ? latest : last;
            if (last != null && condition.holds(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        assertThat(last).as("validator %d printed a status line", node).isNotNull();
        return last;
    }

    // ---------------------------------------------------------------- the Byzantine validator

    /**
     * Validator {@code node3}, in this JVM: the real engine with the key/value application and a memory store, on the
     * real {@link PeerNetwork}, whose {@link ConsensusContext} lies once {@link #startAttacks()} is called; and a
     * thread that dials each honest validator with the same handshake and sends crafted frames.
     */
    private static final class ByzantineValidator implements ConsensusContext, AutoCloseable {

        private enum Turn { RETIMED, POISONED_FIRST, OVERSIZED }

        /** Connections tried per proposer-turn send before giving the lie up (the next turn of its kind lies again). */
        private static final int LIE_ATTEMPTS = 3;

        final ValidatorSet validators;
        private final String chainId;
        private final KeyPair key;
        private final int self;
        private final long maxBlockTxBytes;
        private final Map<Integer, InetSocketAddress> honestAddresses = new TreeMap<>();
        private final int[] honest;
        private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
        private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "byzantine-loop");
            t.setDaemon(true);
            return t;
        });
        private final TendermintEngine engine;
        private final PeerNetwork network;
        private final Random random = new Random(21);
        private final Set<String> relayed = ConcurrentHashMap.newKeySet();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final List<String> unclosed = new CopyOnWriteArrayList<>();
        private final Map<Integer, AtomicLong> refusedSent = new ConcurrentHashMap<>();
        private final Map<Integer, AtomicLong> oversizedSent = new ConcurrentHashMap<>();
        /** Crafted connections the validator closed (replaced by a newer one of this node) before a frame went out. */
        private final AtomicLong closedBeforeSent = new AtomicLong();
        private final Map<Turn, AtomicLong> turns = new ConcurrentHashMap<>();
        private final AtomicLong poisonedRelays = new AtomicLong();
        private final AtomicLong precommitsWithheld = new AtomicLong();
        private final AtomicLong craftedCycles = new AtomicLong();
        private final AtomicLong turnCount = new AtomicLong();
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        /**
         * Held by every crafted dial and by each proposer-turn send. A dial with this node's key replaces its gossip
         * link at the honest validator, and the gossip link's writer only notices at its next write: a lie sent on it
         * while the crafter redials is lost without a trace (in CI, for 20 turns in a row). So each turn's lies go on
         * a connection of their own, which no crafted dial replaces until the validator has read them. Taken by
         * {@link #dial}, released when the connection is closed or {@linkplain Peer#detach() detached}.
         */
        private final ReentrantLock dialLock = new ReentrantLock();
        private final ExecutorService liar = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "byzantine-liar");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean started;
        private volatile boolean attacking;
        private volatile boolean closed;
        private volatile long height = 1;
        private volatile Proposal lastProposalSeen;
        private Thread crafter;

        ByzantineValidator(Genesis genesis, NodeConfig config, KeyPair key) throws IOException {
            this.validators = genesis.validatorSet();
            this.chainId = genesis.chainId();
            this.key = key;
            this.self = validators.indexOf(key.publicKey());
            EngineConfig engineConfig = ValidatorNode.engineConfig(genesis, config, // the honest nodes' bounds
                    MemoryBudget.forThisJvm(genesis.validatorSet().size()));
            this.maxBlockTxBytes = engineConfig.maxBlockBytes();
            config.peers().forEach((index, address) -> {
                if (index != self) {
                    honestAddresses.put(index, address);
                }
            });
            this.honest = honestAddresses.keySet().stream().mapToInt(Integer::intValue).toArray();
            SignerGuard.Store memory = new SignerGuard.Store() {
                private SignerGuard.LastSigned last;

                @Override
                public SignerGuard.LastSigned load() {
                    return last;
                }

                @Override
                public void save(SignerGuard.LastSigned state) {
                    last = state;
                }
            };
            this.engine = new TendermintEngine(engineConfig, validators, self, new SignerGuard(key::sign, memory),
                    new KeyValueApplication(), new InMemoryBlockStore(), this);
            this.network = new PeerNetwork(chainId, key, validators, config.p2pPort(), config.peers(), this::onFrame);
            post(() -> {
                engine.start(null);
                started = true;
            });
            loop.scheduleWithFixedDelay(() -> post(this::gossip), 200, 200, TimeUnit.MILLISECONDS);
        }

        void startAttacks() {
            attacking = true;
            crafter = new Thread(this::craftedFrameLoop, "byzantine-crafter");
            crafter.setDaemon(true);
            crafter.start();
        }

        void stopAttacks() throws InterruptedException {
            attacking = false;
            if (crafter != null) {
                crafter.join(15_000);
            }
            closeHeld();
        }

        /**
         * Every kind of proposer turn made at least as many times as there are honest validators (so the poisoned-first
         * copy went to each), and two rounds of crafted frames to every honest validator.
         */
        boolean everyAttackDone() {
            return Arrays.stream(Turn.values()).allMatch(t -> turns.getOrDefault(t, new AtomicLong()).get() >= honest.length)
                    && craftedCycles.get() >= 2 && poisonedRelays.get() > 0;
        }

        long refusedFramesSent(int peer) {
            return refusedSent.getOrDefault(peer, new AtomicLong()).get();
        }

        long oversizedAnnouncementsSent(int peer) {
            return oversizedSent.getOrDefault(peer, new AtomicLong()).get();
        }

            List<String> failures() {
            return failures;
        }

        List<String> unclosedConnections() {
            return unclosed;
        }

        String summary() {
            return "Byzantine validator " + self + " at height " + height + ": turns " + turns + ", poisoned relays "
                    + poisonedRelays + ", precommits withheld " + precommitsWithheld + ", crafted cycles "
                    + craftedCycles + ", refused frames sent " + refusedSent + ", oversized announcements "
                    + oversizedSent + ", closed before sent " + closedBeforeSent + ", engine dropped " + engine.dropped() + ", network " + network.counters();
        }

        // ------------------------------------------------------------ the engine's world

        private void post(Runnable r) {
            if (closed) {
                return;
            }
            try {
                loop.execute(() -> {
                    try {
                        r.run();
                        height = engine.height();
                    } catch (RuntimeException e) {
                        if (!closed) {
                            failures.add(e.toString());
                            e.printStackTrace();
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }

        /** On the peer's reader thread: a proposal is relayed poisoned at once, before the engine even sees it. */
        private boolean onFrame(int peer, byte[] frame) {
            Object message;
            try {
                message = codec.decodeMessage(frame);
            } catch (CanonicalReader.MalformedException e) {
                failures.add("an honest validator sent a malformed frame: " + e.getMessage());
                return false;
            }
            if (message instanceof Proposal p) {
                lastProposalSeen = p;
                if (attacking) {
                    relayPoisoned(p);
                }
            }
            if (started) {
                post(() -> {
                    if (message instanceof Proposal p) {
                        engine.onProposal(p);
                    } else if (message instanceof Vote v) {
                        engine.onVote(v);
                    } else if (message instanceof WireCodec.CommittedBlock c) {
                        engine.onCommittedBlock(c.block(), c.certificate());
                    }
                    // Status: serves no one; mempool batches: never says it holds them.
                });
            }
            return true;
        }

        private void relayPoisoned(Proposal p) {
            if (!p.block().bodyMatchesHeader() || !relayed.add(p.height() + "/" + p.round() + "/" + p.block().id())) {
                return;
            }
            byte[] copy = codec.encodeMessage(new Proposal(p.height(), p.round(), p.validRound(), poisoned(p.block()),
                    p.proposerIndex(), p.signature()));
            for (int peer : honest) {
                network.send(peer, copy);
            }
            poisonedRelays.incrementAndGet();
        }

        /** The same header (so the same id and the genuine signature) with another body. */
        private static Block poisoned(Block b) {
            if (!b.txs().isEmpty()) {
                return new Block(b.header(), List.of(), b.lastCommit());
            }
            CommitCertificate c = b.lastCommit();
            if (c != null) {
                return new Block(b.header(), b.txs(), new CommitCertificate(c.height(), c.round(), c.blockId(),
                        c.signatures().subList(0, 1))); // one signature: not a quorum
            }
            return new Block(b.header(), List.of("poison=1".getBytes(StandardCharsets.UTF_8)), null);
        }

        private void gossip() {
            network.broadcast(codec.encodeMessage(new WireCodec.Status(engine.height())));
            int peer = honest[random.nextInt(honest.length)];
            for (Object m : engine.currentHeightMessages()) {
                if (attacking && (m instanceof Vote v && v.validatorIndex() == self && v.type() == VoteType.PRECOMMIT
                        || m instanceof Proposal p && p.proposerIndex() == self)) {
                    continue; // withheld, or the genuine proposal it lied about
                }
                network.send(peer, codec.encodeMessage(m));
            }
        }

        @Override
        public void broadcastProposal(Proposal proposal) {
            Proposal heard = lastProposalSeen;
            if (!attacking || proposal.validRound() != -1 || heard != null && proposal.height() < heard.height()) {
                // A re-proposal carries a polka and is judged by it, not by its time; a proposal for a height the
                // honest validators have left reaches no check: both are sent as they are, and no turn is counted.
                network.broadcast(codec.encodeMessage(proposal));
                return;
            }
            long n = turnCount.getAndIncrement();
            Turn turn = Turn.values()[(int) (n % Turn.values().length)];
            turns.computeIfAbsent(turn, t -> new AtomicLong()).incrementAndGet();
            long kindTurn = n / Turn.values().length; // how many turns of this kind came before
            Map<Integer, List<byte[]>> lies = new TreeMap<>();
            switch (turn) {
                case RETIMED -> {
                    // A different lie to each, rotating: overflow, far future, far past (CometBFT's PBTS must refuse
                    // all three).
                    long now = System.currentTimeMillis();
                    long[] times = {Long.MAX_VALUE, now + 86_400_000L, 1};
                    for (int i = 0; i < honest.length; i++) {
                        lies.put(honest[i], List.of(codec.encodeMessage(resigned(proposal,
                                retimed(proposal.block(), times[(int) ((i + kindTurn) % times.length)])))));
                    }
                }
                case POISONED_FIRST -> {
                    // The case: one validator gets the genuine header with another body first.
                    int target = honest[(int) (kindTurn % honest.length)];
                    lies.put(target, List.of(codec.encodeMessage(new Proposal(proposal.height(), proposal.round(),
                            proposal.validRound(), poisoned(proposal.block()), self, proposal.signature())),
                            codec.encodeMessage(proposal)));
                    network.broadcast(codec.encodeMessage(proposal));
                }
                case OVERSIZED -> {
                    byte[] frame = codec.encodeMessage(resigned(proposal, oversized(proposal.block())));
                    if (frame.length > Frames.MAX_FRAME_BYTES) {
                        failures.add("the oversized block's proposal of " + frame.length + " bytes is not one frame");
                    }
                    for (int peer : honest) {
                        lies.put(peer, List.of(frame));
                    }
                }
            }
            liar.execute(() -> lies.forEach(this::sendLies));
        }

        /**
         * Sends frames on a connection of their own and waits until the validator closed it after reading them all
         * (it reads to the end of the stream, then closes), with no crafted dial in between.
         */
        private void sendLies(int peer, List<byte[]> frames) {
            for (int attempt = 0; attempt < LIE_ATTEMPTS && !closed; attempt++) {
                try (Peer p = dial(peer)) {
                    for (byte[] f : frames) {
                        Frames.write(p.out, f);
                    }
                    p.out.flush();
                    p.socket.shutdownOutput();
                    p.closedByPeer();
                    return;
                } catch (java.net.ConnectException notListening) {
                    failures.add("proposer-turn lies to validator " + peer + ": " + notListening);
                    return;
                } catch (SocketException replaced) {
                    // This node's gossip link redialed (it is not under dialLock) and the validator closed this
                    // connection as the older one: send the lies again on a new one.
                    closedBeforeSent.incrementAndGet();
                } catch (IOException e) {
                    if (!closed) {
                        failures.add("proposer-turn lies to validator " + peer + ": " + e);
                    }
                    return;
                }
            }
        }

        private static Block retimed(Block b, long timeMillis) {
            BlockHeader h = b.header();
            return new Block(new BlockHeader(h.chainId(), h.height(), timeMillis, h.lastBlockId(), h.lastCommitHash(),
                    h.txRoot(), h.evidenceHash(), h.appHash(), h.proposerAddress(), h.validatorSetHash(), h.txCount()),
                    b.txs(), b.lastCommit(), b.evidence());
        }

        /**
         * The block filled with 4 KiB transactions to just over the validators' transaction-byte bound (what a frame
         * leaves room for): the proposal still fits in one frame, and must be refused as invalid, not stall anyone.
         */
        private Block oversized(Block b) {
            int txBytes = KeyValueApplication.MAX_TX_BYTES;
            int count = (int) (maxBlockTxBytes / txBytes) + 1;
            List<byte[]> txs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] tx = new byte[txBytes];
                Arrays.fill(tx, (byte) 'x');
                byte[] k = ("big" + b.height() + "-" + i + "=").getBytes(StandardCharsets.UTF_8);
                System.arraycopy(k, 0, tx, 0, k.length);
                txs.add(tx);
            }
            BlockHeader h = b.header();
            return new Block(new BlockHeader(h.chainId(), h.height(), h.timeMillis(), h.lastBlockId(),
                    h.lastCommitHash(), MerkleTree.root(txs), h.evidenceHash(), h.appHash(), h.proposerAddress(),
                    h.validatorSetHash(), txs.size()), txs, b.lastCommit(), b.evidence());
        }

        /** Signed again outside the signer guard: what only a faulty validator does. */
        private Proposal resigned(Proposal p, Block block) {
            return new Proposal(p.height(), p.round(), p.validRound(), block, self, key.sign(Proposal.signBytes(chainId,
                    p.height(), p.round(), p.validRound(), block.id())));
        }

        @Override
        public void broadcastVote(Vote vote) {
            if (attacking && vote.type() == VoteType.PRECOMMIT) {
                precommitsWithheld.incrementAndGet(); // the honest three must carry every decision
                return;
            }
            network.broadcast(codec.encodeMessage(vote));
        }

        @Override
        public void scheduleTimeout(Timeout timeout, long delayMs) {
            if (!closed) {
                loop.schedule(() -> post(() -> engine.onTimeout(timeout)), delayMs, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void persist(ConsensusCheckpoint checkpoint) {
        }

        @Override
        public long nowMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
            return List.of();
        }

        @Override
        public void committed(Block block, CommitCertificate certificate) {
        }

        // ------------------------------------------------------------ crafted frames

        private void craftedFrameLoop() {
            for (int peer : honest) {
                try {
                    holdAnnouncedFrames(peer);
                } catch (IOException e) {
                    failures.add("held frames to validator " + peer + ": " + e);
                }
            }
            while (attacking) {
                for (int peer : honest) {
                    try {
                        craftedFrames(peer);
                    } catch (IOException e) {
                        failures.add("crafted frames to validator " + peer + ": " + e);
                    }
                }
                craftedCycles.incrementAndGet();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * Connections that announce the largest frame (after the handshake) or hello (before it), send a little and
         * stay open for the whole attack: together far more than a validator's heap if announced lengths were
         * allocated before their bytes arrive.
         */
        private void holdAnnouncedFrames(int peer) throws IOException {
            for (int i = 0; i < HELD_CONNECTIONS_PER_KIND; i++) {
                Peer p = dial(peer);
                held.add(p.socket);
                p.out.writeInt(Frames.MAX_FRAME_BYTES);
                p.out.write(new byte[1024]);
                p.out.flush();
                p.detach();
            }
            for (int i = 0; i < HELD_CONNECTIONS_PER_KIND; i++) {
                Socket socket = new Socket();
                held.add(socket);
                socket.connect(honestAddresses.get(peer), 5_000);
                socket.setSoTimeout(5_000);
                Frames.read(new DataInputStream(socket.getInputStream())); // the challenge
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(Frames.MAX_FRAME_BYTES); // a "hello" of 16 MiB, from anyone
                out.write(new byte[1024]);
                out.flush();
            }
        }

        private void closeHeld() {
            for (Socket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            held.clear();
        }

        /**
         * One connection per frame the codec must refuse (each must cost it), redialed with the signed handshake each
         * time; the frames the engine drops (valid encodings of impossible values) go first on the first connection.
         */
        private void craftedFrames(int peer) throws IOException {
            // The honest validators' height: the last proposal heard names it; the next height is buffered, then
            // replayed there, so one of the two reaches the engine's checks.
            Proposal heard = lastProposalSeen;
            long h = Math.max(Math.max(1, height), heard == null ? 1 : heard.height());
            Hash some = Hash.sha256(new byte[] {(byte) random.nextInt()});
            Block block = heard != null ? heard.block() : null;

            List<byte[]> engineDrops = new ArrayList<>();
            engineDrops.add(codec.encodeMessage(new WireCodec.Status(Long.MAX_VALUE)));
            engineDrops.add(codec.encodeMessage(signedVote(VoteType.PRECOMMIT, Long.MAX_VALUE, 0, some)));
            for (long at : new long[] {h, h + 1}) {
                engineDrops.add(codec.encodeMessage(signedVote(VoteType.PREVOTE, at, Integer.MAX_VALUE, some)));
                engineDrops.add(codec.encodeMessage(new Vote(VoteType.PREVOTE, at, 0, some, validators.size(),
                        new byte[64])));
                engineDrops.add(codec.encodeMessage(new Vote(VoteType.PRECOMMIT, at, 0, null, Integer.MAX_VALUE,
                        new byte[64])));
            }

            Map<String, byte[]> refused = new java.util.LinkedHashMap<>();
            refused.put("STATUS(0)", codec.encodeMessage(new WireCodec.Status(0)));
            refused.put("STATUS(-1)", codec.encodeMessage(new WireCodec.Status(-1)));
            refused.put("STATUS(Long.MIN_VALUE)", codec.encodeMessage(new WireCodec.Status(Long.MIN_VALUE)));
            refused.put("vote round -1", codec.encodeMessage(signedVote(VoteType.PREVOTE, h, -1, some)));
            refused.put("vote height 0", codec.encodeMessage(signedVote(VoteType.PRECOMMIT, 0, 0, some)));
            refused.put("vote index -1", codec.encodeMessage(new Vote(VoteType.PREVOTE, h, 0, some, -1, new byte[64])));
            if (block != null) {
                refused.put("proposal validRound == round", codec.encodeMessage(
                        new Proposal(block.height(), 1, 1, block, self, new byte[64])));
                refused.put("proposal validRound > round", codec.encodeMessage(
                        new Proposal(block.height(), 0, Integer.MAX_VALUE, block, self, new byte[64])));
                refused.put("proposal height -1", codec.encodeMessage(
                        new Proposal(-1, 0, -1, block, self, new byte[64])));
                CommitCertificate c = block.lastCommit();
                if (c != null) {
                    refused.put("committed block with a certificate of another height", codec.encodeMessage(
                            new WireCodec.CommittedBlock(block, new CommitCertificate(c.height() + 7, c.round(),
                                    c.blockId(), c.signatures()))));
                }
                byte[] proposal = codec.encodeMessage(heard);
                refused.put("truncated proposal", Arrays.copyOf(proposal, proposal.length / 2));
            }
            byte[] vote = codec.encodeMessage(signedVote(VoteType.PREVOTE, h, 0, some));
            refused.put("truncated vote", Arrays.copyOf(vote, vote.length - 1));
            refused.put("vote with a trailing byte", Arrays.copyOf(vote, vote.length + 1));
            refused.put("empty frame", new byte[0]);
            refused.put("unknown type", new byte[] {(byte) 0x7f, 1, 2, 3});
            byte[] noise = new byte[20 + random.nextInt(300)]; // never the 9 bytes of a status
            random.nextBytes(noise);
            noise[0] = (byte) (1 + random.nextInt(6)); // past the type byte, into each decoder
            refused.put("random bytes", noise);
            byte[] batchKey = new byte[32];
            random.nextBytes(batchKey);
            refused.put("mempool batch without a genesis endorser", codec.encodeMessage(new WireCodec.MempoolBatch(
                    batchKey, new byte[64], List.of("k=v".getBytes(StandardCharsets.UTF_8)))));

            boolean first = true;
            for (var e : refused.entrySet()) {
                try (Peer p = dial(peer)) {
                    if (first) {
                        for (byte[] f : engineDrops) {
                            Frames.write(p.out, f);
                        }
                        first = false;
                    }
                    Frames.write(p.out, e.getValue());
                    p.out.flush();
                    refusedSent.computeIfAbsent(peer, k -> new AtomicLong()).incrementAndGet();
                    if (!p.closedByPeer()) {
                        unclosed.add(e.getKey() + " to validator " + peer);
                    }
                } catch (java.net.ConnectException notListening) {
                    throw notListening; // the validator is not listening: a failure, not a replacement
                } catch (SocketException closedWhileSending) {
                    // This node's next dial (its gossip link, or the crafted loop) replaced the connection while the
                    // frames were being written: the validator closed it, as one connection per validator requires,
                    // and counted the replacement. The frame was not sent; the next cycle sends it again.
                    closedBeforeSent.incrementAndGet();
                }
            }
            // Frame-level lies, below the codec: a length above 16 MiB (fault 5's "block larger than a frame"),
            // a negative length, and a frame cut short.
            for (int length : new int[] {Frames.MAX_FRAME_BYTES + 1, Integer.MAX_VALUE, -1}) {
                try (Peer p = dial(peer)) {
                    p.out.writeInt(length);
                    p.out.write(new byte[1024]);
                    p.out.flush();
                    oversizedSent.computeIfAbsent(peer, k -> new AtomicLong()).incrementAndGet();
                    if (!p.closedByPeer()) {
                        unclosed.add("frame announced at " + length + " bytes to validator " + peer);
                    }
                } catch (java.net.ConnectException notListening) {
                    throw notListening;
                } catch (SocketException closedWhileSending) {
                    closedBeforeSent.incrementAndGet(); // as above: a replaced connection
                }
            }
            try (Peer p = dial(peer)) {
                p.out.writeInt(1_000);
                p.out.write(vote, 0, Math.min(vote.length, 10));
                p.out.flush();
                p.socket.shutdownOutput(); // the rest never comes
                if (!p.closedByPeer()) {
                    unclosed.add("truncated frame to validator " + peer);
                }
            }
        }

        private Vote signedVote(VoteType type, long h, int round, Hash blockId) {
            return new Vote(type, h, round, blockId, self, key.sign(Vote.signBytes(chainId, type, h, round, blockId)));
        }

        /**
         * A raw connection that passed the listener's challenge with this validator's key (the real hello), holding
         * {@code dialLock} until closed or detached.
         */
        private record Peer(Socket socket, DataInputStream in, DataOutputStream out,
                ReentrantLock lock) implements AutoCloseable {
            /** The peer closed (or reset) the connection within 5 s. */
            boolean closedByPeer() {
                try {
                    socket.setSoTimeout(5_000);
                    while (true) {
                        if (in.read() < 0) {
                            return true;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (IOException e) {
                    return true; // reset
                }
            }

            /** Leaves the connection open (its owner closes the socket) and lets other dials replace it. */
            void detach() {
                lock.unlock();
            }

            @Override
            public void close() throws IOException {
                try {
                    socket.close();
                } finally {
                    lock.unlock();
                }
            }
        }

        private Peer dial(int peer) throws IOException {
            dialLock.lock();
            Socket socket = new Socket();
            try {
                socket.connect(honestAddresses.get(peer), 5_000);
                socket.setSoTimeout(5_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                byte[] challenge = Frames.read(in);
                Frames.write(out, PeerNetwork.hello(chainId, key, challenge));
                out.flush();
                return new Peer(socket, in, out, dialLock);
            } catch (IOException e) {
                socket.close();
                dialLock.unlock();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            attacking = false;
            closed = true;
            if (crafter != null) {
                crafter.join(15_000);
            }
            closeHeld();
            liar.shutdownNow();
            loop.shutdownNow();
            network.close();
        }
    }
}
