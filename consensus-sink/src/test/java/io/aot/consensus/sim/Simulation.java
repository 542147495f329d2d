package io.aot.consensus.sim;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.engine.ConsensusCheckpoint;
import io.aot.consensus.engine.ConsensusContext;
import io.aot.consensus.engine.EngineConfig;
import io.aot.consensus.engine.InMemoryBlockStore;
import io.aot.consensus.engine.SignerGuard;
import io.aot.consensus.engine.TendermintEngine;
import io.aot.consensus.engine.Timeout;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * All validators of a chain in one thread, over a simulated network and clock, driven by one seed: same seed, same
 * run, event for event. The network delays, drops, duplicates and reorders messages and applies partitions until the
 * global stabilization time (GST); validators crash and restart from their persisted state; up to f are Byzantine.
 * Every run checks agreement, validity, no honest double-sign, and liveness after GST.
 */
public final class Simulation {

    /** What the faulty validators do. */
    public enum Byzantine {
        /** Alive but sends nothing. */
        SILENT,
        /** As proposer, sends different blocks to different peers; votes for each. */
        EQUIVOCATING_PROPOSER,
        /** Sends conflicting prevotes and precommits to different peers. */
        DOUBLE_VOTER,
        /** As proposer, proposes a block whose transactions do not match its header, and votes for it. */
        INVALID_BLOCK_PROPOSER
    }

    /** A fault injected before GST. */
    sealed interface Fault permits Isolate, SplitHalves, OneWay, CrashRestart {
        long from();

        long until();
    }

    record Isolate(int node, long from, long until) implements Fault {
    }

    record SplitHalves(long from, long until) implements Fault {
    }

    /** Messages from {@code a} to {@code b} are lost; the other direction works. */
    record OneWay(int a, int b, long from, long until) implements Fault {
    }

    record CrashRestart(int node, long from, long until) implements Fault {
    }

    /** One run's parameters, all derived from the seed. */
    public record Scenario(long seed, int validators, int byzantineCount, Byzantine byzantine, double dropRate,
            double duplicateRate, long minDelayMs, long maxDelayMs, List<Fault> faults, long gstMs, long targetHeight,
            long livenessBoundMs) {

        public static Scenario fromSeed(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = r.nextInt(4) == 0 ? 7 : 4;
            int f = (n - 1) / 3;
            int byzantineCount = r.nextInt(f + 1);
            Byzantine behaviour = Byzantine.values()[r.nextInt(Byzantine.values().length)];
            long gst = 2_000 + r.nextInt(6_000);
            long minDelay = 1 + r.nextInt(20);
            long maxDelay = minDelay + r.nextInt(300);
            List<Fault> faults = new ArrayList<>();
            int faultCount = r.nextInt(4);
            for (int i = 0; i < faultCount; i++) {
                long from = r.nextInt((int) gst);
                long until = from + r.nextInt((int) (gst - from) + 1);
                switch (r.nextInt(4)) {
                    case 0 -> faults.add(new Isolate(r.nextInt(n), from, until));
                    case 1 -> faults.add(new SplitHalves(from, until));
                    case 2 -> {
                        int a = r.nextInt(n);
                        faults.add(new OneWay(a, (a + 1 + r.nextInt(n - 1)) % n, from, until));
                    }
                    default -> faults.add(new CrashRestart(r.nextInt(n), from, until));
                }
            }
            return new Scenario(seed, n, byzantineCount, behaviour, r.nextDouble() * 0.3, r.nextDouble() * 0.2,
                    minDelay, maxDelay, List.copyOf(faults), gst, 6, 120_000);
        }

        @Override
        public String toString() {
            return "seed " + seed + ": " + validators + " validators, " + byzantineCount + " " + byzantine + ", drop "
                    + String.format("%.2f", dropRate) + ", dup " + String.format("%.2f", duplicateRate) + ", delay "
                    + minDelayMs + "-" + maxDelayMs + " ms, GST " + gstMs + " ms, faults " + faults;
        }
    }

