package io.aot.consensus.app;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.BlockHeader;
import java.util.List;

/**
 * The replicated state machine, shaped like ABCI++. Every method must be deterministic: the same calls in the same
 * order give the same results and app hash on every validator (block time only, fixed iteration orders, exact
 * integers). The ledger state machine implements this; {@link KeyValueApplication} is the engine's test application.
 */
public interface Application {

    /** Mempool admission: cheap, stateless or against the last committed state. */
    TxCheck checkTx(byte[] tx);

    /**
     * Whether {@link #checkTx}'s answer can change when a block commits. When it can, the mempool checks every waiting
     * transaction again after each commit (CometBFT's recheck); when it cannot, that recheck would repeat the same
     * answer for every waiting transaction at every height, and is skipped.
     */
    default boolean checkTxReadsState() {
        return true;
    }

    /** The proposer's chance to reorder or drop candidate transactions (within {@code maxBytes}). */
    List<byte[]> prepareProposal(long height, List<byte[]> candidates, long maxBytes);

    /** A validator's vote on someone else's proposal: false makes it prevote nil. */
    boolean processProposal(BlockHeader header, List<byte[]> txs);

    /** Executes a decided block: one result per transaction, and the app hash after it. Not yet durable. */
    BlockResult finalizeBlock(BlockHeader header, List<byte[]> txs);

    /** Makes the last finalized block's state durable. */
    void commit();

    /** Hash of the state after the last committed block (the genesis state's hash before any). */
    Hash lastAppHash();

    /** Height of the last committed block, 0 before any: on restart the engine replays the stored blocks above it. */
    long lastCommittedHeight();

    /**
     * The committed state at {@link #lastCommittedHeight} as canonical bytes (ABCI's snapshot, in one chunk): the same
     * state gives the same bytes on every validator, and the application's restore (a static {@code restore} beside
     * its constructor) rebuilds it, so a restart replays only the blocks after it. Not the state of a block finalized
     * but not committed. Call from the thread that drives the application.
     */
    byte[] snapshot();

    /** Result of {@link #checkTx}. */
    record TxCheck(boolean accepted, String code) {
        public static final TxCheck OK = new TxCheck(true, "OK");

        public static TxCheck refused(String code) {
            return new TxCheck(false, code);
        }
    }

    /** Result of one transaction of a block: "OK" or a refusal code (a refusal is a recorded, deterministic result). */
    /**
     * A transaction's result code and the application's events for it (ABCI's ExecTxResult events): for the ledger,
     * one {@code transfer|from|to|asset|amount} per posting pair. Not part of consensus: followers read them.
     */
    record TxResult(String code, List<String> events) {
        public TxResult {
            events = List.copyOf(events);
        }

        public TxResult(String code) {
            this(code, List.of());
        }

        public boolean ok() {
            return "OK".equals(code);
        }
    }

    /** Result of {@link #finalizeBlock}. */
    record BlockResult(List<TxResult> txResults, Hash appHash) {
    }
}
