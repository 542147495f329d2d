package io.aot.consensus.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.evidence.EvidenceParams;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Equivocation becomes evidence and evidence ends in a block: three honest engines on an in-memory network, and a
 * fourth validator whose messages the test signs. Then valid(block) on evidence a faulty proposer could include.
 */
class EvidenceEngineTest {

    private static final String CHAIN = "aot-evidence";
    private final List<KeyPair> keys = new ArrayList<>();
    private ValidatorSet validators;

    @BeforeEach
    void validators() {
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 21);
            keys.add(KeyPair.fromSeed(seed));
        }
        validators = ValidatorSet.of(keys.stream().map(k -> new Validator(k.publicKey(), 10)).toList());
        keys.sort((a, b) -> Integer.compare(validators.indexOf(a.publicKey()), validators.indexOf(b.publicKey())));
    }

    /**
     * Validator 3 prevotes for a block and for nil in round 0 of height 1; validator 0 sees both. Its evidence
     * reaches validators 1 and 2, a later block carries it on every honest validator, and it leaves every pool.
     */
    @Test
    void aDoubleVotersEvidenceEndsInACommittedBlock() {
        Network net = new Network(3);
        Hash some = Hash.sha256(new byte[] {9});
        Vote forBlock = vote(3, VoteType.PREVOTE, 1, 0, some);
        Vote forNil = vote(3, VoteType.PREVOTE, 1, 0, null);
        net.engines[0].onVote(forBlock);
        net.engines[0].onVote(forNil);
        net.engines[1].onVote(forNil); // another validator saw only one of them

        net.runUntilHeight(4);

        DuplicateVoteEvidence expected = DuplicateVoteEvidence.of(forBlock, forNil);
        for (int i = 0; i < 3; i++) {
            List<Evidence> committed = net.committed.get(i).stream().flatMap(b -> b.evidence().stream()).toList();
            assertThat(committed).as("validator " + i + "'s chain").hasSize(1);
            assertThat(committed.get(0).hash()).isEqualTo(expected.hash());
            assertThat(committed.get(0).height()).isEqualTo(1);
            TendermintEngine e = net.engines[i];
            assertThat(e.evidenceSeen()).isEqualTo(1);
            assertThat(e.evidenceCommitted()).isEqualTo(1);
            assertThat(e.pendingEvidence()).as("committed evidence leaves the pool").isEmpty();
        }
        assertThat(net.engines[0].dropped()).doesNotContainKey("bad-evidence");
        // The same offence again, now committed: refused without a second block carrying it.
        long duplicates = net.engines[2].dropped().getOrDefault("duplicate-evidence", 0L); // relayed by 0 and 1
        net.engines[2].onEvidence(expected);
        assertThat(net.engines[2].dropped()).containsEntry("duplicate-evidence", duplicates + 1);
        assertThat(net.engines[2].pendingEvidence()).isEmpty();
    }

    /**
     * Pending evidence survives a restart: validator 0 sees validator 3's double vote at height 1, persists the
     * evidence (the context's pendingEvidence) and restarts before any peer heard it (its evidence broadcasts are
     * lost). Started again with what it stored, it proposes the evidence and all three commit it. Started with
     * nothing stored, as before the store, the evidence is lost: no block ever carries it.
     */
    @Test
    void evidenceOnlyARestartedValidatorHeldIsStillCommitted() {
        for (boolean stored : new boolean[] {true, false}) {
            Network net = new Network(3);
            net.evidenceLostFrom.add(0);
            Hash some = Hash.sha256(new byte[] {9});
            Vote forBlock = vote(3, VoteType.PREVOTE, 1, 0, some);
            Vote forNil = vote(3, VoteType.PREVOTE, 1, 0, null);
            net.engines[0].onVote(forBlock);
            net.engines[0].onVote(forNil);
            DuplicateVoteEvidence expected = DuplicateVoteEvidence.of(forBlock, forNil);
            assertThat(net.stored.get(0)).as("persisted when pooled").extracting(Evidence::hash)
                    .containsExactly(expected.hash());
            assertThat(net.engines[1].pendingEvidence()).isEmpty();
            assertThat(net.engines[2].pendingEvidence()).isEmpty();

            net.restart(0, stored ? net.stored.get(0) : List.of());
            net.evidenceLostFrom.clear();
            net.runUntilHeight(6);

            for (int i = 0; i < 3; i++) {
                List<Hash> committed = net.committed.get(i).stream().flatMap(b -> b.evidence().stream())
                        .map(Evidence::hash).toList();
                if (stored) {
                    assertThat(committed).as("validator " + i + "'s chain").containsExactly(expected.hash());
                } else {
                    assertThat(committed).as("without the store, validator " + i + "'s chain").isEmpty();
                }
            }
            if (stored) {
                assertThat(net.stored.get(0)).as("committed evidence leaves the store").isEmpty();
            }
        }
    }

    /** At start, stored evidence that is expired, already committed, forged or of a later height is dropped. */
    @Test
    void storedEvidenceIsCheckedAgainAtStart() {
        Network net = new Network(3);
        Evidence good = doubleVote(3, 1, 0);
        Evidence forged = DuplicateVoteEvidence.of(vote(3, VoteType.PREVOTE, 1, 1, Hash.ZERO),
                new Vote(VoteType.PREVOTE, 1, 1, null, 3, new byte[64]));
        Evidence ahead = doubleVote(3, 5, 0);
        net.restart(0, List.of(good, forged, ahead));

        assertThat(net.engines[0].pendingEvidence()).containsExactly(good);
        assertThat(net.engines[0].dropped()).containsEntry("bad-evidence", 1L).containsEntry("future-evidence", 1L);
        assertThat(net.stored.get(0)).as("the store rewritten without them").containsExactly(good);
    }

    /** valid(block) refuses evidence that is forged, of an unknown validator, of the block's height, or twice. */
    @Test
    void aBlockWithEvidenceThatDoesNotProveAnOffenceIsInvalid() {
        Chain chain = new Chain(EvidenceParams.defaults());
        chain.commitNext(List.of());
        Evidence good = doubleVote(3, 1, 0);
        Vote forged = new Vote(VoteType.PREVOTE, 1, 1, null, 3, new byte[64]);
        Evidence badSignature = DuplicateVoteEvidence.of(vote(3, VoteType.PREVOTE, 1, 1, Hash.ZERO), forged);
        Vote unknownA = new Vote(VoteType.PREVOTE, 1, 0, Hash.ZERO, 7, new byte[64]);
        Vote unknownB = new Vote(VoteType.PREVOTE, 1, 0, null, 7, new byte[64]);
        Evidence unknownValidator = DuplicateVoteEvidence.of(unknownA, unknownB);

        assertThat(chain.proposeAndCheck(List.of(badSignature))).isEqualTo(1);
        assertThat(chain.proposeAndCheck(List.of(unknownValidator))).isEqualTo(2);
        assertThat(chain.proposeAndCheck(List.of(good, DuplicateVoteEvidence.of(vote(3, VoteType.PREVOTE, 1, 0,
                Hash.sha256(new byte[] {5})), vote(3, VoteType.PREVOTE, 1, 0, null))))).as("one offence twice")
                .isEqualTo(3);
        assertThat(chain.proposeAndCheck(List.of(doubleVote(3, 2, 0)))).as("of the block's own height").isEqualTo(4);
        assertThat(chain.proposeAndCheck(List.of(good))).as("a valid piece").isEqualTo(4);
    }

    /** Evidence already committed, or older than the max age, is refused in a later block. */
    @Test
    void committedOrExpiredEvidenceIsInvalidInALaterBlock() {
        Chain chain = new Chain(new EvidenceParams(2, 100, 1 << 20));
        chain.commitNext(List.of());
        Evidence atOne = doubleVote(3, 1, 0);
        chain.commitNext(List.of(atOne));
        assertThat(chain.follower.evidenceCommitted()).isEqualTo(1);
        assertThat(chain.proposeAndCheck(List.of(atOne))).as("committed at height 2").isEqualTo(1);
        assertThat(chain.proposeAndCheck(List.of(doubleVote(2, 1, 0)))).as("height 1 fits block 3").isEqualTo(1);
        chain.commitNext(List.of());
        assertThat(chain.proposeAndCheck(List.of(doubleVote(1, 1, 0)))).as("height 1 is too old for block 4")
                .isEqualTo(2);
        chain.follower.onEvidence(doubleVote(0, 1, 0));
        assertThat(chain.follower.dropped()).as("nor kept from a peer").containsEntry("expired-evidence", 1L);
        assertThat(chain.follower.pendingEvidence()).isEmpty();
    }

    /**
     * A validator restarted from an application snapshot replays only the blocks above it, yet evidence committed in a
     * block below the snapshot (within the max age) is still known as committed: stored evidence of that offence (the
     * evidence file of a crash before its rewrite, or a peer's re-gossip) is dropped, not pooled again for a block
     * every other validator refuses. Before, the blocks below the snapshot were skipped entirely, the offence was
     * resurrected as pending, and this validator proposed, and prevoted, blocks carrying committed evidence.
     */
    @Test
    void evidenceCommittedBelowTheSnapshotIsNotResurrectedAtStart() {
        Chain chain = new Chain(EvidenceParams.defaults());
        chain.commitNext(List.of());
        Evidence atOne = doubleVote(3, 1, 0);
        chain.commitNext(List.of(atOne));
        chain.commitNext(List.of());
        chain.commitNext(List.of());
        KeyValueApplication fromSnapshot = KeyValueApplication.restore(chain.app.snapshot()); // at height 4

        Network net = new Network(0);
        TendermintEngine restarted = new TendermintEngine(EngineConfig.defaults(CHAIN), validators, -1, null,
                fromSnapshot, chain.store, net.context(-1));
        restarted.start(null, List.of(), List.of(atOne));

        assertThat(restarted.height()).isEqualTo(5);
        assertThat(restarted.pendingEvidence()).as("committed at height 2").isEmpty();
        assertThat(restarted.dropped()).containsEntry("duplicate-evidence", 1L);
        restarted.onEvidence(atOne);
        assertThat(restarted.pendingEvidence()).as("nor taken again from a peer").isEmpty();
    }

    private Evidence doubleVote(int validator, long height, int round) {
        return DuplicateVoteEvidence.of(vote(validator, VoteType.PREVOTE, height, round, Hash.ZERO),
                vote(validator, VoteType.PREVOTE, height, round, null));
    }

    private Vote vote(int validator, VoteType type, long height, int round, Hash id) {
        return new Vote(type, height, round, id, validator,
                keys.get(validator).sign(Vote.signBytes(CHAIN, type, height, round, id)));
    }

    private SignerGuard guard(int i) {
        return new SignerGuard(keys.get(i)::sign, new SignerGuard.Store() {
            private SignerGuard.LastSigned last;

            @Override
            public SignerGuard.LastSigned load() {
                return last;
            }

            @Override
            public void save(SignerGuard.LastSigned state) {
                last = state;
            }
        });
    }

    /**
     * A follower engine fed by block sync, and the chain it follows: blocks built here, signed by validators 0-2.
     * {@link #proposeAndCheck} offers a proposal for the next height with the given evidence and returns how many
     * blocks the follower has refused for their evidence so far.
     */
    private final class Chain {
        final TendermintEngine follower;
        final InMemoryBlockStore store = new InMemoryBlockStore();
        final KeyValueApplication app = new KeyValueApplication();
        ValidatorSet current = validators;
        Block last;
        CommitCertificate lastCommit;
        long height = 1;
        int proposalRound;

        Chain(EvidenceParams params) {
            follower = new TendermintEngine(EngineConfig.defaults(CHAIN).withEvidence(params), validators, -1, null,
                    new KeyValueApplication(), store, new Network(0).context(-1));
            follower.start(null);
        }

        Block next(List<Evidence> evidence, int round) {
            int proposer = current.proposerIndex(round);
            BlockHeader h = new BlockHeader(CHAIN, height, 1_000 * height, last == null ? null : last.id(),
                    lastCommit == null ? null : lastCommit.hash(), MerkleTree.root(List.of()),
                    Evidence.listHash(evidence), app.lastAppHash(), current.get(proposer).address(), current.hash(), 0);
            return new Block(h, List.of(), lastCommit, evidence);
        }

        void commitNext(List<Evidence> evidence) {
            Block b = next(evidence, 0);
            List<CommitCertificate.Signature> sigs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sigs.add(new CommitCertificate.Signature(i, vote(i, VoteType.PRECOMMIT, height, 0, b.id()).signature()));
            }
            CommitCertificate cert = new CommitCertificate(height, 0, b.id(), sigs);
            follower.onCommittedBlock(b, cert);
            assertThat(follower.height()).as("block " + height + " synced").isEqualTo(height + 1);
            app.finalizeBlock(b.header(), b.txs());
            app.commit();
            last = b;
            lastCommit = cert;
            current = current.forNextHeight();
            height++;
            proposalRound = 0;
        }

        long proposeAndCheck(List<Evidence> evidence) {
            // Each proposal in a round of its own: the follower takes one proposal per round.
            int round = proposalRound++;
            follower.onTimeout(new Timeout(height, 0, Step.NEW_HEIGHT));
            Block b = next(evidence, round);
            int proposer = current.proposerIndex(round);
            for (int r = follower.round(); r < round; r++) {
                follower.onTimeout(new Timeout(height, r, Step.PROPOSE));
                follower.onTimeout(new Timeout(height, r, Step.PREVOTE));
                follower.onTimeout(new Timeout(height, r, Step.PRECOMMIT));
            }
            follower.onProposal(new Proposal(height, round, -1, b, proposer,
                    keys.get(proposer).sign(Proposal.signBytes(CHAIN, height, round, -1, b.id()))));
            return follower.dropped().getOrDefault("invalid-block-evidence", 0L);
        }
    }

    /** Honest engines 0..n-1 on a network with 1 ms links and a shared clock; validator 3 is the test's. */
    private final class Network {
        final TendermintEngine[] engines;
        final Map<Integer, List<Block>> committed = new TreeMap<>();
        /** Each engine's persisted pending evidence (the last list it handed over). */
        final Map<Integer, List<Evidence>> stored = new TreeMap<>();
        /** Engines whose evidence broadcasts are lost. */
        final java.util.Set<Integer> evidenceLostFrom = new java.util.HashSet<>();
        private final SignerGuard[] guards;
        private final InMemoryBlockStore[] stores;
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0]
                ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        private final List<Runnable> actions = new ArrayList<>();
        private long now = 1_000_000;

        Network(int honest) {
            engines = new TendermintEngine[honest];
            guards = new SignerGuard[honest];
            stores = new InMemoryBlockStore[honest];
            for (int i = 0; i < honest; i++) {
                committed.put(i, new ArrayList<>());
                stored.put(i, List.of());
                guards[i] = guard(i);
                stores[i] = new InMemoryBlockStore();
                engines[i] = new TendermintEngine(EngineConfig.defaults(CHAIN), validators, i, guards[i],
                        new KeyValueApplication(), stores[i], context(i));
            }
            for (TendermintEngine e : engines) {
                e.start(null);
            }
        }

        /** Engine {@code i} again from its block store and signer state, with {@code evidence} as stored. */
        void restart(int i, List<Evidence> evidence) {
            engines[i] = new TendermintEngine(EngineConfig.defaults(CHAIN), validators, i, guards[i],
                    new KeyValueApplication(), stores[i], context(i));
            stored.put(i, evidence);
            engines[i].start(null, List.of(), evidence);
        }

        void runUntilHeight(long height) {
            for (int steps = 0; steps < 100_000; steps++) {
                boolean done = true;
                for (TendermintEngine e : engines) {
                    done &= e.height() >= height;
                }
                if (done) {
                    return;
                }
                long[] next = queue.poll();
                assertThat(next).as("events left before height " + height).isNotNull();
                now = next[0];
                actions.get((int) next[1]).run();
            }
            throw new AssertionError("height " + height + " not reached");
        }

        private void schedule(long delayMs, Runnable action) {
            actions.add(action);
            queue.add(new long[] {now + delayMs, actions.size() - 1});
        }

        private void toOthers(int from, java.util.function.Consumer<TendermintEngine> deliver) {
            for (int j = 0; j < engines.length; j++) {
                if (j != from) {
                    TendermintEngine to = engines[j];
                    schedule(1, () -> deliver.accept(to));
                }
            }
        }

        ConsensusContext context(int self) {
            return new ConsensusContext() {
                @Override
                public void broadcastProposal(Proposal proposal) {
                    toOthers(self, e -> e.onProposal(proposal));
                }

                @Override
                public void broadcastVote(Vote vote) {
                    toOthers(self, e -> e.onVote(vote));
                }

                @Override
                public void broadcastEvidence(Evidence evidence) {
                    if (!evidenceLostFrom.contains(self)) {
                        toOthers(self, e -> e.onEvidence(evidence));
                    }
                }

                @Override
                public void pendingEvidence(List<Evidence> pending) {
                    stored.put(self, List.copyOf(pending));
                }

                @Override
                public void scheduleTimeout(Timeout timeout, long delayMs) {
                    if (self >= 0) {
                        schedule(delayMs, () -> engines[self].onTimeout(timeout));
                    }
                }

                @Override
                public void persist(ConsensusCheckpoint checkpoint) {
                }

                @Override
                public long nowMillis() {
                    return now;
                }

                @Override
                public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
                    return List.of();
                }

                @Override
                public void committed(Block block, CommitCertificate certificate) {
                    if (self >= 0) {
                        committed.get(self).add(block);
                    }
                }
            };
        }
    }
}
