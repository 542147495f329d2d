package io.aot.consensus.engine;

import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Vote;
import java.util.ArrayList;
import java.util.List;

/**
 * A context for engine tests that drive every input by hand: it records what the engine broadcasts into {@code sent}
 * and every checkpoint it persists into {@code checkpoints}, reads a fixed clock, offers no transactions and schedules
 * nothing (a test fires timeouts itself).
 */
record RecordingContext(List<Object> sent, long nowMillis, List<ConsensusCheckpoint> checkpoints)
        implements ConsensusContext {

    RecordingContext(List<Object> sent, long nowMillis) {
        this(sent, nowMillis, new ArrayList<>());
    }

    @Override
    public void broadcastProposal(Proposal proposal) {
        sent.add(proposal);
    }

    @Override
    public void broadcastVote(Vote vote) {
        sent.add(vote);
    }

    @Override
    public void scheduleTimeout(Timeout timeout, long delayMs) {
    }

    @Override
    public void persist(ConsensusCheckpoint checkpoint) {
        checkpoints.add(checkpoint);
    }

    @Override
    public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
        return List.of();
    }

    @Override
    public void committed(Block block, CommitCertificate certificate) {
    }
}
