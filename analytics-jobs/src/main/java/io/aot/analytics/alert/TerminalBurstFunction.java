package io.aot.analytics.alert;

import io.aot.analytics.model.MarketEvent;
import io.aot.avro.AlertSeverity;
import io.aot.avro.MarketAlert;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by terminal: TERMINAL_BURST when one terminal takes more than {@code terminalMaxPerMinute} payments in one
 * event-time minute, raised once per minute. A minute's count is dropped an hour after the minute (late payments
 * still count within that hour).
 */
public final class TerminalBurstFunction extends KeyedProcessFunction<String, MarketEvent, MarketAlert> {

    private static final long serialVersionUID = 1L;
    static final long MINUTE_MS = 60_000;
    static final long KEEP_MINUTE_MS = 3_600_000;

    private final AlertThresholds thresholds;
    private transient MapState<Long, Integer> perMinute;

    public TerminalBurstFunction(AlertThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        perMinute = getRuntimeContext().getMapState(new MapStateDescriptor<>("perMinute", Types.LONG, Types.INT));
    }

    @Override
    public void processElement(MarketEvent e, Context ctx, Collector<MarketAlert> out) throws Exception {
        long minute = e.eventTimeMillis / MINUTE_MS;
        Integer before = perMinute.get(minute);
        int count = before == null ? 1 : before + 1;
        perMinute.put(minute, count);
        if (before == null) {
            ctx.timerService().registerEventTimeTimer((minute + 1) * MINUTE_MS + KEEP_MINUTE_MS);
        }
        if (count == thresholds.terminalMaxPerMinute() + 1) {
            out.collect(Alerts.of("TERMINAL_BURST|" + e.terminalId + "|" + minute, "TERMINAL_BURST", "terminal",
                    e.terminalId, AlertSeverity.WARNING, minute * MINUTE_MS, (minute + 1) * MINUTE_MS,
                    "> " + thresholds.terminalMaxPerMinute() + " payments in the minute from "
                            + java.time.Instant.ofEpochMilli(minute * MINUTE_MS),
                    "<= " + thresholds.terminalMaxPerMinute() + " payments per minute", List.of(e.txId)));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketAlert> out) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Long minute : perMinute.keys()) {
            if ((minute + 1) * MINUTE_MS + KEEP_MINUTE_MS <= timestamp) {
                expired.add(minute);
            }
        }
        for (Long minute : expired) {
            perMinute.remove(minute);
        }
    }
}
