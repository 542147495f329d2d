package io.aot.consensus.engine;

import io.aot.consensus.types.Block;
import io.aot.consensus.types.Vote;
import java.util.List;

/**
 * What a validator must not forget across a crash: where it was, what it had locked, and the votes it signed at this
 * height. Persisted after signing and before sending. A restarted validator resumes from it and re-gossips its own
 * votes; without them, a vote lost in flight could never be replaced (its signer guard refuses a different one), and
 * a round that needed it would never complete. Others' votes come back from the consensus WAL and from gossip.
 */
public record ConsensusCheckpoint(long height, int round, Step step, int lockedRound, Block lockedBlock, int validRound,
        Block validBlock, List<Vote> ownVotes) {

    public ConsensusCheckpoint {
        ownVotes = List.copyOf(ownVotes);
    }
}