    /** What a run found. {@code failure} is null when every check held. */
    public record Result(Scenario scenario, String failure, long[] heights, long simulatedMs, long deliveries,
            long rounds, long lastCommitSignaturesReused, String diagnostics) {
        public boolean ok() {
            return failure == null;
        }
    }

    private static final String CHAIN_ID = "aot-sim";
    private static final long GOSSIP_EVERY_MS = 300;
    private static final long TX_EVERY_MS = 40;
    private static final int MAX_EVENTS = 5_000_000;
    private static final TimeoutConfig TIMEOUTS = new TimeoutConfig(400, 200, 200, 100, 200, 100, 20);

    private final Scenario scenario;
    private final SplittableRandom random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final ValidatorSet genesis;
    private final Map<Long, Hash> decidedByHeight = new HashMap<>();
    private final Map<String, Hash> honestVotes = new HashMap<>();
    private long now;
    private long seq;
    private long deliveries;
    private long txCounter;
    private String failure;

    private Simulation(Scenario scenario) {
        this.scenario = scenario;
        this.random = new SplittableRandom(scenario.seed() ^ 0x5DEECE66DL);
        List<KeyPair> keys = new ArrayList<>();
        List<Validator> members = new ArrayList<>();
        for (int i = 0; i < scenario.validators(); i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) i;
            seed[1] = (byte) 0xA0;
            KeyPair key = KeyPair.fromSeed(seed);
            keys.add(key);
            members.add(new Validator(key.publicKey(), 10));
        }
        genesis = ValidatorSet.of(members);
        // Byzantine validators are the last ones by set index: which ones is irrelevant, the proposer order rotates.
        for (int i = 0; i < scenario.validators(); i++) {
            KeyPair key = null;
            for (KeyPair k : keys) {
                if (genesis.indexOf(k.publicKey()) == i) {
                    key = k;
                }
            }
            boolean byzantine = i >= scenario.validators() - scenario.byzantineCount();
            nodes.add(new SimNode(i, key, byzantine));
        }
    }

    public static Result run(long seed) {
        return run(Scenario.fromSeed(seed));
    }

    public static Result run(Scenario scenario) {
        return new Simulation(scenario).execute();
    }

    private Result execute() {
        for (SimNode n : nodes) {
            n.boot();
            schedule(random.nextInt((int) GOSSIP_EVERY_MS), new Gossip(n.index));
        }
        schedule(0, new ClientTx());
        for (Fault f : scenario.faults()) {
            if (f instanceof CrashRestart c) {
                schedule(c.from(), new Crash(c.node()));
                schedule(c.until(), new Restart(c.node()));
            }
        }
        long deadline = scenario.gstMs() + scenario.livenessBoundMs();
        int events = 0;
        while (failure == null && !queue.isEmpty() && !allHonestReachedTarget()) {
            Event e = queue.poll();
            if (e.at > deadline) {
                now = deadline;
                break;
            }
            now = e.at;
            if (++events > MAX_EVENTS) {
                failure = "more than " + MAX_EVENTS + " events";
                break;
            }
            e.action.run(this);
        }
        if (failure == null && !allHonestReachedTarget()) {
            failure = "liveness: honest validators did not reach height " + scenario.targetHeight() + " within "
                    + scenario.livenessBoundMs() + " ms after GST; heights " + java.util.Arrays.toString(heights());
        }
        long rounds = nodes.stream().filter(n -> n.engine != null).mapToLong(n -> n.roundsStarted).sum();
        long reused = nodes.stream().filter(n -> n.engine != null).mapToLong(n -> n.engine.lastCommitSignaturesReused())
                .sum();
        StringBuilder diag = new StringBuilder();
        for (SimNode n : nodes) {
            diag.append("\n    v").append(n.index).append(n.byzantine ? " (byzantine)" : "")
                    .append(n.engine == null ? " down" : " h=" + n.engine.height() + " r=" + n.engine.round() + " "
                            + n.engine.step() + " dropped " + n.engine.dropped());
        }
        return new Result(scenario, failure, heights(), now, deliveries, rounds, reused, diag.toString());
    }

    private long[] heights() {
        return nodes.stream().mapToLong(n -> n.store.height()).toArray();
    }

    private boolean allHonestReachedTarget() {
        for (SimNode n : nodes) {
            if (!n.byzantine && n.store.height() < scenario.targetHeight()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- events

    private interface Action {
        void run(Simulation sim);
    }

    private static final class Event implements Comparable<Event> {
        final long at;
        final long seq;
        final Action action;

        Event(long at, long seq, Action action) {
            this.at = at;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(Event o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private void schedule(long delayMs, Action action) {
        queue.add(new Event(now + delayMs, seq++, action));
    }

    private record Deliver(int from, int to, Object message) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.deliveries++;
            sim.nodes.get(to).receive(from, message);
        }
    }

    private record Gossip(int node) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.nodes.get(node).gossip();
            sim.schedule(GOSSIP_EVERY_MS, this);
        }
    }

    private record Crash(int node) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.nodes.get(node).crash();
        }
    }

    private record Restart(int node) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.nodes.get(node).boot();
        }
    }

    private record FireTimeout(int node, long epoch, Timeout timeout) implements Action {
        @Override
        public void run(Simulation sim) {
            SimNode n = sim.nodes.get(node);
            if (n.alive && n.epoch == epoch) {
                n.engine.onTimeout(timeout);
            }
        }
    }

    private static final class ClientTx implements Action {
        @Override
        public void run(Simulation sim) {
            if (sim.txCounter < 2_000) {
                byte[] tx = ("k" + sim.txCounter + "=v" + sim.txCounter).getBytes(StandardCharsets.UTF_8);
                sim.txCounter++;
                for (SimNode n : sim.nodes) {
                    if (n.alive) {
                        n.mempool.putIfAbsent(new String(tx, StandardCharsets.UTF_8), tx);
                    }
                }
            }
            sim.schedule(TX_EVERY_MS, this);
        }
    }

    /** Peers that missed a decided height ask for it by gossiping their height. */
    private record Status(long height) {
    }

    private record CommittedBlock(Block block, CommitCertificate certificate) {
    }

    // ---------------------------------------------------------------- network

    private void send(int from, int to, Object message) {
        if (from == to || blocked(from, to)) {
            return;
        }
        if (now < scenario.gstMs() && random.nextDouble() < scenario.dropRate()) {
            return;
        }
        schedule(delay(), new Deliver(from, to, message));
        if (now < scenario.gstMs() && random.nextDouble() < scenario.duplicateRate()) {
            schedule(delay(), new Deliver(from, to, message));
        }
    }

    private long delay() {
        return scenario.minDelayMs() + random.nextLong(scenario.maxDelayMs() - scenario.minDelayMs() + 1);
    }

    private boolean blocked(int from, int to) {
        for (Fault f : scenario.faults()) {
            if (now < f.from() || now >= f.until()) {
                continue;
            }
            boolean cut = false;
            if (f instanceof Isolate i) {
                cut = from == i.node() || to == i.node();
            } else if (f instanceof SplitHalves) {
                cut = (from < nodes.size() / 2) != (to < nodes.size() / 2);
            } else if (f instanceof OneWay o) {
                cut = from == o.a() && to == o.b();
            }
            if (cut) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- checks

    private void recordDecision(SimNode node, Block block) {
        if (node.byzantine) {
            return;
        }
        Hash previous = decidedByHeight.putIfAbsent(block.height(), block.id());
        if (previous != null && !previous.equals(block.id())) {
            failure = "agreement: height " + block.height() + " decided as " + previous.shortHex() + " and as "
                    + block.id().shortHex() + " (validator " + node.index + ")";
            return;
        }
        KeyValueApplication check = new KeyValueApplication();
        if (!block.txsMatchHeader() || !check.processProposal(block.header(), block.txs())) {
            failure = "validity: validator " + node.index + " decided an invalid block at height " + block.height();
        }
    }

    private void recordHonestVote(SimNode node, Vote v) {
        String key = node.index + "/" + v.height() + "/" + v.round() + "/" + v.type();
        Hash id = v.blockId() == null ? Hash.ZERO : v.blockId();
        Hash previous = honestVotes.putIfAbsent(key, id);
        if (previous != null && !previous.equals(id)) {
            failure = "double sign: honest validator " + node.index + " signed two " + v.type() + "s at height "
                    + v.height() + " round " + v.round();
        }
    }

    // ---------------------------------------------------------------- a validator

    private final class SimNode implements ConsensusContext {
        final int index;
        final KeyPair key;
        final boolean byzantine;
        // Durable: survives a crash.
        final BlockStore store = new InMemoryBlockStore();
        SignerGuard.LastSigned lastSigned;
        ConsensusCheckpoint checkpoint;
        // Volatile: lost in a crash.
        TendermintEngine engine;
        final Map<String, byte[]> mempool = new LinkedHashMap<>();
        boolean alive;
        long epoch;
        long roundsStarted;

        SimNode(int index, KeyPair key, boolean byzantine) {
            this.index = index;
            this.key = key;
            this.byzantine = byzantine;
        }

        void boot() {
            epoch++;
            alive = true;
            SignerGuard.Store guardStore = new SignerGuard.Store() {
                @Override
                public SignerGuard.LastSigned load() {
                    return lastSigned;
                }

                @Override
                public void save(SignerGuard.LastSigned state) {
                    lastSigned = state;
                }
            };
            // A Byzantine validator's own engine keeps it in step; its lies are added in broadcast*.
            SignerGuard guard = new SignerGuard(key::sign, guardStore);
            engine = new TendermintEngine(EngineConfig.defaults(CHAIN_ID).withTimeouts(TIMEOUTS), genesis, index, guard,
                    new KeyValueApplication(), store, this);
            engine.start(checkpoint);
        }

        void crash() {
            alive = false;
            engine = null;
            mempool.clear();
        }

        void receive(int from, Object message) {
            if (!alive) {
                return;
            }
            if (message instanceof Proposal p) {
                engine.onProposal(p);
            } else if (message instanceof Vote v) {
                engine.onVote(v);
            } else if (message instanceof Status s) {
                if (s.height() < engine.height()) {
                    BlockStore.Entry e = store.load(s.height());
                    send(index, from, new CommittedBlock(e.block(), e.certificate()));
                }
            } else if (message instanceof CommittedBlock c) {
                engine.onCommittedBlock(c.block(), c.certificate());
            } else {
                throw new IllegalStateException("unknown message " + message);
            }
        }

        void gossip() {
            if (!alive || byzantine && scenario.byzantine() == Byzantine.SILENT) {
                return;
            }
            for (SimNode peer : nodes) {
                send(index, peer.index, new Status(engine.height()));
            }
            // Everything we hold to one random peer per tick: every message spreads, at O(messages) per tick.
            int peer = random.nextInt(nodes.size());
            for (Object m : engine.currentHeightMessages()) {
                send(index, peer, m);
            }
        }

        @Override
        public void broadcastProposal(Proposal proposal) {
            roundsStarted++;
            if (!byzantine) {
                nodes.forEach(peer -> send(index, peer.index, proposal));
                return;
            }
            switch (scenario.byzantine()) {
                case SILENT -> { }
                case DOUBLE_VOTER -> nodes.forEach(peer -> send(index, peer.index, proposal));
                case EQUIVOCATING_PROPOSER -> {
                    Proposal other = forgedProposal(proposal, false);
                    for (SimNode peer : nodes) {
                        send(index, peer.index, peer.index % 2 == 0 ? proposal : other);
                        Hash id = (peer.index % 2 == 0 ? proposal : other).block().id();
                        send(index, peer.index, signedVote(VoteType.PREVOTE, proposal.height(), proposal.round(), id));
                    }
                }
                case INVALID_BLOCK_PROPOSER -> {
                    Proposal bad = forgedProposal(proposal, true);
                    for (SimNode peer : nodes) {
                        send(index, peer.index, bad);
                        send(index, peer.index, signedVote(VoteType.PREVOTE, bad.height(), bad.round(), bad.block().id()));
                        send(index, peer.index,
                                signedVote(VoteType.PRECOMMIT, bad.height(), bad.round(), bad.block().id()));
                    }
                }
            }
        }

        @Override
        public void broadcastVote(Vote vote) {
            if (!byzantine) {
                recordHonestVote(this, vote);
                nodes.forEach(peer -> send(index, peer.index, vote));
                return;
            }
            switch (scenario.byzantine()) {
                case SILENT -> { }
                case DOUBLE_VOTER, EQUIVOCATING_PROPOSER -> {
                    Hash other = vote.blockId() == null ? Hash.sha256(new byte[] {(byte) index}) : null;
                    Vote lie = signedVote(vote.type(), vote.height(), vote.round(), other);
                    for (SimNode peer : nodes) {
                        send(index, peer.index, peer.index % 2 == 0 ? vote : lie);
                    }
                }
                case INVALID_BLOCK_PROPOSER -> nodes.forEach(peer -> send(index, peer.index, vote));
            }
        }

        /** A second block for the same height and round, signed outside the guard: what only a faulty node does. */
        private Proposal forgedProposal(Proposal honest, boolean invalid) {
            BlockHeader h = honest.block().header();
            List<byte[]> txs = new ArrayList<>(honest.block().txs());
            txs.add(("byzantine" + index + "=r" + honest.round()).getBytes(StandardCharsets.UTF_8));
            Hash root = invalid ? Hash.sha256(new byte[] {42}) : MerkleTree.root(txs);
            BlockHeader forged = new BlockHeader(h.chainId(), h.height(), h.timeMillis(), h.lastBlockId(),
                    h.lastCommitHash(), root,
                    h.appHash(), h.proposerAddress(), h.validatorSetHash(), txs.size());
            Block block = new Block(forged, txs, honest.block().lastCommit());
            byte[] sig = key.sign(Proposal.signBytes(CHAIN_ID, honest.height(), honest.round(), honest.validRound(),
                    block.id()));
            return new Proposal(honest.height(), honest.round(), honest.validRound(), block, index, sig);
        }

        private Vote signedVote(VoteType type, long height, int round, Hash blockId) {
            return new Vote(type, height, round, blockId, index,
                    key.sign(Vote.signBytes(CHAIN_ID, type, height, round, blockId)));
        }

        @Override
        public void scheduleTimeout(Timeout timeout, long delayMs) {
            schedule(delayMs, new FireTimeout(index, epoch, timeout));
        }

        @Override
        public void persist(ConsensusCheckpoint cp) {
            checkpoint = cp;
        }

        @Override
        public long nowMillis() {
            return now;
        }

        @Override
        public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
            List<byte[]> txs = new ArrayList<>();
            long bytes = 0;
            for (byte[] tx : mempool.values()) {
                if (txs.size() >= maxTxs || bytes + tx.length > maxBytes) {
                    break;
                }
                txs.add(tx);
                bytes += tx.length;
            }
            return txs;
        }

        @Override
        public void committed(Block block, CommitCertificate certificate) {
            for (byte[] tx : block.txs()) {
                mempool.remove(new String(tx, StandardCharsets.UTF_8));
            }
            recordDecision(this, block);
        }
    }
}
