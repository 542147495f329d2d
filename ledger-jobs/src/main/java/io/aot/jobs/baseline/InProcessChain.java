package io.aot.jobs.baseline;

import io.aot.consensus.app.Application;
import io.aot.consensus.app.LedgerApplication;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.Evidence;
import io.aot.ledger.state.LedgerGenesis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One in-process copy of the validators' application ({@link LedgerApplication}: the same ledger rules, admission and
 * results) that commits blocks as the validators' block steps do (prepareProposal, finalizeBlock, commit) and returns
 * each block as {@code BlockSource} emits it: a block record (a real, chained header; no commit certificate, there
 * are no votes), then one {@link CommittedTx} per transaction with its result and events. The pipeline benchmark's
 * baseline ({@link SingleNodeLedgerFunction}) and tests that need a committed chain at chosen block times use it.
 * Not thread-safe; its state lives only in this object.
 */
public final class InProcessChain {

    private static final String PROPOSER = "single-node-baseline";

    private final String chainId;
    private final LedgerApplication ledger;
    private final WireCodec wire = new WireCodec(WireCodec.Limits.defaults());
    private long height;
    private Hash lastBlockId = Hash.ZERO;
    private long lastBlockTimeMs = Long.MIN_VALUE;

    /** @param maxTxBytes the largest transaction admitted, bytes (the validators' {@code max_tx_bytes}) */
    public InProcessChain(String chainId, LedgerGenesis genesis, int maxTxBytes) {
        this.chainId = chainId;
        this.ledger = new LedgerApplication(genesis, maxTxBytes);
    }

    /**
     * Commits the next block of {@code candidates} (those the application admits) at {@code clockMs} (epoch ms), or 1 ms
     * after the previous block if that is later: block times strictly grow, as the engine makes them.
     *
     * @return the block record, then its transactions in block order
     */
    public List<CommittedTx> commitBlock(long clockMs, List<byte[]> candidates) {
        long nowMs = lastBlockTimeMs == Long.MIN_VALUE ? clockMs : Math.max(clockMs, lastBlockTimeMs + 1);
        lastBlockTimeMs = nowMs;
        long next = height + 1;
        List<byte[]> txs = ledger.prepareProposal(next, candidates, Long.MAX_VALUE);
        Hash appHashBefore = ledger.lastAppHash();
        // No certificate here: no votes, so no last commit either.
        BlockHeader header = new BlockHeader(chainId, next, nowMs, lastBlockId, null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH, appHashBefore, PROPOSER, Hash.sha256(PROPOSER.getBytes(StandardCharsets.UTF_8)), txs.size());
        Application.BlockResult result = ledger.finalizeBlock(header, txs);
        ledger.commit();
        assert ledger.lastCommittedHeight() == next : "heights advance by one per block";
        height = next;
        lastBlockId = header.id();
        String hash = lastBlockId.hex();
        CanonicalWriter headerBytes = new CanonicalWriter();
        wire.writeHeader(headerBytes, header);
        List<CommittedTx> out = new ArrayList<>(txs.size() + 1);
        out.add(CommittedTx.blockRecord(next, txs.size(), hash, nowMs, headerBytes.toByteArray(), new byte[0]));
        for (int i = 0; i < txs.size(); i++) {
            Application.TxResult r = result.txResults().get(i);
            out.add(new CommittedTx(next, i, txs.size(), hash, nowMs, r.code(), r.events().toArray(new String[0]),
                    txs.get(i)));
        }
        return out;
    }

    public long height() {
        return height;
    }
}
