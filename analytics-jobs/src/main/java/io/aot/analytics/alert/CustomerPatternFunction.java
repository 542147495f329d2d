package io.aot.analytics.alert;

import io.aot.analytics.model.MarketEvent;
import io.aot.avro.AlertSeverity;
import io.aot.avro.MarketAlert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by customer pseudonym: CUSTOMER_VELOCITY (at least {@code velocityMaxPayments} payments within
 * {@code velocityWindowMs}, once per window-sized bucket) and CUSTOMER_DISTANT_REGIONS (two payments in regions at
 * least {@code distantRegionsKm} apart within {@code distantRegionsWindowMs}, once per pair). Keeps the customer's
 * last {@link AlertThresholds#MAX_REMEMBERED_PAYMENTS} payments, sorted by event time, and forgets them after both
 * windows passed.
 */
public final class CustomerPatternFunction extends KeyedProcessFunction<String, MarketEvent, MarketAlert> {

    private static final long serialVersionUID = 1L;

    /** One remembered payment. A Flink POJO. */
    public static class Seen {
        public long timeMillis;
        public String txId;
        public String region;

        public Seen() {
        }

        Seen(long timeMillis, String txId, String region) {
            this.timeMillis = timeMillis;
            this.txId = txId;
            this.region = region;
        }
    }

    private final AlertThresholds thresholds;
    private transient ListState<Seen> recent;
    private transient ValueState<Long> lastVelocityBucket;

    public CustomerPatternFunction(AlertThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        recent = getRuntimeContext().getListState(new ListStateDescriptor<>("recent", TypeInformation.of(Seen.class)));
        lastVelocityBucket = getRuntimeContext().getState(new ValueStateDescriptor<>("lastVelocityBucket", Types.LONG));
    }

    @Override
    public void processElement(MarketEvent e, Context ctx, Collector<MarketAlert> out) throws Exception {
        long horizon = Math.max(thresholds.velocityWindowMs(), thresholds.distantRegionsWindowMs());
        List<Seen> seen = new ArrayList<>();
        for (Seen s : recent.get()) {
            if (s.timeMillis >= e.eventTimeMillis - horizon) {
                seen.add(s);
            }
        }
        for (Seen s : seen) {
            double km = RegionGeo.km(s.region, e.region);
            if (Math.abs(e.eventTimeMillis - s.timeMillis) <= thresholds.distantRegionsWindowMs()
                    && km >= thresholds.distantRegionsKm()) {
                String first = s.txId.compareTo(e.txId) < 0 ? s.txId : e.txId;
                String second = first.equals(s.txId) ? e.txId : s.txId;
                out.collect(Alerts.of("CUSTOMER_DISTANT_REGIONS|" + e.customer + "|" + first + "|" + second,
                        "CUSTOMER_DISTANT_REGIONS", "customer", e.customer, AlertSeverity.WARNING,
                        Math.min(e.eventTimeMillis, s.timeMillis), Math.max(e.eventTimeMillis, s.timeMillis),
                        String.format("%.0f km (%s -> %s) in %d min", km, s.region, e.region,
                                Math.abs(e.eventTimeMillis - s.timeMillis) / 60_000),
                        String.format(">= %.0f km within %d min", thresholds.distantRegionsKm(),
                                thresholds.distantRegionsWindowMs() / 60_000),
                        List.of(first, second)));
            }
        }
        seen.add(new Seen(e.eventTimeMillis, e.txId, e.region));
        seen.sort(Comparator.comparingLong((Seen s) -> s.timeMillis).thenComparing(s -> s.txId));
        if (seen.size() > AlertThresholds.MAX_REMEMBERED_PAYMENTS) {
            seen = new ArrayList<>(seen.subList(seen.size() - AlertThresholds.MAX_REMEMBERED_PAYMENTS, seen.size()));
        }
        recent.update(seen);

        List<String> inWindow = new ArrayList<>();
        for (Seen s : seen) {
            if (s.timeMillis > e.eventTimeMillis - thresholds.velocityWindowMs() && s.timeMillis <= e.eventTimeMillis) {
                inWindow.add(s.txId);
            }
        }
        long bucket = e.eventTimeMillis / thresholds.velocityWindowMs();
        Long last = lastVelocityBucket.value();
        if (inWindow.size() >= thresholds.velocityMaxPayments() && (last == null || last != bucket)) {
            lastVelocityBucket.update(bucket);
            out.collect(Alerts.of("CUSTOMER_VELOCITY|" + e.customer + "|" + bucket, "CUSTOMER_VELOCITY", "customer",
                    e.customer, inWindow.size() >= 2 * thresholds.velocityMaxPayments() ? AlertSeverity.CRITICAL
                            : AlertSeverity.WARNING, e.eventTimeMillis - thresholds.velocityWindowMs(), e.eventTimeMillis,
                    inWindow.size() + " payments in " + thresholds.velocityWindowMs() / 60_000 + " min",
                    ">= " + thresholds.velocityMaxPayments() + " payments in "
                            + thresholds.velocityWindowMs() / 60_000 + " min",
                    inWindow));
        }
        ctx.timerService().registerEventTimeTimer(e.eventTimeMillis + horizon);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarketAlert> out) throws Exception {
        long horizon = Math.max(thresholds.velocityWindowMs(), thresholds.distantRegionsWindowMs());
        List<Seen> kept = new ArrayList<>();
        for (Seen s : recent.get()) {
            if (s.timeMillis + horizon > timestamp) {
                kept.add(s);
            }
        }
        if (kept.isEmpty()) {
            recent.clear();
            lastVelocityBucket.clear();
        } else {
            recent.update(kept);
        }
    }
}
