package io.aot.consensus.sim;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.engine.ConsensusCheckpoint;
import io.aot.consensus.engine.ConsensusContext;
import io.aot.consensus.engine.EngineConfig;
import io.aot.consensus.engine.InMemoryBlockStore;
import io.aot.consensus.engine.InMemorySignerStore;
import io.aot.consensus.engine.SignerGuard;
import io.aot.consensus.engine.SynchronyParams;
import io.aot.consensus.engine.TendermintEngine;
import io.aot.consensus.engine.Timeout;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.node.ValidatorNode;
import io.aot.consensus.storage.ConsensusWal;
import io.aot.consensus.storage.FileSignerStore;
import io.aot.consensus.storage.ValidatorDataDir;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * All validators of a chain in one thread, over a simulated network and clock, driven by one seed: same seed, same
 * run, event for event. The network delays, drops, duplicates and reorders messages and applies partitions until the
 * global stabilization time (GST); validators crash and restart from their persisted state, before and after GST;
 * each honest clock is skewed within the chain's PBTS precision; voting powers may differ; 4, 7 or 10 validators, of
 * which Byzantine ones holding less than a third of the power act at the message level ({@link Byzantine}). Every
 * Byzantine message passes through the real {@link WireCodec}, as it would over TCP: what the codec refuses costs the
 * sender its connection (here: the message), the rest reaches the engines.
 *
 * <p>Checked on every decision: agreement (one block id per height among honest validators), validity (the block's
 * body matches its header and the application accepts it), every certificate verifies against the validator set, no
 * honest validator signs two different votes for one height, round and step; at the end, liveness after GST (honest
 * validators reach the target height within the bound), the worst round a height needed after GST, and evidence:
 * every equivocation (two validly signed, conflicting votes or proposals of one validator) that reached an honest
 * engine at its current height, as the engine would act on it, is committed as evidence in a block
 * ({@link #equivocationsSeen}).
 *
 * <p>In a share of the seeds ({@link Scenario#onDisk}) each validator keeps its durable state in the files a validator
 * process uses, in a folder of its own, crashes at their durable steps ({@link DiskStep}) with storage faults
 * ({@link StorageFault}), and restarts through the process's recovery: {@link ValidatorDataDir#open} and the WAL's
 * load. What recovery keeps is checked too: every synced record, and nothing after the last complete one.
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
        INVALID_BLOCK_PROPOSER,
        /** Relays every proposal it sees at once with the genuine header and signature but another body (fault 1). */
        POISONING_RELAY,
        /** As proposer, re-signs its block at a time far in the future, at MAX, or in the distant past (fault 3). */
        BAD_TIME_PROPOSER,
        /** Also sends frames with extreme fields (heights 0 and MAX, rounds MAX, indexes out of range, -1). */
        MALFORMED_SENDER,
        /** Replays messages of earlier rounds and heights it saw, to random peers. */
        REPLAYER,
        /** Forgets its lock and its signer state every few seconds, so it signs again in rounds it signed in. */
        AMNESIA,
        /** Holds every message it sends for 1-5 s, then releases it (also after GST). */
        WITHHOLDING
    }

    /** A save or fsync of the on-disk stores, in the order a validator process makes them. */
    public enum DiskStep {
        /** The signer state's atomic replace ({@code signer.bin}), before a signature is released. */
        SIGNER_SAVE,
        /** The consensus WAL's fsync, before an own message leaves. */
        WAL_SYNC,
        /** The checkpoint's atomic replace ({@code checkpoint.bin}), after the WAL's sync. */
        CHECKPOINT_SAVE,
        /** The append and fsync of a decided block to {@code blocks.log}. */
        BLOCK_APPEND,
        /** The consensus WAL's truncation and fsync at a new height. */
        WAL_RESET
    }

    /** What the disk holds after a crash of a validator with on-disk stores. */
    public enum StorageFault {
        /** The process died, the machine did not: every write is kept (the page cache survives). */
        NONE,
        /** A power loss: the consensus WAL's appends since its last sync are gone. */
        LOST_UNSYNCED,
        /**
         * A power loss mid-write: the write in flight (the block record being appended, the temporary file of an
         * atomic replace, else the WAL's unsynced appends) ends at a random byte; unsynced WAL appends are lost.
         */
        TORN_WRITE,
        /**
         * A power loss that left random bytes after the last complete record (of {@code blocks.log} when a block
         * append was in flight, else of the WAL, whose unsynced appends are lost).
         */
        GARBAGE_TAIL
    }

    /** A fault injected before GST. */
    sealed interface Fault permits Isolate, SplitHalves, OneWay, CrashRestart, CrashInPersist, CrashAtDiskStep {
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

    /**
     * A crash of a validator and its restart from its durable state. Before GST any validator; after GST only one
     * whose crash leaves the honest, running validators more than two thirds of the power.
     */
    record CrashRestart(int node, long from, long until) implements Fault {
    }

    /**
     * A crash at a durable step: at the first checkpoint the node persists from {@code from} on (the moment before an
     * own message leaves), it dies, with the checkpoint saved ({@code afterSave}) or not, losing whatever of its
     * consensus WAL was not synced yet; it restarts {@code until - from} later.
     */
    record CrashInPersist(int node, long from, long until, boolean afterSave) implements Fault {
    }

    /**
     * On-disk stores only: a crash at the first {@code step} the node makes from {@code from} on, before GST, just
     * before or just after it, leaving {@code storage} on the disk; it restarts {@code until - from} later.
     */
    record CrashAtDiskStep(int node, long from, long until, DiskStep step, boolean afterStep, StorageFault storage)
            implements Fault {
    }

    /**
     * One run's parameters, all derived from the seed. {@code powers}: each validator's voting power, by index;
     * Byzantine validators are the highest indexes and hold less than a third of the total. {@code skewMs}: each
     * validator's clock offset (honest ones within half the PBTS precision, so any two within the precision).
     * {@code onDisk}: the validators keep their durable state in the process's files, else in memory.
     */
    public record Scenario(long seed, int validators, long[] powers, int byzantineCount, Byzantine byzantine,
            double dropRate, double duplicateRate, long minDelayMs, long maxDelayMs, List<Fault> faults, long gstMs,
            long[] skewMs, long[] driftPpm, long targetHeight, long livenessBoundMs, boolean onDisk) {

        public static Scenario fromSeed(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = switch (r.nextInt(8)) {
                case 0, 1 -> 7;
                case 2 -> 10;
                default -> 4;
            };
            long[] powers = new long[n];
            boolean equal = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                powers[i] = equal ? 10 : 1 + r.nextInt(20);
            }
            long total = java.util.Arrays.stream(powers).sum();
            // The most Byzantine validators (from the top index down) whose power stays below a third.
            int maxByzantine = 0;
            long byzantinePower = 0;
            for (int i = n - 1; i >= 0 && (byzantinePower + powers[i]) * 3 < total; i--) {
                byzantinePower += powers[i];
                maxByzantine++;
            }
            // Mostly as many Byzantine validators as the power allows; sometimes fewer, or none (crash faults only).
            int byzantineCount = r.nextInt(4) == 0 ? r.nextInt(maxByzantine + 1) : maxByzantine;
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
            // A crash after GST: of an honest validator whose power, with the Byzantine power, stays below a third.
            long faultyPower = 0;
            for (int i = n - byzantineCount; i < n; i++) {
                faultyPower += powers[i];
            }
            if (r.nextInt(3) == 0) {
                int node = r.nextInt(n - byzantineCount);
                if ((faultyPower + powers[node]) * 3 < total) {
                    long from = gst + r.nextInt(3_000);
                    faults.add(new CrashRestart(node, from, from + 500 + r.nextInt(4_000)));
                }
            }
            for (int i = 0, crashes = r.nextInt(3); i < crashes; i++) { // at durable steps, before GST
                long from = r.nextInt((int) gst);
                faults.add(new CrashInPersist(r.nextInt(n), from, from + 200 + r.nextInt(3_000), r.nextBoolean()));
            }
            // Clocks: an offset and a drift, so that any two honest clocks stay within the PBTS precision for the
            // whole run (2 x 200 ms + 2 x 100 ppm of at most 130 s = 426 ms < 500 ms).
            long[] skew = new long[n];
            long[] driftPpm = new long[n];
            for (int i = 0; i < n; i++) {
                skew[i] = r.nextLong(401) - 200;
                driftPpm[i] = r.nextLong(201) - 100;
            }
            double dropRate = r.nextDouble() * 0.3;
            double duplicateRate = r.nextDouble() * 0.2;
            // Drawn after everything else, so that an in-memory seed runs event for event as before this mode.
            boolean onDisk = r.nextInt(ON_DISK_ONE_IN) == 0;
            if (onDisk) {
                for (int i = 0, crashes = 1 + r.nextInt(3); i < crashes; i++) {
                    long from = r.nextInt((int) gst);
                    faults.add(new CrashAtDiskStep(r.nextInt(n), from, from + 200 + r.nextInt(3_000),
                            DiskStep.values()[r.nextInt(DiskStep.values().length)], r.nextBoolean(),
                            StorageFault.values()[r.nextInt(StorageFault.values().length)]));
                }
            }
            return new Scenario(seed, n, powers, byzantineCount, behaviour, dropRate, duplicateRate, minDelay,
                    maxDelay, List.copyOf(faults), gst, skew, driftPpm, 6, 120_000, onDisk);
        }

        @Override
        public String toString() {
            return "seed " + seed + ": " + validators + " validators, powers " + java.util.Arrays.toString(powers)
                    + ", " + byzantineCount + " " + byzantine + ", drop " + String.format("%.2f", dropRate) + ", dup "
                    + String.format("%.2f", duplicateRate) + ", delay " + minDelayMs + "-" + maxDelayMs + " ms, GST "
                    + gstMs + " ms, clock skews " + java.util.Arrays.toString(skewMs) + " ms, drifts "
                    + java.util.Arrays.toString(driftPpm) + " ppm, " + (onDisk ? "on-disk" : "in-memory")
                    + " stores, faults " + faults;
        }
    }

    /**
     * What a run found. {@code failure} is null when every check held. {@code worstRoundAfterGst}: the highest round
     * in which a height that started after GST was decided (0 = every such height in its first round).
     * {@code equivocationsSeen}: offences honest engines saw; {@code evidenceCommitted}: offences committed as
     * evidence. {@code disk}: the crashes and storage faults of on-disk stores.
     */
    public record Result(Scenario scenario, String failure, long[] heights, long simulatedMs, long deliveries,
            long rounds, long lastCommitSignaturesReused, int worstRoundAfterGst, long byzantineMessagesRefused,
            String diagnostics, long equivocationsSeen, long evidenceCommitted, DiskFaults disk) {
        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * What a run did to on-disk stores: crashes of validators with them (any cause), of those the ones at a durable
     * step, and the storage faults that changed a file: torn writes, garbage tails, unsynced WAL appends lost.
     */
    public record DiskFaults(long crashes, long crashesAtDurableSteps, long tornWrites, long garbageTails,
            long lostUnsynced) {
        static final DiskFaults NONE = new DiskFaults(0, 0, 0, 0, 0);
    }

    /** The chain's PBTS bounds in the simulation: clocks within 500 ms, proposals within 3 s. */
    static final SynchronyParams SIM_SYNCHRONY = new SynchronyParams(500, 3_000);

    /** After GST a height is decided within this many rounds: every validator may be a failing proposer once, plus 2. */
    static int roundBound(int validators) {
        return validators + 2;
    }

    private static final String CHAIN_ID = "aot-sim";
    /** One seed in this many runs with on-disk stores (the rest in memory, which costs no file operations). */
    static final int ON_DISK_ONE_IN = 2;
    /** Bounds of a garbage tail's and a torn temporary file's random bytes. */
    private static final int MAX_GARBAGE_BYTES = 64;
    private static final int MAX_TORN_TMP_BYTES = 256;
    private static final long GOSSIP_EVERY_MS = 300;
    private static final long TX_EVERY_MS = 40;
    private static final int MAX_EVENTS = 2_000_000;
    private static final TimeoutConfig TIMEOUTS = new TimeoutConfig(400, 200, 200, 100, 200, 100, 20);
    /** The engines' bound on rounds ahead: messages beyond it are dropped before an engine looks at them. */
    private static final int MAX_ROUNDS_AHEAD = EngineConfig.defaults(CHAIN_ID).maxRoundsAhead();

    private final Scenario scenario;
    private final SplittableRandom random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final ValidatorSet genesis;
    private final Map<Long, Hash> decidedByHeight = new HashMap<>();
    /** CrashInPersist and CrashAtDiskStep faults already fired. */
    private final java.util.Set<Fault> crashesFired = new java.util.HashSet<>();
    /** Where the validators' folders go when the stores are on disk: a folder made for this run, deleted after. */
    private final Path storageRoot;
    private long diskCrashes;
    private long diskCrashesAtSteps;
    private long tornWrites;
    private long garbageTails;
    private long lostUnsynced;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
    /** When each height started (the first honest decision of the height below it), for the round bound. */
    private final Map<Long, Long> heightStartedAt = new HashMap<>();
    private int worstRoundAfterGst;
    private long byzantineMessagesRefused;
    private final Map<String, Hash> honestVotes = new HashMap<>();
    /**
     * The distinct votes and proposals (at most {@link #MAX_TRACKED_PER_SLOT} per slot) each honest engine took at its
     * current height, by node, epoch (a crash forgets them, as the engine does), height, round, step and signer.
     */
    private final Map<String, List<Object>> deliveredBySlot = new HashMap<>();
    /** Offence -> (observer node, its epoch) of every equivocation an honest engine saw. */
    private final Map<String, List<long[]>> equivocationsSeen = new HashMap<>();
    private final Map<String, Long> equivocationHeights = new HashMap<>();
    private final java.util.Set<String> offencesCommitted = new java.util.HashSet<>();
    private static final int MAX_TRACKED_PER_SLOT = 4;
    private long now;
    private long seq;
    private long deliveries;
    private long txCounter;
    private String failure;

    private Simulation(Scenario scenario, Path storageRoot) {
        this.scenario = scenario;
        this.storageRoot = storageRoot;
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
        // Byzantine validators are the last ones by set index: which ones is irrelevant, the proposer order rotates.
        // Powers and skews are by set index (the set sorts by address), so power goes where the scenario says.
        ValidatorSet sorted = ValidatorSet.of(members);
        List<Validator> byIndex = new ArrayList<>();
        List<KeyPair> keysByIndex = new ArrayList<>();
        for (int i = 0; i < scenario.validators(); i++) {
            for (KeyPair k : keys) {
                if (sorted.indexOf(k.publicKey()) == i) {
                    keysByIndex.add(k);
                    byIndex.add(new Validator(k.publicKey(), scenario.powers()[i]));
                }
            }
        }
        genesis = ValidatorSet.of(byIndex);
        for (int i = 0; i < scenario.validators(); i++) {
            KeyPair key = keysByIndex.get(i);
            if (genesis.indexOf(key.publicKey()) != i) {
                throw new IllegalStateException("sorting by address must not depend on power");
            }
            boolean byzantine = i >= scenario.validators() - scenario.byzantineCount();
            nodes.add(new SimNode(i, key, byzantine));
        }
    }

    public static Result run(long seed) {
        return run(Scenario.fromSeed(seed));
    }

    public static Result run(Scenario scenario) {
        return run(scenario, defaultStorageRoot());
    }

    /** {@code storageRoot}: where an on-disk run makes its folder (deleted at the end); unused in memory. */
    public static Result run(Scenario scenario, Path storageRoot) {
        return new Simulation(scenario, storageRoot).execute();
    }

    /**
     * A memory-backed file system if there is one: the simulation models what fsync keeps itself (its storage faults),
     * so a disk's real fsyncs would only cost time; else the JVM's temporary folder.
     */
    public static Path defaultStorageRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The result of a seed whose run threw (an engine bug, or memory exhausted by a stalled run): a violation. */
    public static Result crashed(long seed, Throwable e) {
        Scenario scenario = Scenario.fromSeed(seed);
        return new Result(scenario, "crashed: " + e, new long[scenario.validators()], 0, 0, 0, 0, 0, 0, "", 0,
                0, DiskFaults.NONE);
    }

    private Result execute() {
        Path runDir = null;
        try {
            if (scenario.onDisk()) {
                runDir = Files.createTempDirectory(storageRoot, "aot-sim-" + scenario.seed() + "-");
            }
            for (SimNode n : nodes) {
                n.durable = runDir == null ? new InMemoryDurable(n.index)
                        : new DiskDurable(n.index, runDir.resolve("v" + n.index));
            }
            return simulate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (SimNode n : nodes) {
                if (n.durable != null) {
                    n.durable.close();
                }
            }
            if (runDir != null) {
                deleteTree(runDir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the simulation's folder " + dir, e);
        }
    }

    private Result simulate() {
        for (SimNode n : nodes) {
            runGuarded(sim -> n.boot());
            schedule(random.nextInt((int) GOSSIP_EVERY_MS), new Gossip(n.index));
        }
        schedule(0, new ClientTx());
        for (Fault f : scenario.faults()) {
            if (f instanceof CrashRestart c) {
                schedule(c.from(), new Crash(c.node()));
                schedule(c.until(), new Restart(c.node()));
            }
        }
        for (SimNode n : nodes) {
            if (n.byzantine && scenario.byzantine() == Byzantine.AMNESIA) {
                schedule(1_000 + random.nextInt(2_000), new Forget(n.index));
            }
        }
        long deadline = scenario.gstMs() + scenario.livenessBoundMs();
        int events = 0;
        while (failure == null && !queue.isEmpty() && !(allHonestReachedTarget() && evidenceCommitted() == null)) {
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
            runGuarded(e.action);
        }
        if (failure == null && !allHonestReachedTarget()) {
            failure = "liveness: honest validators did not reach height " + scenario.targetHeight() + " within "
                    + scenario.livenessBoundMs() + " ms after GST; heights " + java.util.Arrays.toString(heights());
        }
        if (failure == null && evidenceCommitted() != null) {
            failure = "evidence: " + evidenceCommitted() + " by the end (" + (now / 1000) + " s simulated)";
        }
        if (failure == null && worstRoundAfterGst > roundBound(scenario.validators())) {
            failure = "rounds: a height that started after GST needed round " + worstRoundAfterGst + ", bound "
                    + roundBound(scenario.validators());
        }
        long rounds = nodes.stream().filter(n -> n.engine != null).mapToLong(n -> n.roundsStarted).sum();
        long reused = nodes.stream().filter(n -> n.engine != null).mapToLong(n -> n.engine.lastCommitSignaturesReused())
                .sum();
        StringBuilder diag = new StringBuilder();
        for (SimNode n : nodes) {
            diag.append("\n    v").append(n.index).append(n.byzantine ? " (byzantine)" : "")
                    .append(n.engine == null ? " down" : " h=" + n.engine.height() + " r=" + n.engine.round() + " "
                            + n.engine.step() + " evidence seen " + n.engine.evidenceSeen() + " pending "
                            + n.engine.pendingEvidenceCount() + " dropped " + n.engine.dropped());
        }
        return new Result(scenario, failure, heights(), now, deliveries, rounds, reused, worstRoundAfterGst,
                byzantineMessagesRefused, diag.toString(), equivocationsSeen.size(), offencesCommitted.size(),
                new DiskFaults(diskCrashes, diskCrashesAtSteps, tornWrites, garbageTails, lostUnsynced));
    }

    /** Runs {@code action}; a crash at a durable step takes its node down (and schedules the restart) there. */
    private void runGuarded(Action action) {
        try {
            try {
                action.run(this);
            } catch (CrashAtDurableStep crash) {
                SimNode n = nodes.get(crash.node);
                n.crash(crash.storage);
                schedule(crash.downMs, new Restart(n.index));
            }
        } catch (RecoveryFailed e) {
            failure = e.getMessage();
        }
    }

    private long[] heights() {
        return nodes.stream().mapToLong(n -> n.durable.blocks().height()).toArray();
    }

    /**
     * Null if every equivocation an honest validator saw at a height up to the target is committed as evidence; else
     * the first that is not. Evidence pools live in memory (as the engines' vote sets do): an equivocation only its
     * observers saw, all of which crashed since, may be lost, so it is only required while an observer is still up
     * in the epoch it saw it in (before a crash, each observer broadcasts its evidence at once and gossips it).
     */
    private String evidenceCommitted() {
        for (var e : equivocationsSeen.entrySet()) {
            if (offencesCommitted.contains(e.getKey())
                    || equivocationHeights.get(e.getKey()) > scenario.targetHeight()) {
                continue;
            }
            for (long[] observer : e.getValue()) {
                SimNode n = nodes.get((int) observer[0]);
                if (n.alive && n.epoch == observer[1]) {
                    return "equivocation " + e.getKey() + " seen by honest validator " + observer[0]
                            + " is not committed as evidence";
                }
            }
        }
        return null;
    }

    private boolean allHonestReachedTarget() {
        for (SimNode n : nodes) {
            if (!n.byzantine && n.durable.blocks().height() < scenario.targetHeight()) {
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

    /**
     * Thrown out of a node's durable step: the process died there, leaving {@code storage} on its disk; the event loop
     * takes the node down.
     */
    private static final class CrashAtDurableStep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int node;
        final long downMs;
        final StorageFault storage;

        CrashAtDurableStep(int node, long downMs, StorageFault storage) {
            super(null, null, false, false);
            this.node = node;
            this.downMs = downMs;
            this.storage = storage;
        }
    }

    /** A validator's on-disk stores refused to open after a crash: a violation, with the stores' reason. */
    private static final class RecoveryFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecoveryFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** A crash at an event (not at a durable step): in memory, and on disk, a power loss of the unsynced appends. */
    private record Crash(int node) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.nodes.get(node).crash(StorageFault.LOST_UNSYNCED);
        }
    }

    private record Restart(int node) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.nodes.get(node).boot();
        }
    }

    /** AMNESIA: the Byzantine validator restarts with neither its checkpoint (lock) nor its signer state. */
    private record Forget(int node) implements Action {
        @Override
        public void run(Simulation sim) {
            SimNode n = sim.nodes.get(node);
            n.crash(StorageFault.LOST_UNSYNCED);
            n.durable.forget();
            n.boot();
            sim.schedule(1_000 + sim.random.nextInt(2_000), this);
        }
    }

    /** A message a Byzantine validator held back, released now. */
    private record Release(int from, int to, Object message) implements Action {
        @Override
        public void run(Simulation sim) {
            sim.schedule(sim.delay(), new Deliver(from, to, message));
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


    // ---------------------------------------------------------------- network

    private void send(int from, int to, Object message) {
        if (from == to || blocked(from, to)) {
            return;
        }
        if (nodes.get(from).byzantine) {
            // Through the real codec, as over TCP: a frame it refuses costs the sender that message.
            try {
                message = codec.decodeMessage(codec.encodeMessage(message));
            } catch (CanonicalReader.MalformedException e) {
                byzantineMessagesRefused++;
                return;
            }
            if (scenario.byzantine() == Byzantine.WITHHOLDING) {
                schedule(1_000 + random.nextInt(4_000), new Release(from, to, message));
                return;
            }
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

    /** The crash at {@code step} due for {@code node} now (before GST), marked fired; null if none. */
    private CrashAtDiskStep dueDiskCrash(int node, DiskStep step, boolean afterStep) {
        for (Fault f : scenario.faults()) {
            if (f instanceof CrashAtDiskStep c && c.node() == node && c.step() == step && c.afterStep() == afterStep
                    && now >= c.from() && now < scenario.gstMs() && crashesFired.add(c)) {
                return c;
            }
        }
        return null;
    }

    /** The crash-in-persist fault due for {@code node} now, marked fired; null if none. */
    private CrashInPersist dueCrashInPersist(int node) {
        for (Fault f : scenario.faults()) {
            if (f instanceof CrashInPersist c && c.node() == node && now >= c.from() && crashesFired.add(c)) {
                return c;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- checks

    private void recordDecision(SimNode node, Block block, CommitCertificate certificate) {
        if (node.byzantine) {
            return;
        }
        String why = certificate.verify(CHAIN_ID, genesis, block.height(), block.id());
        if (why != null) {
            failure = "certificate: validator " + node.index + " decided height " + block.height() + " on a certificate"
                    + " that does not verify: " + why;
            return;
        }
        Long started = heightStartedAt.get(block.height());
        if (started != null && started >= scenario.gstMs()) {
            worstRoundAfterGst = Math.max(worstRoundAfterGst, certificate.round());
        }
        heightStartedAt.putIfAbsent(block.height() + 1, now);
        Hash previous = decidedByHeight.putIfAbsent(block.height(), block.id());
        if (previous != null && !previous.equals(block.id())) {
            failure = "agreement: height " + block.height() + " decided as " + previous.shortHex() + " and as "
                    + block.id().shortHex() + " (validator " + node.index + ")";
            return;
        }
        block.evidence().forEach(e -> offencesCommitted.add(e.offence()));
        KeyValueApplication check = new KeyValueApplication();
        if (!block.bodyMatchesHeader() || !check.processProposal(block.header(), block.txs())) {
            failure = "validity: validator " + node.index + " decided an invalid block at height " + block.height();
        }
    }

    /**
     * Before an honest engine takes {@code message}: if it is a vote or proposal the engine acts on (its current
     * height, a round it accepts, a known signer, and for a proposal the round's proposer and a body matching the
     * header) and conflicts with one it took before, with both signatures valid, the engine has seen an equivocation.
     * Signatures are checked only on a conflict, so the common path costs the simulation no signature check.
     */
    private void observeEquivocation(SimNode node, Object message) {
        TendermintEngine e = node.engine;
        String slot;
        long height;
        int signer;
        if (message instanceof Vote v) {
            if (v.height() != e.height() || v.round() < 0 || v.round() > e.round() + MAX_ROUNDS_AHEAD
                    || v.validatorIndex() < 0 || v.validatorIndex() >= genesis.size()) {
                return;
            }
            slot = "duplicate-vote/" + v.validatorIndex() + "/" + v.height() + "/" + v.round() + "/" + v.type();
            height = v.height();
            signer = v.validatorIndex();
        } else if (message instanceof Proposal p) {
            if (p.height() != e.height() || p.round() < 0 || p.round() > e.round() + MAX_ROUNDS_AHEAD
                    || p.validRound() < -1 || p.validRound() >= p.round()
                    || p.proposerIndex() != e.validators().proposerIndex(p.round()) || !p.block().bodyMatchesHeader()) {
                return;
            }
            slot = "duplicate-proposal/" + p.proposerIndex() + "/" + p.height() + "/" + p.round();
            height = p.height();
            signer = p.proposerIndex();
        } else {
            return;
        }
        List<Object> taken = deliveredBySlot.computeIfAbsent(node.index + "/" + node.epoch + "/" + slot,
                k -> new ArrayList<>());
        Object conflict = null;
        for (Object t : taken) {
            if (sameSigned(t, message)) {
                return;
            }
            if (validlySigned(signer, t) && validlySigned(signer, message)) {
                conflict = t;
            }
        }
        if (taken.size() < MAX_TRACKED_PER_SLOT) {
            taken.add(message);
        }
        if (conflict != null) {
            equivocationsSeen.computeIfAbsent(slot, k -> new ArrayList<>()).add(new long[] {node.index, node.epoch});
            equivocationHeights.put(slot, height);
        }
    }

    private static boolean sameSigned(Object a, Object b) {
        if (a instanceof Vote x && b instanceof Vote y) {
            return java.util.Objects.equals(x.blockId(), y.blockId());
        }
        Proposal x = (Proposal) a;
        Proposal y = (Proposal) b;
        return x.validRound() == y.validRound() && x.block().id().equals(y.block().id());
    }

    private boolean validlySigned(int signer, Object m) {
        byte[] signBytes = m instanceof Vote v ? v.signBytes(CHAIN_ID) : ((Proposal) m).signBytes(CHAIN_ID);
        byte[] signature = m instanceof Vote v ? v.signature() : ((Proposal) m).signature();
        return genesis.get(signer).publicKey().verify(signBytes, signature);
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
        /** What survives a crash (set when the run starts). */
        Durable durable;
        /** Proposals this honest validator signed, by height and round: it must never sign two. */
        final Map<String, Hash> proposalsSigned = new HashMap<>();
        // Volatile: lost in a crash.
        TendermintEngine engine;
        final Map<String, byte[]> mempool = new LinkedHashMap<>();
        boolean alive;
        long epoch;
        long roundsStarted;
        /** POISONING_RELAY: the proposals it already relayed a poisoned copy of. */
        final java.util.Set<String> poisoned = new java.util.HashSet<>();
        /** REPLAYER: what it received, oldest first, bounded. */
        final java.util.ArrayDeque<Object> seen = new java.util.ArrayDeque<>();

        SimNode(int index, KeyPair key, boolean byzantine) {
            this.index = index;
            this.key = key;
            this.byzantine = byzantine;
        }

        void boot() {
            epoch++;
            alive = true;
            // A Byzantine validator's own engine keeps it in step; its lies are added in broadcast*.
            SignerGuard guard = new SignerGuard(key::sign, durable.signer());
            engine = new TendermintEngine(EngineConfig.defaults(CHAIN_ID).withTimeouts(TIMEOUTS)
                    .withSynchrony(SIM_SYNCHRONY), genesis, index, guard, new KeyValueApplication(), durable.blocks(),
                    this);
            engine.start(durable.checkpoint(), durable.walMessages());
        }

        void crash(StorageFault storage) {
            alive = false;
            engine = null;
            mempool.clear();
            durable.crash(storage);
        }

        void receive(int from, Object message) {
            if (!alive) {
                return;
            }
            if (byzantine) {
                actOnReceived(message);
            } else {
                observeEquivocation(this, message);
            }
            if (message instanceof Proposal p) {
                engine.onProposal(p);
            } else if (message instanceof Vote v) {
                engine.onVote(v);
            } else if (message instanceof WireCodec.Status s) {
                if (s.height() < engine.height()) {
                    BlockStore.Entry e = durable.blocks().load(s.height());
                    send(index, from, new WireCodec.CommittedBlock(e.block(), e.certificate()));
                }
            } else if (message instanceof WireCodec.CommittedBlock c) {
                engine.onCommittedBlock(c.block(), c.certificate());
            } else if (message instanceof Evidence e) {
                engine.onEvidence(e);
            } else {
                throw new IllegalStateException("unknown message " + message);
            }
        }

        /** A Byzantine validator's reaction to what it hears. */
        private void actOnReceived(Object message) {
            switch (scenario.byzantine()) {
                case POISONING_RELAY -> {
                    // Once per proposal (an empty block's poisoned copy is the block itself, and would loop between
                    // two relays), and never a copy that is already poisoned.
                    if (message instanceof Proposal p && p.block().bodyMatchesHeader()
                            && poisoned.add(p.height() + "/" + p.round() + "/" + p.block().id())) {
                        Proposal copy = new Proposal(p.height(), p.round(), p.validRound(),
                                new Block(p.block().header(), List.of(), p.block().lastCommit(),
                                        p.block().evidence()), p.proposerIndex(),
                                p.signature());
                        for (SimNode peer : nodes) {
                            send(index, peer.index, copy);
                        }
                    }
                }
                case REPLAYER -> {
                    seen.addLast(message);
                    if (seen.size() > 2_000) {
                        seen.removeFirst();
                    }
                }
                default -> { }
            }
        }

        void gossip() {
            if (!alive || byzantine && scenario.byzantine() == Byzantine.SILENT) {
                return;
            }
            for (SimNode peer : nodes) {
                send(index, peer.index, new WireCodec.Status(engine.height()));
            }
            // Everything we hold to one random peer per tick: every message spreads, at O(messages) per tick.
            int peer = random.nextInt(nodes.size());
            for (Object m : engine.currentHeightMessages()) {
                send(index, peer, m);
            }
            for (Evidence e : engine.pendingEvidence()) {
                send(index, peer, e);
            }
            if (byzantine && scenario.byzantine() == Byzantine.REPLAYER && !seen.isEmpty()) {
                Object[] old = seen.toArray();
                for (int i = 0; i < 20; i++) {
                    send(index, random.nextInt(nodes.size()), old[random.nextInt(old.length)]);
                }
            }
            if (byzantine && scenario.byzantine() == Byzantine.MALFORMED_SENDER) {
                for (Object m : malformed()) {
                    send(index, random.nextInt(nodes.size()), m);
                }
            }
        }

        /** Messages with extreme fields, signed with this validator's key: the codec or the engine must refuse each. */
        private List<Object> malformed() {
            long h = engine.height();
            int r = engine.round();
            Hash some = Hash.sha256(new byte[] {(byte) random.nextInt()});
            List<Object> out = new ArrayList<>();
            out.add(new WireCodec.Status(0));
            out.add(new WireCodec.Status(-1));
            out.add(new WireCodec.Status(Long.MAX_VALUE));
            out.add(signedVote(VoteType.PREVOTE, 0, 0, some));
            out.add(signedVote(VoteType.PREVOTE, h, Integer.MAX_VALUE, some));
            out.add(signedVote(VoteType.PRECOMMIT, h, -1, some));
            out.add(signedVote(VoteType.PRECOMMIT, Long.MAX_VALUE, r, some));
            out.add(new Vote(VoteType.PREVOTE, h, r, some, Integer.MAX_VALUE, new byte[64]));
            out.add(new Vote(VoteType.PREVOTE, h, r, some, -1, new byte[64]));
            BlockStore store = durable.blocks();
            BlockStore.Entry last = store.height() > 0 ? store.load(store.height()) : null;
            if (last != null) {
                Block b = last.block();
                out.add(new WireCodec.CommittedBlock(b, new CommitCertificate(b.height() + 1, 0, b.id(),
                        last.certificate().signatures())));
                out.add(new WireCodec.CommittedBlock(b, new CommitCertificate(b.height(), Integer.MAX_VALUE, b.id(),
                        List.of(new CommitCertificate.Signature(Integer.MAX_VALUE, new byte[64])))));
                out.add(new Proposal(b.height(), r, r, b, index, new byte[64]));
            }
            // Evidence that must not verify: a forged signature, an unknown validator, one block twice (the codec's).
            Vote mine = signedVote(VoteType.PREVOTE, h, r, some);
            out.add(DuplicateVoteEvidence.of(mine, new Vote(VoteType.PREVOTE, h, r, null, index, new byte[64])));
            out.add(DuplicateVoteEvidence.of(new Vote(VoteType.PREVOTE, h, r, some, Integer.MAX_VALUE, new byte[64]),
                    new Vote(VoteType.PREVOTE, h, r, null, Integer.MAX_VALUE, new byte[64])));
            out.add(new DuplicateVoteEvidence(mine, mine));
            return out;
        }

        @Override
        public void broadcastProposal(Proposal proposal) {
            roundsStarted++;
            if (!byzantine) {
                Hash before = proposalsSigned.putIfAbsent(proposal.height() + "/" + proposal.round(),
                        proposal.block().id());
                if (before != null && !before.equals(proposal.block().id())) {
                    failure = "double sign: honest validator " + index + " signed two proposals at height "
                            + proposal.height() + " round " + proposal.round();
                }
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
                case BAD_TIME_PROPOSER -> {
                    long[] times = {Long.MAX_VALUE, now + 86_400_000L, 1, now + SIM_SYNCHRONY.precisionMs() + 5_000};
                    Proposal late = retimedProposal(proposal, times[random.nextInt(times.length)]);
                    for (SimNode peer : nodes) {
                        send(index, peer.index, late);
                        send(index, peer.index,
                                signedVote(VoteType.PREVOTE, late.height(), late.round(), late.block().id()));
                    }
                }
                default -> nodes.forEach(peer -> send(index, peer.index, proposal));
            }
        }

        /** The same block at another time, re-signed (outside the signer guard: only a faulty node does that). */
        private Proposal retimedProposal(Proposal honest, long timeMillis) {
            BlockHeader h = honest.block().header();
            BlockHeader retimed = new BlockHeader(h.chainId(), h.height(), timeMillis, h.lastBlockId(),
                    h.lastCommitHash(), h.txRoot(), h.evidenceHash(), h.appHash(), h.proposerAddress(),
                    h.validatorSetHash(), h.txCount());
            Block block = new Block(retimed, honest.block().txs(), honest.block().lastCommit(),
                    honest.block().evidence());
            byte[] sig = key.sign(Proposal.signBytes(CHAIN_ID, honest.height(), honest.round(), honest.validRound(),
                    block.id()));
            return new Proposal(honest.height(), honest.round(), honest.validRound(), block, index, sig);
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
                default -> nodes.forEach(peer -> send(index, peer.index, vote));
            }
        }

        /** A second block for the same height and round, signed outside the guard: what only a faulty node does. */
        private Proposal forgedProposal(Proposal honest, boolean invalid) {
            BlockHeader h = honest.block().header();
            List<byte[]> txs = new ArrayList<>(honest.block().txs());
            txs.add(("byzantine" + index + "=r" + honest.round()).getBytes(StandardCharsets.UTF_8));
            Hash root = invalid ? Hash.sha256(new byte[] {42}) : MerkleTree.root(txs);
            BlockHeader forged = new BlockHeader(h.chainId(), h.height(), h.timeMillis(), h.lastBlockId(),
                    h.lastCommitHash(), root, h.evidenceHash(),
                    h.appHash(), h.proposerAddress(), h.validatorSetHash(), txs.size());
            Block block = new Block(forged, txs, honest.block().lastCommit(), honest.block().evidence());
            byte[] sig = key.sign(Proposal.signBytes(CHAIN_ID, honest.height(), honest.round(), honest.validRound(),
                    block.id()));
            return new Proposal(honest.height(), honest.round(), honest.validRound(), block, index, sig);
        }

        private Vote signedVote(VoteType type, long height, int round, Hash blockId) {
            return new Vote(type, height, round, blockId, index,
                    key.sign(Vote.signBytes(CHAIN_ID, type, height, round, blockId)));
        }

        @Override
        public void broadcastEvidence(Evidence evidence) {
            if (!byzantine || scenario.byzantine() != Byzantine.SILENT) {
                nodes.forEach(peer -> send(index, peer.index, evidence));
            }
        }

        @Override
        public void scheduleTimeout(Timeout timeout, long delayMs) {
            schedule(delayMs, new FireTimeout(index, epoch, timeout));
        }

        @Override
        public void received(Object message) {
            durable.received(message);
        }

        @Override
        public void persist(ConsensusCheckpoint cp) {
            durable.persist(cp);
        }

        /** This validator's clock: the simulated time with its offset and drift. */
        @Override
        public long nowMillis() {
            return now + scenario.skewMs()[index] + now * scenario.driftPpm()[index] / 1_000_000;
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
            durable.newHeight(); // after the decision was recorded: a crash in the WAL's reset follows the decision
        }
    }

    // ---------------------------------------------------------------- durable state

    /**
     * A validator's durable state: what survives its crash, and the crash points at its durable steps. A decision is
     * recorded for the checks when its block is stored, the moment it is durable.
     */
    private interface Durable {
        BlockStore blocks();

        SignerGuard.Store signer();

        /** The checkpoint, as a start reads it. */
        ConsensusCheckpoint checkpoint();

        /** The consensus WAL's messages, as a start reads them. */
        List<Object> walMessages();

        void received(Object message);

        /** The engine's persist: the WAL synced, then the checkpoint saved. */
        void persist(ConsensusCheckpoint checkpoint);

        /** A new height: the WAL emptied. */
        void newHeight();

        /** The process died, leaving {@code storage} on the disk. */
        void crash(StorageFault storage);

        /** AMNESIA: the lock, the signer state and the WAL are gone. */
        void forget();

        void close();
    }

    /** Memory standing for the files: a crash loses the WAL's unsynced part unless the machine survived it. */
    private final class InMemoryDurable implements Durable {
        private final int node;
        private final InMemoryBlockStore stored = new InMemoryBlockStore();
        private final BlockStore blocks = new BlockStore() {
            @Override
            public long height() {
                return stored.height();
            }

            @Override
            public Entry load(long height) {
                return stored.load(height);
            }

            @Override
            public void save(Block block, CommitCertificate certificate) {
                stored.save(block, certificate);
                recordDecision(nodes.get(node), block, certificate);
            }
        };
        private InMemorySignerStore signer = new InMemorySignerStore();
        private ConsensusCheckpoint checkpoint;
        /** The consensus WAL: peers' messages taken at the current height; durable up to {@code walSynced}. */
        private final List<Object> wal = new ArrayList<>();
        private int walSynced;

        InMemoryDurable(int node) {
            this.node = node;
        }

        @Override
        public BlockStore blocks() {
            return blocks;
        }

        @Override
        public SignerGuard.Store signer() {
            return signer;
        }

        @Override
        public ConsensusCheckpoint checkpoint() {
            return checkpoint;
        }

        @Override
        public List<Object> walMessages() {
            return List.copyOf(wal);
        }

        @Override
        public void received(Object message) {
            wal.add(message);
        }

        @Override
        public void persist(ConsensusCheckpoint cp) {
            walSynced = wal.size(); // the node syncs its WAL with each checkpoint
            CrashInPersist crash = dueCrashInPersist(node);
            if (crash != null && !crash.afterSave()) {
                throw new CrashAtDurableStep(node, crash.until() - crash.from(), StorageFault.LOST_UNSYNCED);
            }
            checkpoint = cp;
            if (crash != null) {
                throw new CrashAtDurableStep(node, crash.until() - crash.from(), StorageFault.LOST_UNSYNCED);
            }
        }

        @Override
        public void newHeight() {
            wal.clear(); // the node truncates and syncs its WAL at each new height
            walSynced = 0;
        }

        @Override
        public void crash(StorageFault storage) {
            if (storage != StorageFault.NONE) {
                wal.subList(walSynced, wal.size()).clear(); // appended since the last sync: lost with the page cache
            }
        }

        @Override
        public void forget() {
            checkpoint = null;
            signer = new InMemorySignerStore();
            wal.clear();
            walSynced = 0;
        }

        @Override
        public void close() {
        }
    }

    /**
     * The files a validator process keeps ({@link ValidatorDataDir}: {@code blocks.log}, {@code checkpoint.bin},
     * {@code signer.bin}; the consensus WAL), in this validator's own folder. A crash closes them, applies its storage
     * fault to the files and opens them again as a process start does (nothing touches the folder while the validator
     * is down, and the block store's height must be what a restart finds), then checks what recovery kept: every
     * synced record, and nothing after the last complete one.
     */
    private final class DiskDurable implements Durable {
        private final int node;
        private final Path dir;
        private final Path blocksFile;
        private final Path walFile;
        private ValidatorDataDir data;
        private ConsensusWal wal;
        /** Whether {@code data} and {@code wal} are open (a failed recovery leaves them closed). */
        private boolean open;
        /** The WAL's length at its last sync, reset or open: what a power loss cannot take. */
        private long walSyncedBytes;
        /** Where each record appended since then ends: recovery of a torn WAL must end at the last one it holds. */
        private final List<Long> unsyncedRecordEnds = new ArrayList<>();
        /** The write in flight when the process died at a durable step (null if none), and its file's prior length. */
        private Path inFlight;
        private long inFlightFromBytes;
        private final BlockStore blocks = new BlockStore() {
            @Override
            public long height() {
                return data.blocks().height();
            }

            @Override
            public Entry load(long height) {
                return data.blocks().load(height);
            }

            @Override
            public void save(Block block, CommitCertificate certificate) {
                CrashAtDiskStep before = dueDiskCrash(node, DiskStep.BLOCK_APPEND, false);
                if (before != null) {
                    if (before.storage() == StorageFault.TORN_WRITE || before.storage() == StorageFault.GARBAGE_TAIL) {
                        markInFlight(blocksFile);
                    }
                    if (before.storage() == StorageFault.TORN_WRITE) {
                        data.blocks().save(block, certificate); // the record the crash cuts at a random byte
                    }
                    throw crashAt(before);
                }
                data.blocks().save(block, certificate);
                recordDecision(nodes.get(node), block, certificate);
                crashPoint(DiskStep.BLOCK_APPEND, true, null);
            }
        };
        private final SignerGuard.Store signer = new SignerGuard.Store() {
            @Override
            public SignerGuard.LastSigned load() {
                return data.signer().load();
            }

            @Override
            public void save(SignerGuard.LastSigned state) {
                crashPoint(DiskStep.SIGNER_SAVE, false, temporaryOf("signer.bin"));
                data.signer().save(state);
                crashPoint(DiskStep.SIGNER_SAVE, true, null);
            }
        };

        DiskDurable(int node, Path dir) {
            this.node = node;
            this.dir = dir;
            this.blocksFile = dir.resolve("blocks.log");
            this.walFile = dir.resolve("consensus.wal");
            open();
        }

        /** The temporary file of {@code name}'s atomic replace (AtomicFile's naming), written before the rename. */
        private Path temporaryOf(String name) {
            return dir.resolve(name + ".tmp");
        }

        /** As a validator process starts: lock and open data/ (cutting a torn block), open and read the WAL. */
        private void open() {
            try {
                data = ValidatorDataDir.open(dir, codec);
            } catch (IOException e) {
                throw new RecoveryFailed("recovery: validator " + node + "'s stores did not open after a crash: " + e);
            }
            wal = ValidatorNode.openWal(dir, codec);
            open = true;
            wal.load(); // cuts a torn tail, as the process's start does
            walSyncedBytes = wal.bytes();
            unsyncedRecordEnds.clear();
        }

        private void markInFlight(Path file) {
            inFlight = file;
            inFlightFromBytes = size(file);
        }

        private CrashAtDurableStep crashAt(CrashAtDiskStep c) {
            diskCrashesAtSteps++;
            return new CrashAtDurableStep(node, c.until() - c.from(), c.storage());
        }

        /** Dies here if a crash at {@code step} is due; a torn write of it tears {@code written} (null: the WAL). */
        private void crashPoint(DiskStep step, boolean afterStep, Path written) {
            CrashAtDiskStep c = dueDiskCrash(node, step, afterStep);
            if (c == null) {
                return;
            }
            if (written != null && c.storage() == StorageFault.TORN_WRITE) {
                markInFlight(written);
            }
            throw crashAt(c);
        }

        @Override
        public BlockStore blocks() {
            return blocks;
        }

        @Override
        public SignerGuard.Store signer() {
            return signer;
        }

        @Override
        public ConsensusCheckpoint checkpoint() {
            return data.checkpoints().load();
        }

        @Override
        public List<Object> walMessages() {
            return wal.load();
        }

        @Override
        public void received(Object message) {
            if (wal.append(message)) {
                unsyncedRecordEnds.add(wal.bytes());
            }
        }

        @Override
        public void persist(ConsensusCheckpoint cp) {
            // The process's order (ValidatorNode's persist): the WAL synced, then the checkpoint replaced.
            crashPoint(DiskStep.WAL_SYNC, false, null);
            wal.sync();
            walSyncedBytes = wal.bytes();
            unsyncedRecordEnds.clear();
            crashPoint(DiskStep.WAL_SYNC, true, null);
            CrashInPersist crash = dueCrashInPersist(node);
            if (crash != null && !crash.afterSave()) {
                throw new CrashAtDurableStep(node, crash.until() - crash.from(), StorageFault.LOST_UNSYNCED);
            }
            crashPoint(DiskStep.CHECKPOINT_SAVE, false, temporaryOf("checkpoint.bin"));
            data.checkpoints().save(cp);
            crashPoint(DiskStep.CHECKPOINT_SAVE, true, null);
            if (crash != null) {
                throw new CrashAtDurableStep(node, crash.until() - crash.from(), StorageFault.LOST_UNSYNCED);
            }
        }

        @Override
        public void newHeight() {
            crashPoint(DiskStep.WAL_RESET, false, null);
            wal.reset();
            walSyncedBytes = 0;
            unsyncedRecordEnds.clear();
            crashPoint(DiskStep.WAL_RESET, true, null);
        }

        @Override
        public void crash(StorageFault storage) {
            diskCrashes++;
            // A torn block append was stored whole before the crash cut it: recovery must find the height below.
            long heightKept = blocks.height() - (inFlight == blocksFile && storage == StorageFault.TORN_WRITE ? 1 : 0);
            close();
            long blocksKept = inFlight == blocksFile ? inFlightFromBytes : size(blocksFile);
            long walBytes = size(walFile);
            long walKept = walBytes; // where the WAL's last complete record ends after the fault
            if (storage != StorageFault.NONE) {
                boolean walInFlight = inFlight == null;
                if (storage == StorageFault.TORN_WRITE && !walInFlight) {
                    tearInFlight();
                } else if (storage == StorageFault.GARBAGE_TAIL && !walInFlight) {
                    appendGarbage(blocksFile, inFlightFromBytes);
                }
                long walWritten = walSyncedBytes; // a power loss: the unsynced appends go, but for a torn prefix
                walKept = walSyncedBytes;
                if (storage == StorageFault.TORN_WRITE && walInFlight && walBytes > walSyncedBytes) {
                    walWritten = walSyncedBytes + random.nextLong(walBytes - walSyncedBytes);
                    for (long end : unsyncedRecordEnds) {
                        walKept = end <= walWritten ? end : walKept;
                    }
                    tornWrites++;
                } else if (storage == StorageFault.LOST_UNSYNCED && walBytes > walSyncedBytes) {
                    lostUnsynced++;
                }
                truncate(walFile, walWritten);
                if (storage == StorageFault.GARBAGE_TAIL && walInFlight) {
                    appendGarbage(walFile, walWritten);
                }
            }
            inFlight = null;
            open();
            if (blocks.height() != heightKept || size(blocksFile) != blocksKept) {
                failure = "storage: validator " + node + "'s blocks.log recovered to height " + blocks.height() + " ("
                        + size(blocksFile) + " bytes) after " + storage + ", expected height " + heightKept + " ("
                        + blocksKept + " bytes): a synced block lost, or a torn tail kept";
            } else if (wal.bytes() != walKept) {
                failure = "storage: validator " + node + "'s consensus WAL recovered to " + wal.bytes() + " bytes after "
                        + storage + ", expected " + walKept + " (the end of its last complete record)";
            }
        }

        /** The write in flight ends at a random byte: a block record within its length, a temporary file anywhere. */
        private void tearInFlight() {
            if (inFlight == blocksFile) {
                long recordBytes = size(blocksFile) - inFlightFromBytes;
                truncate(blocksFile, inFlightFromBytes + 1 + random.nextLong(recordBytes - 1));
            } else {
                write(inFlight, 0, randomBytes(1 + random.nextInt(MAX_TORN_TMP_BYTES)), true);
            }
            tornWrites++;
        }

        /** Random bytes at {@code at} (the end of the last complete record). */
        private void appendGarbage(Path file, long at) {
            byte[] garbage = randomBytes(1 + random.nextInt(MAX_GARBAGE_BYTES));
            truncate(file, at);
            write(file, at, garbage, false);
            garbageTails++;
        }

        private byte[] randomBytes(int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
            return bytes;
        }

        @Override
        public void forget() {
            close();
            try {
                Files.deleteIfExists(dir.resolve("checkpoint.bin"));
                Files.deleteIfExists(walFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // As an operator wiping the signer state would; a missing signer.bin beside blocks refuses the start.
            new FileSignerStore(dir.resolve("signer.bin")).save(ValidatorDataDir.NOTHING_SIGNED);
            open();
        }

        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            try {
                wal.close();
                data.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void truncate(Path file, long bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, long at, byte[] bytes, boolean replace) {
        try (FileChannel ch = replace
                ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf, at + buf.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
