package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fault 4 of the Byzantine issue, as a directed scenario on four engines: v0 is partitioned; the proposer of round 0
 * (the faulty one) proposes Y, and it, v1 and v2 prevote Y; v1 and v2 lock on Y and precommit it; the proposer goes
 * silent for good; v1 and v2 restart together. The three honest validators must still decide. Only the consensus WAL
 * (the peers' messages taken at this height, replayed at start) keeps the faulty validator's prevote, the third of the
 * polka that v1 and v2 locked on: without it no one can ever show that polka again, v1 and v2 refuse every other value,
 * and the chain stops.
 */
class LockProofAfterRestartTest {

    private static final String CHAIN = "aot-wal";

    @Test
    void lockedValidatorsRestartedTogetherStillDecideWithTheirWal() {
        Network net = new Network(true);
        net.lockOnYThenRestart();
        Hash decided = net.runHonest(40);
        assertThat(decided).as("the honest three decided height 1").isNotNull();
        assertThat(decided).as("the value v1 and v2 were locked on").isEqualTo(net.y.id());
    }

    @Test
    void withoutTheWalTheSameScenarioNeverDecides() {
        Network net = new Network(false);
        net.lockOnYThenRestart();
        assertThat(net.runHonest(40)).as("the lost polka can never be shown again").isNull();
    }

    /** Four engines and a hand-driven network: every delivery, gossip and timeout is explicit. */
    private static final class Network {
        final boolean replayWal;
        final List<KeyPair> keys = new ArrayList<>();
        final ValidatorSet validators;
        final Node[] nodes = new Node[4];
        final int faulty;
        final int partitioned;
        final int v1;
        final int v2;
        long clockMs = 1_800_000_000_000L;
        Block y;

        Network(boolean replayWal) {
            this.replayWal = replayWal;
            for (int i = 0; i < 4; i++) {
                byte[] seed = new byte[32];
                seed[0] = (byte) (i + 41);
                keys.add(KeyPair.fromSeed(seed));
            }
            validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
            keys.sort((a, b) -> Integer.compare(validators.indexOf(a.publicKey()), validators.indexOf(b.publicKey())));
            faulty = validators.proposerIndex(0);
            int[] others = java.util.stream.IntStream.range(0, 4).filter(i -> i != faulty).toArray();
            partitioned = others[0];
            v1 = others[1];
            v2 = others[2];
            for (int i = 0; i < 4; i++) {
                nodes[i] = new Node(i);
                nodes[i].boot();
            }
        }

        void lockOnYThenRestart() {
            Proposal proposal = (Proposal) nodes[faulty].outbox.stream().filter(m -> m instanceof Proposal)
                    .findFirst().orElseThrow();
            y = proposal.block();
            deliver(proposal, Set.of(v1, v2));
            // Prevotes for Y among the faulty proposer, v1 and v2 only: v0 is partitioned.
            for (int from : new int[] {faulty, v1, v2}) {
                for (Object m : nodes[from].drain()) {
                    if (m instanceof Vote v && v.type() == VoteType.PREVOTE) {
                        deliver(v, Set.of(faulty, v1, v2));
                    }
                }
            }
            for (int i : new int[] {v1, v2}) {
                assertThat(nodes[i].engine.step()).as("v%d locked on Y and precommitted", i).isEqualTo(Step.PRECOMMIT);
            }
            // v1 and v2 precommit Y to each other (2 of 4: no decision); the faulty one is silent from now on.
            for (int from : new int[] {v1, v2}) {
                for (Object m : nodes[from].drain()) {
                    deliver(m, Set.of(v1, v2));
                }
            }
            nodes[faulty].drain();
            nodes[v1].boot();
            nodes[v2].boot();
        }

        /** Rounds of full delivery, gossip and timeouts among the honest three; the decided block id, or null. */
        Hash runHonest(int steps) {
            Set<Integer> honest = Set.of(partitioned, v1, v2);
            for (int step = 0; step < steps; step++) {
                clockMs += 500;
                for (int round = 0; round < 3; round++) {
                    for (int from : honest) {
                        for (Object m : nodes[from].drain()) {
                            deliver(m, honest);
                        }
                    }
                }
                for (int from : honest) {
                    for (Object m : nodes[from].engine.currentHeightMessages()) {
                        deliver(m, honest);
                    }
                }
                if (honest.stream().allMatch(i -> nodes[i].decided != null)) {
                    Hash id = nodes[v1].decided;
                    assertThat(honest.stream().map(i -> nodes[i].decided)).as("agreement").containsOnly(id);
                    return id;
                }
                for (int i : honest) {
                    nodes[i].fireTimeouts();
                }
            }
            return null;
        }

        void deliver(Object m, Set<Integer> to) {
            for (int i : to) {
                if (m instanceof Proposal p && p.proposerIndex() != i) {
                    nodes[i].engine.onProposal(p);
                } else if (m instanceof Vote v && v.validatorIndex() != i) {
                    nodes[i].engine.onVote(v);
                }
            }
        }

        /** One validator: durable state (store, signer state, checkpoint, WAL) survives {@link #boot}. */
        private final class Node implements ConsensusContext {
            final int index;
            final InMemoryBlockStore store = new InMemoryBlockStore();
            final List<Object> wal = new ArrayList<>();
            final InMemorySignerStore signerState = new InMemorySignerStore();
            ConsensusCheckpoint checkpoint;
            TendermintEngine engine;
            List<Object> outbox = new ArrayList<>();
            final Map<String, Timeout> timeouts = new HashMap<>();
            Hash decided;

            Node(int index) {
                this.index = index;
            }

            void boot() {
                outbox = new ArrayList<>();
                timeouts.clear();
                engine = new TendermintEngine(EngineConfig.defaults(CHAIN), validators, index,
                        new SignerGuard(keys.get(index)::sign, signerState), new KeyValueApplication(), store, this);
                engine.start(checkpoint, replayWal ? List.copyOf(wal) : List.of());
            }

            List<Object> drain() {
                List<Object> out = outbox;
                outbox = new ArrayList<>();
                return out;
            }

            void fireTimeouts() {
                List<Timeout> due = new ArrayList<>(timeouts.values());
                timeouts.clear();
                due.sort((a, b) -> a.round() != b.round() ? Integer.compare(a.round(), b.round())
                        : Integer.compare(a.step().ordinal(), b.step().ordinal()));
                due.forEach(engine::onTimeout);
            }

            @Override
            public void broadcastProposal(Proposal proposal) {
                outbox.add(proposal);
            }

            @Override
            public void broadcastVote(Vote vote) {
                outbox.add(vote);
            }

            @Override
            public void scheduleTimeout(Timeout timeout, long delayMs) {
                timeouts.put(timeout.height() + "/" + timeout.round() + "/" + timeout.step(), timeout);
            }

            @Override
            public void persist(ConsensusCheckpoint cp) {
                checkpoint = cp;
            }

            @Override
            public void received(Object message) {
                wal.add(message);
            }

            @Override
            public long nowMillis() {
                return clockMs;
            }

            @Override
            public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
                return List.of(("k" + index + "=t" + clockMs).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void committed(Block block, CommitCertificate certificate) {
                wal.clear();
                decided = block.id();
            }
        }
    }
}
