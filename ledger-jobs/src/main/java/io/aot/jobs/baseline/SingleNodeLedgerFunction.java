package io.aot.jobs.baseline;

import io.aot.consensus.flink.source.CommittedTx;
import io.aot.ledger.state.LedgerGenesisFile;
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
 * ({@link InProcessChain}: the same ledger rules, admission and results) executes the ordered transactions as
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

    private transient InProcessChain chain;
    private transient List<byte[]> pending;
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
        chain = new InProcessChain(chainId, LedgerGenesisFile.read(Path.of(ledgerGenesisFile)), MAX_TX_BYTES);
        pending = new ArrayList<>(maxBlockTxs);
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
        chain.commitBlock(clockMs, pending).forEach(out::collect);
        pending.clear();
    }
}
