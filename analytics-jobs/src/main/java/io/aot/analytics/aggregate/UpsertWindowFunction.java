package io.aot.analytics.aggregate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * An event-time window per key (the key names one subject and one window) whose row is upserted, not appended: the
 * running figures are re-emitted at most once per {@code flushEveryMs} of processing time while they change, and a
 * late event (after the watermark passed the window's end, within {@code allowedLatenessMs}) updates them and so
 * corrects the row. When the watermark passes end + lateness the last figures are emitted and the state is dropped;
 * an event later than that cannot correct a row any more (its figures are gone) and goes to {@link #tooLate}, counted,
 * instead of overwriting the row with a partial one.
 *
 * <p>Exactly once by construction: figures live in keyed state checkpointed with the source offsets, so a restore
 * recomputes from the checkpoint and re-emits the same rows; rows are keyed upserts.
 */
public abstract class UpsertWindowFunction<IN> extends KeyedProcessFunction<String, IN, Row> {

    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMs;
    private final long flushEveryMs;
    private final OutputTag<IN> tooLate;
    private transient ValueState<Boolean> dirty;
    private transient Counter tooLateEvents;

    protected UpsertWindowFunction(long allowedLatenessMs, long flushEveryMs, OutputTag<IN> tooLate) {
        if (allowedLatenessMs < 0 || flushEveryMs < 1) {
            throw new IllegalArgumentException("allowedLatenessMs >= 0 and flushEveryMs >= 1 required");
        }
        this.allowedLatenessMs = allowedLatenessMs;
        this.flushEveryMs = flushEveryMs;
        this.tooLate = tooLate;
    }

    /** The end (exclusive) of the window {@code in} falls in. */
    protected abstract long windowEnd(IN in);

    protected abstract void add(IN in) throws Exception;

    /** Emits the current figures of this key's window. */
    protected abstract void emit(Collector<Row> out) throws Exception;

    /** Drops this key's window state. */
    protected abstract void clearWindow();

    @Override
    public void open(OpenContext openContext) throws Exception {
        dirty = getRuntimeContext().getState(new ValueStateDescriptor<>("dirty", Types.BOOLEAN));
        tooLateEvents = getRuntimeContext().getMetricGroup().counter("tooLateEvents");
    }

    @Override
    public void processElement(IN in, Context ctx, Collector<Row> out) throws Exception {
        long cleanupAt = windowEnd(in) + allowedLatenessMs;
        if (cleanupAt <= ctx.timerService().currentWatermark()) {
            tooLateEvents.inc();
            ctx.output(tooLate, in);
            return;
        }
        add(in);
        ctx.timerService().registerEventTimeTimer(cleanupAt - 1);
        if (dirty.value() == null) {
            dirty.update(Boolean.TRUE);
            long now = ctx.timerService().currentProcessingTime();
            ctx.timerService().registerProcessingTimeTimer(now - now % flushEveryMs + flushEveryMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        if (dirty.value() != null) {
            emit(out);
            dirty.clear();
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            clearWindow();
        }
    }
}
