package io.aot.jobs.ingest.functions;

import io.aot.jobs.ingest.model.LedgerTx;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by terminal: releases each terminal's transactions in sequence order (sequences start at 1). An early
 * arrival waits for the gap before it to fill, at most {@code maxGapHoldMs} and at most {@code maxHeldPerTerminal}
 * transactions; then the gap is skipped (counted in {@code sequenceGapsSkipped}, logged) and the held ones are
 * released in order. A sequence at or below one already released is refused with {@code SEQUENCE_REUSED}: a terminal
 * never signs two transactions with one sequence number. Unsequenced transactions (chain transfers) pass as they come.
 */
public final class TerminalSequenceOrderFunction extends KeyedProcessFunction<String, LedgerTx, LedgerTx> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TerminalSequenceOrderFunction.class);

    private final long maxGapHoldMs;
    private final int maxHeldPerTerminal;

    /** The next sequence to release; absent means 1. */
    private transient ValueState<Long> nextSequence;
    private transient MapState<Long, LedgerTx> held;
    private transient ValueState<Integer> heldCount;
    private transient ValueState<Long> gapDeadline;
    private transient Counter gapsSkipped;
    private transient Counter sequencesSkipped;
    private transient Counter reused;

    public TerminalSequenceOrderFunction(long maxGapHoldMs, int maxHeldPerTerminal) {
        if (maxGapHoldMs < 0 || maxHeldPerTerminal < 1) {
            throw new IllegalArgumentException("maxGapHoldMs >= 0 and maxHeldPerTerminal >= 1 required");
        }
        this.maxGapHoldMs = maxGapHoldMs;
        this.maxHeldPerTerminal = maxHeldPerTerminal;
    }

    @Override
    public void open(OpenContext openContext) {
        nextSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("nextSequence", Long.class));
        held = getRuntimeContext().getMapState(new MapStateDescriptor<>("held", Long.class, LedgerTx.class));
        heldCount = getRuntimeContext().getState(new ValueStateDescriptor<>("heldCount", Integer.class));
        gapDeadline = getRuntimeContext().getState(new ValueStateDescriptor<>("gapDeadline", Long.class));
        gapsSkipped = getRuntimeContext().getMetricGroup().counter("sequenceGapsSkipped");
        sequencesSkipped = getRuntimeContext().getMetricGroup().counter("sequencesSkipped");
        reused = getRuntimeContext().getMetricGroup().counter("sequencesReused");
    }

    @Override
    public void processElement(LedgerTx tx, Context ctx, Collector<LedgerTx> out) throws Exception {
        if (!tx.sequenced()) {
            out.collect(tx);
            return;
        }
        long next = next();
        if (tx.sequence < next || held.contains(tx.sequence)) {
            reused.inc();
            ctx.output(Rejections.TAG, Rejections.of(tx, Rejections.ORDER, "SEQUENCE_REUSED",
                    "terminal sequence " + tx.sequence + " was already used (next expected " + next + ")"));
            return;
        }
        if (tx.sequence == next) {
            out.collect(tx);
            nextSequence.update(next + 1);
            releaseConsecutive(out);
        } else {
            held.put(tx.sequence, tx);
            heldCount.update(count() + 1);
            if (count() > maxHeldPerTerminal) {
                skipGap(ctx.getCurrentKey(), out, "hold bound of " + maxHeldPerTerminal + " reached");
            }
        }
        if (count() == 0) {
            clearDeadline(ctx);
        } else if (gapDeadline.value() == null) {
            long deadline = ctx.timerService().currentProcessingTime() + maxGapHoldMs;
            gapDeadline.update(deadline);
            ctx.timerService().registerProcessingTimeTimer(deadline);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LedgerTx> out) throws Exception {
        Long deadline = gapDeadline.value();
        if (deadline == null || deadline != timestamp) {
            return; // a timer of a gap that has since closed
        }
        gapDeadline.clear();
        if (count() > 0) {
            skipGap(ctx.getCurrentKey(), out, "held " + maxGapHoldMs + " ms");
        }
        if (count() > 0) {
            long next = ctx.timerService().currentProcessingTime() + maxGapHoldMs;
            gapDeadline.update(next);
            ctx.timerService().registerProcessingTimeTimer(next);
        }
    }

    /** Gives up on the missing sequences before the lowest held one, and releases from there. */
    private void skipGap(String terminal, Collector<LedgerTx> out, String why) throws Exception {
        long lowest = Long.MAX_VALUE;
        for (Long s : held.keys()) {
            lowest = Math.min(lowest, s);
        }
        long next = next();
        gapsSkipped.inc();
        sequencesSkipped.inc(lowest - next);
        LOG.warn("terminal {}: sequences {}..{} never arrived ({}); releasing from {}", terminal, next, lowest - 1, why,
                lowest);
        nextSequence.update(lowest);
        releaseConsecutive(out);
    }

    private void releaseConsecutive(Collector<LedgerTx> out) throws Exception {
        long next = next();
        int count = count();
        LedgerTx tx;
        while (count > 0 && (tx = held.get(next)) != null) {
            held.remove(next);
            out.collect(tx);
            next++;
            count--;
        }
        nextSequence.update(next);
        heldCount.update(count);
    }

    private void clearDeadline(Context ctx) throws Exception {
        Long deadline = gapDeadline.value();
        if (deadline != null) {
            ctx.timerService().deleteProcessingTimeTimer(deadline);
            gapDeadline.clear();
        }
    }

    private long next() throws Exception {
        Long n = nextSequence.value();
        return n == null ? 1 : n;
    }

    private int count() throws Exception {
        Integer c = heldCount.value();
        return c == null ? 0 : c;
    }
}
