package io.aot.consensus.engine;

import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.Vote;
import java.util.List;

/**
 * Everything the engine does to the world, so that the same engine runs in a validator process (TCP, files, wall
 * clock) and in the deterministic simulation (simulated network and clock). Called only from the validator's one
 * event loop.
 */
public interface ConsensusContext {

    /** Send to every peer. The engine has already processed its own message. */
    void broadcastProposal(Proposal proposal);

    void broadcastVote(Vote vote);

    /**
     * Send verified evidence the engine has just taken into its pool (found itself or heard from a peer) to every
     * peer. Pending evidence is also re-gossiped from {@link TendermintEngine#pendingEvidence()}, so a context that
     * only does that still spreads it, later.
     */
    default void broadcastEvidence(Evidence evidence) {
    }

    /**
     * The evidence pool's pending list changed (a piece added, or pieces committed, expired or dropped at start): every
     * pending piece, oldest first, to persist durably before this call returns. Called before new evidence is
     * broadcast, so evidence this validator found survives its crash even if no peer heard it; {@link
     * TendermintEngine#start} takes the stored list back.
     */
    default void pendingEvidence(List<Evidence> pending) {
    }

    /** Deliver {@code timeout} back to the engine after {@code delayMs} of this context's clock. */
    void scheduleTimeout(Timeout timeout, long delayMs);

    /** Durably record the engine's round state; called before any own message is sent. */
    void persist(ConsensusCheckpoint checkpoint);

    /**
     * A peer's proposal or vote that this engine took for the current height. The node appends it to its consensus
     * WAL, synced before this validator's next own message leaves ({@link #persist}) and emptied at each new height;
     * {@link TendermintEngine#start} replays it after a restart. Without it, the prevotes that justified a lock could
     * be lost to every validator at once (the locked ones restarted together, the Byzantine sender went silent), and
     * no one could ever show that polka again: the locked validators would refuse every other value forever.
     */
    default void received(Object message) {
    }

    /** Wall or simulated time, used only as the proposed block's time. */
    long nowMillis();

    /** Transactions for a new proposal, oldest first, within the bounds. */
    List<byte[]> reapTxs(int maxTxs, long maxBytes);

    /** A block was committed (already executed by the application and stored). */
    void committed(Block block, CommitCertificate certificate);

    /**
     * The application's result for each transaction of the block at {@code height}, in block order: on commit, and
     * again for every block replayed at start (the application's state lives in memory and is rebuilt from blocks).
     */
    default void txResults(long height, List<io.aot.consensus.app.Application.TxResult> results) {
    }
}
