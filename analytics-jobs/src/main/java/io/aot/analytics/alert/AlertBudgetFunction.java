package io.aot.analytics.alert;

import io.aot.avro.AlertSeverity;
import io.aot.avro.MarketAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by rule: passes at most {@link AlertThresholds#MAX_ALERTS_PER_RULE_PER_HOUR} alerts of a rule per hour of
 * their raised-at time (the end of their window: the hour of the {@code aot_analytics.alerts} partition they land in),
 * and for an hour that went over, one {@code ALERTS_SUPPRESSED} alert naming the rule and how many were held back,
 * once the watermark has passed the hour and its allowed lateness. Without a budget an alert storm (a rule that
 * misfires on every payment) grows one partition without bound: at 10,000 payments/s, 36 million rows an hour. With it
 * an hour holds at most rules x (budget + 1) rows ({@code PartitionBoundsTest}). Suppressed alerts are counted in the
 * {@code alertsSuppressed} metric too. An hour's count is kept until its summary is due, then dropped.
 */
public final class AlertBudgetFunction extends KeyedProcessFunction<String, MarketAlert, MarketAlert> {

    private static final long serialVersionUID = 1L;
    /** The rule of the summary alerts; itself never budgeted (at most one per rule and hour). */
    public static final String SUPPRESSED_RULE = "ALERTS_SUPPRESSED";
    private static final long HOUR_MS = 3_600_000L;

    private final int maxPerRulePerHour;
    private final long allowedLatenessMs;
    /** Hour start (epoch ms) -> alerts of this rule raised in it so far, passed or not. */
    private transient MapState<Long, Long> perHour;
    private transient Counter suppressed;

    public AlertBudgetFunction(int maxPerRulePerHour, long allowedLatenessMs) {
        if (maxPerRulePerHour < 1 || allowedLatenessMs < 0) {
            throw new IllegalArgumentException("budget >= 1 and lateness >= 0 required");
        }
        this.maxPerRulePerHour = maxPerRulePerHour;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void open(OpenContext openContext) {
        perHour = getRuntimeContext().getMapState(new MapStateDescriptor<>("alertsPerHour", Long.class, Long.class));
        suppressed = getRuntimeContext().getMetricGroup().counter("alertsSuppressed");
    }

    @Override
    public void processElement(MarketAlert alert, Context ctx, Collector<MarketAlert> out) throws Exception {
        long raisedAt = alert.getWindowEndMillis().toEpochMilli();
        // Seoul is UTC+9 all year: an hour of UTC is an hour of Seoul, so the table's (day, hour) partitions align.
        long hour = Math.floorDiv(raisedAt, HOUR_MS) * HOUR_MS;
        Long before = perHour.get(hour);
        long count = before == null ? 1 : before + 1;
        perHour.put(hour, count);
        if (before == null) {
            ctx.timerService().registerEventTimeTimer(summaryDue(hour));
        }
        if (count <= maxPerRulePerHour) {
            out.collect(alert);
        } else {
            suppressed.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketAlert> out) throws Exception {
        List<Long> done = new ArrayList<>();
        for (Map.Entry<Long, Long> e : perHour.entries()) {
            if (summaryDue(e.getKey()) <= timestamp) {
                done.add(e.getKey());
                long over = e.getValue() - maxPerRulePerHour;
                if (over > 0) {
                    out.collect(summary(ctx.getCurrentKey(), e.getKey(), over));
                }
            }
        }
        for (Long hour : done) {
            perHour.remove(hour);
        }
    }

    private long summaryDue(long hourStart) {
        return hourStart + HOUR_MS - 1 + allowedLatenessMs;
    }

    private MarketAlert summary(String rule, long hourStart, long over) {
        return Alerts.of(SUPPRESSED_RULE + "|" + rule + "|" + hourStart, SUPPRESSED_RULE, "rule", rule,
                AlertSeverity.WARNING, hourStart, hourStart + HOUR_MS - 1, over + " alerts of " + rule + " held back",
                "at most " + maxPerRulePerHour + " per rule and hour", List.of());
    }
}
