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
 * source to sink), with one state entry per submission: a transaction id with its terminal sequence (chain transfers:
 * the id alone). The first sighting passes; every later one within the TTL is refused with {@code DUPLICATE_TX} (a
 * producer retry, a Kafka redelivery, a replayed record). A terminal's retry of a transaction under a new sequence
 * passes: the ledger decides it by id, executing it when the earlier attempt was refused for an order-dependent reason
 * ({@code UNKNOWN_ORIGINAL}: a refund that reached the chain before its payment) and answering {@code DUPLICATE_TX}
 * without posting otherwise. Keyed by id alone, this step dropped such a retry for an hour, so the refund could never
 * commit. A transaction id replayed under another terminal's key fails that terminal's signature check first. The
 * state is checkpointed with the source offsets, so a replay after a failover is not mistaken for a duplicate
 * (offsets and state rewind together).
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
        String submission = tx.sequenced() ? tx.txId + "@" + tx.sequence : tx.txId;
        if (seen.contains(submission)) {
            duplicates.inc();
            ctx.output(Rejections.TAG, Rejections.of(tx, Rejections.DEDUPE, "DUPLICATE_TX",
                    tx.sequenced() ? "transaction id already submitted with terminal sequence " + tx.sequence
                            : "transaction id already submitted"));
            return;
        }
        seen.put(submission, Boolean.TRUE);
        out.collect(tx);
    }
}
