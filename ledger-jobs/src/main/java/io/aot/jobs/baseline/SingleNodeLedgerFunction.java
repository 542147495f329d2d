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
import io.aot.ledger.state.LedgerGenesisFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The pipeline benchmark's baseline in place of consensus: one in-process copy of the validators' application
 * ({@link LedgerApplication}, the same ledger rules, admission and results) executes the ordered transactions as
 * blocks: one as soon as {@code maxBlockTxs} are waiting, and one every {@code blockIntervalMs} of whatever arrived
 * (empty too, as the validators do). It emits the chain as {@code BlockSource} does: a block record (a real header; no
 * commit certificate, there are no votes), then one {@link CommittedTx} per transaction with its result and events.
 * What is left out is exactly BFT consensus: proposals, votes, four replicas, gossip, certificates and their
 * verification.
 *
 * <p>Keyed by a constant (one chain, one subtask) so that it has processing-time timers. Not for production and not
 * fault tolerant: the ledger state lives only in this object, so a restore refuses to start rather than emit a chain
 * that forgot its balances.
 */
public final class SingleNodeLedgerFunction extends KeyedProcessFunction<Integer, byte[], CommittedTx>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final int MAX_TX_BYTES = 64 * 1024;

    private final String chainId;
    private final String ledgerGenesisFile;
    private final int maxBlockTxs;
    private final long blockIntervalMs;

    private transient LedgerApplication ledger;
    private transient WireCodec wire;
    private transient List<byte[]> pending;
    private transient long height;
    private transient Hash lastBlockId;
    private transient long lastBlockTimeMs;
    private transient boolean timerSet;

    public SingleNodeLedgerFunction(String chainId, Path ledgerGenesisFile, int maxBlockTxs, long blockIntervalMs) {
        if (maxBlockTxs < 1 || blockIntervalMs < 1) {
            throw new IllegalArgumentException("maxBlockTxs and blockIntervalMs must be >= 1");
        }
        this.chainId = chainId;
        this.ledgerGenesisFile = ledgerGenesisFile.toString();
        this.maxBlockTxs = maxBlockTxs;
        this.blockIntervalMs = blockIntervalMs;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        if (context.isRestored()) {
            throw new IllegalStateException("the single-node baseline ledger keeps its state in memory only and cannot"
                    + " be restored; rerun the benchmark");
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // nothing durable: see the class comment
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ledger = new LedgerApplication(LedgerGenesisFile.read(Path.of(ledgerGenesisFile)), MAX_TX_BYTES);
        wire = new WireCodec(WireCodec.Limits.defaults());
        pending = new ArrayList<>(maxBlockTxs);
        height = 0;
        lastBlockId = Hash.ZERO;
    }

    @Override
    public void processElement(byte[] tx, Context ctx, Collector<CommittedTx> out) {
        pending.add(tx);
        if (pending.size() >= maxBlockTxs) {
            cutBlock(ctx.timerService().currentProcessingTime(), out);
        }
        if (!timerSet) { // from the first transaction on, a block every interval
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + blockIntervalMs);
            timerSet = true;
        }
    }

    /** Like the validators, a block every interval even when empty, so that chain time goes on. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CommittedTx> out) {
        cutBlock(timestamp, out);
        ctx.timerService().registerProcessingTimeTimer(timestamp + blockIntervalMs);
    }

    /** The validators' block steps in order: prepareProposal (admission), finalizeBlock, commit. */
    private void cutBlock(long clockMs, Collector<CommittedTx> out) {
        long nowMs = Math.max(clockMs, lastBlockTimeMs + 1); // block times strictly grow, as the engine makes them
        lastBlockTimeMs = nowMs;
        long next = height + 1;
        List<byte[]> txs = ledger.prepareProposal(next, pending, Long.MAX_VALUE);
        pending.clear();
        Hash appHashBefore = ledger.lastAppHash();
        // No certificate here: the baseline has no votes, so no last commit either.
        BlockHeader header = new BlockHeader(chainId, next, nowMs, lastBlockId, null, MerkleTree.root(txs),
                Evidence.EMPTY_LIST_HASH,
                appHashBefore, "single-node-baseline",
                Hash.sha256("single-node-baseline".getBytes(StandardCharsets.UTF_8)), txs.size());
        Application.BlockResult result = ledger.finalizeBlock(header, txs);
        ledger.commit();
        assert ledger.lastCommittedHeight() == next : "heights advance by one per block";
        height = next;
        lastBlockId = header.id();
        String hash = lastBlockId.hex();
        CanonicalWriter headerBytes = new CanonicalWriter();
        wire.writeHeader(headerBytes, header);
        out.collect(CommittedTx.blockRecord(next, txs.size(), hash, nowMs, headerBytes.toByteArray(), new byte[0]));
        for (int i = 0; i < txs.size(); i++) {
            Application.TxResult r = result.txResults().get(i);
            out.collect(new CommittedTx(next, i, txs.size(), hash, nowMs, r.code(), r.events().toArray(new String[0]),
                    txs.get(i)));
        }
    }
}
