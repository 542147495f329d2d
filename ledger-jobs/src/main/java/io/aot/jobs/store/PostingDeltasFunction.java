package io.aot.jobs.store;

import io.aot.avro.CommittedTransaction;
import java.math.BigInteger;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.tuple.Tuple6;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The committed chain, in order (parallelism 1), to balance deltas: (account, currency, signed amount, height, write
 * timestamp in us, block time in ms), the write timestamp from {@link ChainWriteTimestamps}, whose state is checkpointed
 * here with the source's height.
 */
public final class PostingDeltasFunction extends ProcessFunction<CommittedTransaction,
        Tuple6<String, String, BigInteger, Long, Long, Long>> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final LedgerTableRows rows;
    private transient ChainWriteTimestamps timestamps;
    private transient ListState<Tuple3<Long, Long, Long>> saved;

    public PostingDeltasFunction(LedgerTableRows rows) {
        this.rows = rows;
    }

    @Override
    public void processElement(CommittedTransaction t, Context ctx,
            Collector<Tuple6<String, String, BigInteger, Long, Long, Long>> out) {
        rows.deltas(t, timestamps).forEach(out::collect);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        long[] s = timestamps.state();
        saved.update(java.util.List.of(Tuple3.of(s[0], s[1], s[2])));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        saved = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("chain-write-timestamps",
                Types.TUPLE(Types.LONG, Types.LONG, Types.LONG)));
        timestamps = new ChainWriteTimestamps();
        for (Tuple3<Long, Long, Long> s : saved.get()) {
            timestamps = ChainWriteTimestamps.of(new long[] {s.f0, s.f1, s.f2});
        }
    }
}
