package io.aot.jobs.ingest.functions;

import io.aot.jobs.ingest.model.LedgerTx;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by transaction id: the first sighting passes, every later one within the TTL is refused with
 * {@code DUPLICATE_TX}. The state is checkpointed with the source offsets, so a replay after a failover is not mistaken
 * for a duplicate (offsets and state rewind together). Beyond the TTL the validators' own dedupe still holds: the
 * ledger answers {@code DUPLICATE_TX} without a second posting.
 */
public final class DedupeByTxIdFunction extends KeyedProcessFunction<String, LedgerTx, LedgerTx> {

    private static final long serialVersionUID = 1L;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public DedupeByTxIdFunction(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Boolean.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getState(d);
        duplicates = getRuntimeContext().getMetricGroup().counter("txDuplicates");
    }

    @Override
    public void processElement(LedgerTx tx, Context ctx, Collector<LedgerTx> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            ctx.output(Rejections.TAG, Rejections.of(tx, Rejections.DEDUPE, "DUPLICATE_TX",
                    "transaction id already submitted"));
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(tx);
    }
}
