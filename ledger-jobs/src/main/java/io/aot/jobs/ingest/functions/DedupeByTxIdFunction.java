package io.aot.jobs.ingest.functions;

import io.aot.jobs.ingest.model.LedgerTx;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by terminal (the same key as the ordering step, so a terminal's transactions keep their Kafka order from
 * source to sink), with one state entry per transaction id: the first sighting of an id passes, every later one within
 * the TTL is refused with {@code DUPLICATE_TX}. A transaction id replayed under another terminal's key fails that
 * terminal's signature check first; ids shared across keys are caught again by the ledger, which records
 * {@code DUPLICATE_TX} without posting. The state is checkpointed with the source offsets, so a replay after a failover is not mistaken
 * for a duplicate (offsets and state rewind together). Beyond the TTL the validators' own dedupe still holds: the
 * ledger answers {@code DUPLICATE_TX} without a second posting.
 */
public final class DedupeByTxIdFunction extends KeyedProcessFunction<String, LedgerTx, LedgerTx> {

    private static final long serialVersionUID = 1L;

    private final Duration ttl;
    private transient MapState<String, Boolean> seen;
    private transient Counter duplicates;

    public DedupeByTxIdFunction(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, Boolean> d = new MapStateDescriptor<>("seenTxIds", String.class, Boolean.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getMapState(d);
        duplicates = getRuntimeContext().getMetricGroup().counter("txDuplicates");
    }

    @Override
    public void processElement(LedgerTx tx, Context ctx, Collector<LedgerTx> out) throws Exception {
        if (seen.contains(tx.txId)) {
            duplicates.inc();
            ctx.output(Rejections.TAG, Rejections.of(tx, Rejections.DEDUPE, "DUPLICATE_TX",
                    "transaction id already submitted"));
            return;
        }
        seen.put(tx.txId, Boolean.TRUE);
        out.collect(tx);
    }
}
