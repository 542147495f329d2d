package io.aot.consensus.engine;

import io.aot.consensus.app.Application;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.evidence.EvidencePool;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.DuplicateProposalEvidence;
import io.aot.consensus.types.DuplicateVoteEvidence;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import io.aot.consensus.types.VoteType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One validator's consensus: Algorithm 1 of "The latest gossip on BFT consensus" (Buchman, Kwon, Milosevic 2018).
 * Each {@code upon...} / {@code on...} method is one rule of the paper, named and numbered after its lines, so the
 * code reads beside the paper. Not thread-safe by design: a validator runs it from one event loop, and the
 * simulation from its single-threaded scheduler, which is what makes runs reproducible.
 *
 * <p>Inputs: {@link #onProposal}, {@link #onVote}, {@link #onTimeout}, {@link #onCommittedBlock} (block sync),
 * {@link #onEvidence}. Two conflicting signed votes or proposals of one validator become evidence (CometBFT's
 * DuplicateVoteEvidence), kept in a bounded pool, gossiped, and included by proposers in their blocks.
 * Outputs go through {@link ConsensusContext}. Invalid input is dropped and counted in {@link #dropped()}, never thrown.
 */
public final class TendermintEngine {

    private final EngineConfig config;
    private final Application app;
    private final BlockStore store;
    private final ConsensusContext ctx;
    private final SignerGuard signer;
    private final int selfIndex;
    private final Map<String, Long> dropped = new TreeMap<>();
    /** Verified evidence waiting for a block, and the offences committed within the max age. */
    private final EvidencePool evidencePool;
    private long evidenceSeen;
    private long evidenceCommitted;

    // Chain state: what the next block builds on.
    private ValidatorSet validators;
    private ValidatorSet lastValidators;
    private Hash lastBlockId;
    /**
     * Precommit signatures for the last decided block that this validator checked (as votes, or in a synced block's
     * certificate), by round, then validator. The next proposal's last commit carries the same signatures: checking
     * them again was 8 % of a validator's CPU in the pipeline benchmark. Empty after a restart (all are checked).
     */
    private Map<Integer, Map<Integer, byte[]>> checkedLastPrecommits = Map.of();
    private long lastCommitSignaturesReused;
    private long lastBlockTimeMillis;
    private CommitCertificate lastCommit;

    // Round state of the current height (the paper's variables).
    private long height;
    private int round;
    private Step step;
    private Block lockedValue;
    private int lockedRound = -1;
    private Block validValue;
    private int validRound = -1;

    // Tree maps: every iteration order is fixed, so every replica and every replay acts the same.
    private final Map<Integer, Proposal> proposals = new TreeMap<>();
    /** This validator's clock when each round's proposal arrived: PBTS's timeliness is judged against it. */
    private final Map<Integer, Long> proposalReceivedAtMs = new HashMap<>();
    private final Map<Integer, VoteSet> prevotes = new TreeMap<>();
    private final Map<Integer, VoteSet> precommits = new TreeMap<>();
    private final TreeMap<Integer, BitSet> sendersByRound = new TreeMap<>();
    private final Map<Integer, Integer> proposerByRound = new HashMap<>();
    private final Set<Integer> prevoteTimeoutScheduled = new HashSet<>();
    private final Set<Integer> polkaForProposalHandled = new HashSet<>();
    private final Set<Integer> precommitTimeoutScheduled = new HashSet<>();
    private final Map<Hash, Boolean> validity = new HashMap<>();
    private final ArrayDeque<Object> futureMessages = new ArrayDeque<>();
    private long futureMessageBytes;
    private final List<Vote> ownVotes = new ArrayList<>();
    private long evidenceCount;
    /** Stored blocks {@link #start} executed in the application: those above the height it was restored at. */
    private long replayedAtStart;
    /** Replaying the consensus WAL at start: those messages are logged already. */
    private boolean replaying;

    /**
     * @param selfIndex this validator's index in the genesis set, or -1 for a node that follows without voting
     * @param signer    signs with this validator's key; null when {@code selfIndex} is -1
     */
    public TendermintEngine(EngineConfig config, ValidatorSet genesisValidators, int selfIndex, SignerGuard signer,
            Application app, BlockStore store, ConsensusContext ctx) {
        if ((selfIndex >= 0) != (signer != null)) {
            throw new IllegalArgumentException("a voting validator needs a signer, a follower none");
        }
        this.config = config;
        this.validators = genesisValidators;
        this.selfIndex = selfIndex;
        this.signer = signer;
        this.app = app;
        this.store = store;
        this.ctx = ctx;
        this.evidencePool = new EvidencePool(config.evidence());
    }

    /** Stored blocks that {@link #start} executed in the application (0 before it ran). */
    public long replayedAtStart() {
        return replayedAtStart;
    }

    /** {@link #start(ConsensusCheckpoint, List)} with an empty consensus WAL. */
    public void start(ConsensusCheckpoint checkpoint) {
        start(checkpoint, List.of());
    }

    /** {@link #start(ConsensusCheckpoint, List, List)} without stored pending evidence. */
    public void start(ConsensusCheckpoint checkpoint, List<Object> wal) {
        start(checkpoint, wal, List.of());
    }

    /**
     * Replays stored blocks the application has not committed (all from genesis; only those above its height when it
     * was restored from a snapshot; of the blocks below only those within the evidence max age are read, for the
     * offences they committed, so that stored or gossiped evidence of those is not pooled again), then starts the
     * next height: at the
     * checkpoint's round and lock if it belongs to that height (a restart), else at round 0. Then replays
     * {@code wal}, the peers' proposals and votes this validator had taken for that height before it stopped (CometBFT's consensus WAL): each goes
     * through the same checks as on arrival, and messages of other heights are ignored. {@code storedEvidence}, the
     * pending evidence persisted before the stop ({@link ConsensusContext#pendingEvidence}), goes back into the pool
     * before the first round (so this validator's first proposal may include it), each piece checked as evidence from
     * a peer ({@link #onEvidence}: one of a height above this one, committed in the replayed blocks, expired or not
     * verifying against the validator set is dropped); if any was dropped the stored list is replaced.
     */
    public void start(ConsensusCheckpoint checkpoint, List<Object> wal, List<Evidence> storedEvidence) {
        long stored = store.height();
        if (app.lastCommittedHeight() > stored) {
            throw new IllegalStateException("application is at height " + app.lastCommittedHeight()
                    + " but the block store only at " + stored);
        }
        long restored = app.lastCommittedHeight();
        for (long h = 1; h <= stored; h++) {
            if (h < restored) {
                // The application's state (a snapshot) covers this block: only the proposer priorities move on.
                lastValidators = validators;
                validators = validators.forNextHeight();
                if (!evidencePool.isExpired(h, stored + 1)) {
                    // Its evidence is still committed for the next height: known, so never pooled or accepted again.
                    evidencePool.update(h, store.load(h).block().evidence());
                }
                continue;
            }
            BlockStore.Entry e = store.load(h);
            if (h > restored) {
                if (!e.block().header().appHash().equals(app.lastAppHash())) {
                    throw new IllegalStateException("replay diverged at height " + h + ": app hash "
                            + app.lastAppHash() + ", block says " + e.block().header().appHash());
                }
                Application.BlockResult replayed = app.finalizeBlock(e.block().header(), e.block().txs());
                app.commit();
                ctx.txResults(h, replayed.txResults());
                replayedAtStart++;
            }
            advanceChain(e.block(), e.certificate());
        }
        height = stored + 1;
        if (checkpoint != null && checkpoint.height() == height) {
            lockedRound = checkpoint.lockedRound();
            lockedValue = checkpoint.lockedBlock();
            validRound = checkpoint.validRound();
            validValue = checkpoint.validBlock();
            for (Vote v : checkpoint.ownVotes()) {
                if (v.height() == height) {
                    restoreOwnVote(v);
                }
            }
        }
        int startAt = checkpoint != null && checkpoint.height() == height ? checkpoint.round() : 0;
        boolean voteRestored = restoreLastSignedVote();
        restoreEvidence(storedEvidence);
        if (voteRestored) {
            // The vote is in the signer state alone, which the next signature replaces: a crash after that one and
            // before its checkpoint would lose the vote for good (found by the simulation's on-disk crashes, seed
            // 3468). Into the checkpoint before anything is signed.
            round = startAt;
            step = Step.PROPOSE; // where startRound puts it (the file's checkpoint needs a step)
            persistCheckpoint();
        }
        startRound(startAt);
        replaying = true;
        try {
            for (Object m : wal) {
                if (m instanceof Proposal p && p.height() == height) {
                    onProposal(p);
                } else if (m instanceof Vote v && v.height() == height) {
                    onVote(v);
                }
            }
        } finally {
            replaying = false;
        }
    }

    private void restoreEvidence(List<Evidence> stored) {
        for (Evidence e : stored) {
            if (e.height() > height) {
                drop("future-evidence"); // a damaged or foreign store: this validator never reached that height
            } else if (evidencePool.knows(e.offence())) {
                drop("duplicate-evidence"); // committed in a replayed block (or stored twice)
            } else if (evidencePool.isExpired(e.height(), height)) {
                drop("expired-evidence");
            } else if (e.verify(config.chainId(), validators) != null) {
                drop("bad-evidence");
            } else if (evidencePool.add(e, height) == EvidencePool.AddResult.ADDED) {
                evidenceSeen++; // verified and pooled again: the peers hear it at the next gossip tick
            } else {
                drop("evidence-pool-full");
            }
        }
        if (evidencePool.pendingCount() != stored.size()) {
            ctx.pendingEvidence(evidencePool.pending());
        }
    }

    private void restoreOwnVote(Vote v) {
        ownVotes.add(v);
        (v.type() == VoteType.PREVOTE ? prevotes : precommits)
                .computeIfAbsent(v.round(), r -> new VoteSet(validators)).add(v, false);
        senders(v.round()).set(selfIndex);
    }

    /**
     * A crash between signing a vote and persisting the checkpoint (which precedes sending it) leaves the vote in the
     * signer state only. The guard refuses any other vote for that step, so unless the vote itself is recovered this
     * validator can never vote in that round again, and when the round needs every honest vote the chain stalls for
     * good (found by the simulation's crashes at durable steps). The signer state holds the exact bytes and signature:
     * the vote is restored and re-gossiped as it was signed. True if a vote was restored ({@link #start} then
     * checkpoints it).
     */
    private boolean restoreLastSignedVote() {
        SignerGuard.LastSigned last = signer == null ? null : signer.lastSigned();
        if (last == null || last.height() != height) {
            return false;
        }
        Vote v = Vote.fromSignBytes(config.chainId(), last.signBytes(), selfIndex, last.signature());
        if (v != null && v.height() == height && v.round() <= round + config.maxRoundsAhead()
                && ownVotes.stream().noneMatch(o -> o.type() == v.type() && o.round() == v.round())) {
            restoreOwnVote(v);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- inputs

    public void onProposal(Proposal p) {
        if (p.height() < height) {
            drop("old-height");
            return;
        }
        if (p.block().txs().size() > config.maxBlockTxs() || p.block().txBytes() > config.maxBlockBytes()) {
            // Over the block bounds no honest proposer exceeds: invalid at any height. Dropped before it is buffered,
            // hashed or kept, so it is never gossiped again either (a Byzantine proposer's 16 MiB block, re-sent by
            // every honest node at every gossip tick, ran a 128 MiB validator out of heap). The round goes on as
            // without a proposal: timeoutPropose, then prevote nil (CometBFT refuses block parts past MaxBytes alike).
            drop("invalid-block");
            return;
        }
        if (p.height() > height) {
            buffer(p);
            return;
        }
        if (p.round() < 0 || p.round() > round + config.maxRoundsAhead() || p.validRound() < -1
                || p.validRound() >= p.round()) {
            drop("bad-proposal-round");
            return;
        }
        if (p.proposerIndex() != proposer(p.round())) {
            drop("wrong-proposer");
            return;
        }
        Proposal known = proposals.get(p.round());
        if (known != null && known.validRound() == p.validRound() && known.block().id().equals(p.block().id())) {
            drop("duplicate");
            return;
        }
        if (!p.block().bodyMatchesHeader()) {
            drop("body-mismatch"); // not the block its signed id names: nothing about that id is learned from it
            return;
        }
        if (p.block().height() != height
                || !validators.get(p.proposerIndex()).publicKey().verify(p.signBytes(config.chainId()), p.signature())) {
            drop("bad-proposal-signature");
            return;
        }
        Proposal existing = proposals.get(p.round());
        if (existing != null) {
            if (!existing.block().id().equals(p.block().id()) || existing.validRound() != p.validRound()) {
                evidenceCount++;
                drop("equivocating-proposal");
                foundEvidence(DuplicateProposalEvidence.of(existing, p));
            } else {
                drop("duplicate");
            }
            return;
        }
        proposals.put(p.round(), p);
        proposalReceivedAtMs.put(p.round(), ctx.nowMillis());
        logReceived(p);
        senders(p.round()).set(p.proposerIndex());
        evaluate();
    }

    public void onVote(Vote v) {
        if (v.height() < height) {
            drop("old-height");
            return;
        }
        if (v.height() > height) {
            buffer(v);
            return;
        }
        if (v.round() < 0 || v.round() > round + config.maxRoundsAhead()) {
            drop("bad-vote-round");
            return;
        }
        if (v.validatorIndex() < 0 || v.validatorIndex() >= validators.size()) {
            drop("unknown-validator");
            return;
        }
        VoteSet set = (v.type() == VoteType.PREVOTE ? prevotes : precommits)
                .computeIfAbsent(v.round(), r -> new VoteSet(validators));
        if (set.has(v.validatorIndex(), v.blockId())) {
            drop("duplicate"); // re-gossiped: skip the 86 us signature check, it cannot change anything
            return;
        }
        if (!validators.get(v.validatorIndex()).publicKey().verify(v.signBytes(config.chainId()), v.signature())) {
            drop("bad-vote-signature");
            return;
        }
        switch (set.add(v, v.blockId() == null || isProposedBlock(v.blockId()))) {
            case DUPLICATE -> drop("duplicate");
            case CONFLICTING_IGNORED -> {
                foundEvidence(DuplicateVoteEvidence.of(set.conflictingWith(v), v));
                evidenceCount++;
                drop("conflicting-vote");
            }
            case CONFLICTING_COUNTED -> {
                foundEvidence(DuplicateVoteEvidence.of(set.conflictingWith(v), v));
                evidenceCount++;
                logReceived(v);
                evaluate();
            }
            case ADDED -> {
                senders(v.round()).set(v.validatorIndex());
                logReceived(v);
                evaluate();
            }
        }
    }

    /**
     * Evidence from a peer. Kept if it is new (its offence neither pending nor committed), not too old for the next
     * block, of a height this validator has reached, and it verifies against the validator set; then relayed.
     */
    public void onEvidence(Evidence e) {
        if (e.height() > height) {
            drop("future-evidence"); // we cannot have seen that height; the peer gossips it again later
            return;
        }
        if (evidencePool.knows(e.offence())) {
            drop("duplicate-evidence");
            return;
        }
        if (evidencePool.isExpired(e.height(), height)) {
            drop("expired-evidence"); // before the signature checks: it could never be included
            return;
        }
        if (e.verify(config.chainId(), validators) != null) {
            drop("bad-evidence");
            return;
        }
        keepEvidence(e);
    }

    public void onTimeout(Timeout t) {
        if (t.height() != height) {
            return;
        }
        switch (t.step()) {
            case NEW_HEIGHT -> {
                if (step == Step.NEW_HEIGHT) {
                    startRound(0);
                }
            }
            case PROPOSE -> onTimeoutPropose(t.round());
            case PREVOTE -> onTimeoutPrevote(t.round());
            case PRECOMMIT -> onTimeoutPrecommit(t.round());
        }
        evaluate();
    }

    /**
     * Block sync: a block of the current height with a certificate from a peer that is ahead. Decided here without
     * the round's messages, after the same checks a light client makes plus the full validity check.
     */
    public void onCommittedBlock(Block block, CommitCertificate certificate) {
        if (block.height() != height) {
            drop(block.height() < height ? "old-height" : "sync-gap");
            return;
        }
        if (!block.bodyMatchesHeader()) {
            drop("body-mismatch");
            return;
        }
        String why = certificate.verify(config.chainId(), validators, height, block.id());
        if (why != null) {
            drop("bad-certificate");
            return;
        }
        if (!valid(block)) {
            drop("invalid-block");
            return;
        }
        decide(block, certificate);
    }

    // ---------------------------------------------------------------- the rules of Algorithm 1

    /** Lines 11-21: StartRound(round). */
    private void startRound(int newRound) {
        round = newRound;
        step = Step.PROPOSE;
        if (proposer(round) == selfIndex) {
            Block proposal = validValue != null ? validValue : createBlock();
            byte[] signBytes = Proposal.signBytes(config.chainId(), height, round, validRound, proposal.id());
            persistCheckpoint();
            byte[] signature = signer.sign(height, round, SignerGuard.PROPOSAL, signBytes);
            if (signature != null) {
                Proposal p = new Proposal(height, round, validRound, proposal, selfIndex, signature);
                proposals.put(round, p);
                proposalReceivedAtMs.put(round, ctx.nowMillis());
                senders(round).set(selfIndex);
                ctx.broadcastProposal(p);
            }
        }
        // Line 21 for others; also for the proposer, whose proposal may have been refused by the signer guard.
        ctx.scheduleTimeout(new Timeout(height, round, Step.PROPOSE), config.timeouts().proposeMs(round));
        evaluate();
    }

    /**
     * Lines 22-27: upon PROPOSAL(h, r, v, -1) from proposer(h, r) while step = propose. With proposer-based timestamps
     * (CometBFT's PBTS), a validator that is not locked also requires v's time to be timely against its own clock
     * ({@link SynchronyParams}); a re-proposal (line 28) carries a polka instead, which f+1 honest validators gave.
     */
    private void uponProposalInPropose() {
        Proposal p = proposals.get(round);
        if (step != Step.PROPOSE || p == null || p.validRound() != -1) {
            return;
        }
        Block v = p.block();
        boolean timely = config.synchrony().isTimely(v.header().timeMillis(), proposalReceivedAtMs.get(round), round);
        if (lockedRound == -1 && !timely) {
            drop("untimely-proposal");
        }
        boolean accept = valid(v) && (lockedRound == -1 ? timely : lockedValue.id().equals(v.id()));
        broadcastVote(VoteType.PREVOTE, accept ? v.id() : null);
        step = Step.PREVOTE;
    }

    /** Lines 28-33: upon PROPOSAL(h, r, v, vr) and 2f+1 PREVOTE(h, vr, id(v)) while step = propose, 0 <= vr < r. */
    private void uponProposalWithPolkaFromEarlierRound() {
        Proposal p = proposals.get(round);
        if (step != Step.PROPOSE || p == null || p.validRound() < 0 || p.validRound() >= round) {
            return;
        }
        VoteSet polka = prevotes.get(p.validRound());
        Block v = p.block();
        if (polka == null || !polka.hasQuorumFor(v.id())) {
            return;
        }
        boolean accept = valid(v) && (lockedRound <= p.validRound() || lockedValue.id().equals(v.id()));
        broadcastVote(VoteType.PREVOTE, accept ? v.id() : null);
        step = Step.PREVOTE;
    }

    /** Lines 34-35: upon 2f+1 PREVOTE(h, r, *) while step = prevote, for the first time. */
    private void uponPrevoteQuorumAny() {
        VoteSet set = prevotes.get(round);
        if (step == Step.PREVOTE && set != null && set.hasQuorumAny() && prevoteTimeoutScheduled.add(round)) {
            ctx.scheduleTimeout(new Timeout(height, round, Step.PREVOTE), config.timeouts().prevoteMs(round));
        }
    }

    /** Lines 36-43: upon PROPOSAL(h, r, v, *) and 2f+1 PREVOTE(h, r, id(v)) while valid(v), step >= prevote, first time. */
    private void uponPolkaForProposal() {
        Proposal p = proposals.get(round);
        VoteSet set = prevotes.get(round);
        if (p == null || set == null || step == Step.PROPOSE || step == Step.NEW_HEIGHT
                || !set.hasQuorumFor(p.block().id()) || polkaForProposalHandled.contains(round) || !valid(p.block())) {
            return;
        }
        polkaForProposalHandled.add(round);
        Block v = p.block();
        if (step == Step.PREVOTE) {
            lockedValue = v;
            lockedRound = round;
            broadcastVote(VoteType.PRECOMMIT, v.id());
            step = Step.PRECOMMIT;
        }
        validValue = v;
        validRound = round;
    }

    /**
     * Not in Algorithm 1; CometBFT keeps its valid block the same way. Upon PROPOSAL(h, r', v, *) and 2f+1
     * PREVOTE(h, r', id(v)) with validRound < r' <= round: validValue = v, validRound = r'. Line 36 only learns a polka
     * while it is in that round; a validator that was elsewhere (partitioned, restarted) would then re-propose an older
     * value that validators locked in r' refuse, round after round. Safe: validValue only chooses what we propose; every
     * vote still follows lines 22-33.
     */
    private void uponPolkaFromEarlierRoundUpdateValid() {
        for (var e : prevotes.entrySet()) {
            int r = e.getKey();
            if (r <= validRound || r > round) {
                continue;
            }
            Proposal p = proposals.get(r);
            if (p != null && e.getValue().hasQuorumFor(p.block().id()) && valid(p.block())) {
                validValue = p.block();
                validRound = r;
            }
        }
    }

    /** Lines 44-46: upon 2f+1 PREVOTE(h, r, nil) while step = prevote. */
    private void uponPolkaNil() {
        VoteSet set = prevotes.get(round);
        if (step == Step.PREVOTE && set != null && set.hasQuorumNil()) {
            broadcastVote(VoteType.PRECOMMIT, null);
            step = Step.PRECOMMIT;
        }
    }

    /** Lines 47-48: upon 2f+1 PRECOMMIT(h, r, *) for the first time. */
    private void uponPrecommitQuorumAny() {
        VoteSet set = precommits.get(round);
        if (step != Step.NEW_HEIGHT && set != null && set.hasQuorumAny() && precommitTimeoutScheduled.add(round)) {
            ctx.scheduleTimeout(new Timeout(height, round, Step.PRECOMMIT), config.timeouts().precommitMs(round));
        }
    }

    /** Lines 49-54: upon PROPOSAL(h, r, v, *) and 2f+1 PRECOMMIT(h, r, id(v)), in any round, while decision[h] = nil. */
    private boolean uponCommitQuorum() {
        for (var e : precommits.entrySet()) {
            Optional<Hash> id = e.getValue().quorumBlock();
            Proposal p = proposals.get(e.getKey());
            if (id.isPresent() && p != null && p.block().id().equals(id.get()) && valid(p.block())) {
                CommitCertificate cert = new CommitCertificate(height, e.getKey(), id.get(),
                        e.getValue().signaturesFor(id.get()));
                decide(p.block(), cert);
                return true;
            }
        }
        return false;
    }

    /** Lines 55-56: upon f+1 messages of height h from a round above ours: StartRound(that round). */
    private void uponRoundSkip() {
        for (var e : sendersByRound.descendingMap().entrySet()) {
            if (e.getKey() > round && validators.isOneThirdPlus(powerOf(e.getValue()))) {
                startRound(e.getKey());
                return;
            }
        }
    }

    /** Lines 57-60: OnTimeoutPropose(h, r). */
    private void onTimeoutPropose(int r) {
        if (r == round && step == Step.PROPOSE) {
            broadcastVote(VoteType.PREVOTE, null);
            step = Step.PREVOTE;
        }
    }

    /** Lines 61-64: OnTimeoutPrevote(h, r). */
    private void onTimeoutPrevote(int r) {
        if (r == round && step == Step.PREVOTE) {
            broadcastVote(VoteType.PRECOMMIT, null);
            step = Step.PRECOMMIT;
        }
    }

    /** Lines 65-67: OnTimeoutPrecommit(h, r). */
    private void onTimeoutPrecommit(int r) {
        if (r == round && step != Step.NEW_HEIGHT) {
            startRound(round + 1);
        }
    }

    /** Re-checks every rule until none fires: each message can enable several rules, each step change more. */
    private void evaluate() {
        for (int guard = 0; guard < 1000; guard++) {
            long h0 = height;
            int r0 = round;
            Step s0 = step;
            if (uponCommitQuorum()) {
                continue;
            }
            if (step != Step.NEW_HEIGHT) {
                uponProposalInPropose();
                uponProposalWithPolkaFromEarlierRound();
                uponPrevoteQuorumAny();
                uponPolkaForProposal();
                uponPolkaNil();
                uponPrecommitQuorumAny();
                uponPolkaFromEarlierRoundUpdateValid();
            }
            uponRoundSkip();
            if (h0 == height && r0 == round && s0 == step) {
                return;
            }
        }
        throw new IllegalStateException("consensus rules did not settle after 1000 steps at height " + height);
    }

    // ---------------------------------------------------------------- decisions and helpers

    private void decide(Block block, CommitCertificate certificate) {
        rememberCheckedPrecommits(block.id(), certificate);
        Application.BlockResult result = app.finalizeBlock(block.header(), block.txs());
        app.commit();
        store.save(block, certificate);
        advanceChain(block, certificate);
        assert result.txResults().size() == block.txs().size() : "one result per transaction";
        ctx.txResults(block.height(), result.txResults());
        ctx.committed(block, certificate);

        height++;
        round = 0;
        step = Step.NEW_HEIGHT;
        lockedValue = null;
        lockedRound = -1;
        validValue = null;
        validRound = -1;
        proposals.clear();
        proposalReceivedAtMs.clear();
        prevotes.clear();
        precommits.clear();
        sendersByRound.clear();
        proposerByRound.clear();
        prevoteTimeoutScheduled.clear();
        polkaForProposalHandled.clear();
        precommitTimeoutScheduled.clear();
        validity.clear();
        ownVotes.clear();
        ctx.scheduleTimeout(new Timeout(height, 0, Step.NEW_HEIGHT), config.timeouts().commitMs());
        replayBuffered();
    }

    /** Every precommit held for the decided block passed its signature check on entry (own votes are our own). */
    private void rememberCheckedPrecommits(Hash blockId, CommitCertificate certificate) {
        Map<Integer, Map<Integer, byte[]>> checked = new TreeMap<>();
        precommits.forEach((r, set) -> set.signaturesFor(blockId).forEach(s -> checked
                .computeIfAbsent(r, k -> new TreeMap<>()).put(s.validatorIndex(), s.signature())));
        certificate.signatures().forEach(s -> checked.computeIfAbsent(certificate.round(), k -> new TreeMap<>())
                .put(s.validatorIndex(), s.signature()));
        checkedLastPrecommits = checked;
    }

    private void advanceChain(Block block, CommitCertificate certificate) {
        // Committed evidence leaves the pool. At start the pool is empty while stored blocks replay: nothing to write.
        if (evidencePool.update(block.height(), block.evidence())) {
            ctx.pendingEvidence(evidencePool.pending());
        }
        evidenceCommitted += block.evidence().size();
        lastBlockId = block.id();
        lastBlockTimeMillis = block.header().timeMillis();
        lastCommit = certificate;
        lastValidators = validators;
        validators = validators.forNextHeight();
    }

    private void replayBuffered() {
        List<Object> pending = new ArrayList<>(futureMessages);
        futureMessages.clear();
        futureMessageBytes = 0;
        for (Object m : pending) {
            if (m instanceof Proposal p) {
                onProposal(p);
            } else if (m instanceof Vote v) {
                onVote(v);
            }
        }
    }

    private void buffer(Object message) {
        long h = message instanceof Proposal p ? p.height() : ((Vote) message).height();
        // Only the next height is worth keeping: anything further is reached by block sync, not by these messages.
        long bytes = message instanceof Proposal p ? p.block().txBytes() + 1024 : 256;
        if (h != height + 1 || futureMessages.size() >= config.maxBufferedFutureMessages()
                || futureMessageBytes + bytes > config.maxBufferedFutureBytes()) {
            drop("future-height");
            return;
        }
        futureMessages.add(message);
        futureMessageBytes += bytes;
    }

    private void broadcastVote(VoteType type, Hash blockId) {
        if (selfIndex < 0) {
            return;
        }
        int signStep = type == VoteType.PREVOTE ? SignerGuard.PREVOTE : SignerGuard.PRECOMMIT;
        byte[] signature = signer.sign(height, round, signStep, Vote.signBytes(config.chainId(), type, height, round, blockId));
        if (signature == null) {
            drop("signer-refused");
            return;
        }
        Vote vote = new Vote(type, height, round, blockId, selfIndex, signature);
        (type == VoteType.PREVOTE ? prevotes : precommits).computeIfAbsent(round, r -> new VoteSet(validators))
                .add(vote, false);
        senders(round).set(selfIndex);
        ownVotes.add(vote);
        persistCheckpoint(); // before it leaves: a restart must know this vote
        ctx.broadcastVote(vote);
    }

    private void persistCheckpoint() {
        ctx.persist(new ConsensusCheckpoint(height, round, step, lockedRound, lockedValue, validRound, validValue,
                ownVotes));
    }

    private Block createBlock() {
        List<byte[]> candidates = ctx.reapTxs(config.maxBlockTxs(), config.maxBlockBytes());
        List<byte[]> txs = app.prepareProposal(height, candidates, config.maxBlockBytes());
        // Strictly after the last block (validity); the last block was timely, so far from overflowing.
        long time = Math.max(ctx.nowMillis(), Math.addExact(lastBlockTimeMillis, 1));
        List<Evidence> evidence = evidencePool.forBlock(height, Evidence.MAX_PER_BLOCK);
        BlockHeader header = new BlockHeader(config.chainId(), height, time, lastBlockId,
                lastCommit == null ? null : lastCommit.hash(), MerkleTree.root(txs), Evidence.listHash(evidence),
                app.lastAppHash(), validators.get(selfIndex).address(), validators.hash(), txs.size());
        return new Block(header, txs, lastCommit, evidence);
    }

    /**
     * valid(v) of the paper: the block extends our chain correctly and the application accepts it. Cached by block id,
     * which commits to the whole block: only blocks whose body matches their header get here.
     */
    private boolean valid(Block block) {
        assert block.bodyMatchesHeader() : "checked on entry";
        return validity.computeIfAbsent(block.id(), id -> checkValid(block));
    }

    private boolean checkValid(Block block) {
        BlockHeader h = block.header();
        boolean ok = h.chainId().equals(config.chainId())
                && h.height() == height
                && java.util.Objects.equals(h.lastBlockId(), lastBlockId)
                && h.appHash().equals(app.lastAppHash())
                && h.validatorSetHash().equals(validators.hash())
                && h.timeMillis() > lastBlockTimeMillis
                && isValidator(h.proposerAddress())
                && block.txs().size() <= config.maxBlockTxs()
                && block.txBytes() <= config.maxBlockBytes()
                && lastCommitValid(block);
        if (!ok) {
            drop("invalid-block");
            return false;
        }
        String evidence = evidenceInvalid(block);
        if (evidence != null) {
            drop("invalid-block-evidence");
            return false;
        }
        if (!app.processProposal(h, block.txs())) {
            drop("app-rejected-block");
            return false;
        }
        return true;
    }

    /**
     * Null if every piece of the block's evidence may be committed at its height; else why not. Each must be of an
     * earlier height within the max age, of an offence neither committed before nor twice in this block, and verify
     * (CometBFT's CheckEvidence); evidence pending here was verified on entry and is not checked again.
     */
    private String evidenceInvalid(Block block) {
        if (block.evidence().size() > Evidence.MAX_PER_BLOCK) {
            return "more than " + Evidence.MAX_PER_BLOCK + " pieces of evidence";
        }
        Set<String> offences = new HashSet<>();
        for (Evidence e : block.evidence()) {
            if (e.height() >= block.height() || evidencePool.isExpired(e.height(), block.height())) {
                return "evidence of height " + e.height() + " in block " + block.height();
            }
            if (!offences.add(e.offence()) || evidencePool.isCommitted(e.offence())) {
                return "offence " + e.offence() + " committed twice";
            }
            String why = evidencePool.isPendingExactly(e) ? null : e.verify(config.chainId(), validators);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** Evidence this engine found in its own vote sets or proposals: both messages passed their checks on entry. */
    private void foundEvidence(Evidence e) {
        if (evidencePool.knows(e.offence())) {
            return; // one piece per offence; a third conflicting vote proves nothing new
        }
        if (e.verify(config.chainId(), validators) != null) {
            drop("bad-evidence"); // cannot happen for messages checked on entry; never kept unverified all the same
            return;
        }
        keepEvidence(e);
    }

    private void keepEvidence(Evidence e) {
        switch (evidencePool.add(e, height)) {
            case ADDED -> {
                evidenceSeen++;
                ctx.pendingEvidence(evidencePool.pending()); // durable before anyone hears of it
                ctx.broadcastEvidence(e);
            }
            case KNOWN -> drop("duplicate-evidence");
            case EXPIRED -> drop("expired-evidence");
            case FULL -> drop("evidence-pool-full");
        }
    }

    private boolean lastCommitValid(Block block) {
        if (height == 1) {
            return block.lastCommit() == null;
        }
        return block.lastCommit() != null
                && block.lastCommit().verify(config.chainId(), lastValidators, height - 1, lastBlockId,
                        this::checkedBefore) == null;
    }

    private boolean checkedBefore(int round, CommitCertificate.Signature s) {
        Map<Integer, byte[]> byValidator = checkedLastPrecommits.get(round);
        boolean checked = byValidator != null && Arrays.equals(byValidator.get(s.validatorIndex()), s.signature());
        if (checked) {
            lastCommitSignaturesReused++;
        }
        return checked;
    }

    private boolean isValidator(String address) {
        for (var v : validators.validators()) {
            if (v.address().equals(address)) {
                return true;
            }
        }
        return false;
    }

    private boolean isProposedBlock(Hash blockId) {
        for (Proposal p : proposals.values()) {
            if (p.block().id().equals(blockId)) {
                return true;
            }
        }
        return false;
    }

    /** Proposer of a round of this height; cached, since computing it walks every earlier round. */
    private int proposer(int r) {
        return proposerByRound.computeIfAbsent(r, validators::proposerIndex);
    }

    private BitSet senders(int r) {
        return sendersByRound.computeIfAbsent(r, k -> new BitSet(validators.size()));
    }

    private long powerOf(BitSet members) {
        long power = 0;
        for (int i = members.nextSetBit(0); i >= 0; i = members.nextSetBit(i + 1)) {
            power += validators.get(i).votingPower();
        }
        return power;
    }

    /** A peer's message taken for this height, to the consensus WAL (our own are in the checkpoint). */
    private void logReceived(Object message) {
        int from = message instanceof Proposal p ? p.proposerIndex() : ((Vote) message).validatorIndex();
        if (!replaying && from != selfIndex) {
            ctx.received(message);
        }
    }

    private void drop(String reason) {
        dropped.merge(reason, 1L, Long::sum);
    }

    // ---------------------------------------------------------------- observation (metrics, gossip, tests)

    public long height() {
        return height;
    }

    public int round() {
        return round;
    }

    public Step step() {
        return step;
    }

    public ValidatorSet validators() {
        return validators;
    }

    /** Dropped inputs by reason: the node's metrics. */
    public Map<String, Long> dropped() {
        return Map.copyOf(dropped);
    }

    /** Signatures of proposals' last commits not checked again: this validator had checked them as precommits. */
    public long lastCommitSignaturesReused() {
        return lastCommitSignaturesReused;
    }

    /** Equivocations seen (conflicting votes or proposals from one validator). */
    public long evidenceCount() {
        return evidenceCount;
    }

    /**
     * Offences proven by evidence this validator verified and pooled: found in its own messages or from peers. Unlike
     * {@link #evidenceCount}, which counts every conflicting message this validator received, one per offence.
     */
    public long evidenceSeen() {
        return evidenceSeen;
    }

    /** Pieces of evidence in the blocks of this chain so far (those replayed at start included). */
    public long evidenceCommitted() {
        return evidenceCommitted;
    }

    /** Verified evidence waiting for a block, oldest first: what a validator gossips. */
    public List<Evidence> pendingEvidence() {
        return evidencePool.pending();
    }

    public int pendingEvidenceCount() {
        return evidencePool.pendingCount();
    }

    /**
     * Every proposal and vote this validator holds for the current height, for gossip. Relaying others' messages, not
     * only our own, is what the paper's gossip assumption asks: a Byzantine validator may send a vote to some honest
     * validators only, and the rest must still learn it, or a lock taken on it can never be matched.
     */
    public List<Object> currentHeightMessages() {
        List<Object> all = new ArrayList<>(proposals.values());
        prevotes.values().forEach(set -> all.addAll(set.votes()));
        precommits.values().forEach(set -> all.addAll(set.votes()));
        return all;
    }
}
