package io.aot.ads.rfm;

import io.aot.ads.profile.ProfileSnapshot;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The whole population's RFM distribution (one key, so parallelism 1: its state is three fixed histograms, whatever
 * the number of customers). Publishes the quintile thresholds at most every {@code publishEveryMs} of processing time,
 * and only when they changed: each publication makes every segment evaluator re-score all its members.
 */
public final class RfmDistributionFunction extends KeyedProcessFunction<Integer, ProfileSnapshot, RfmQuintiles> {

    private static final long serialVersionUID = 1L;
    public static final int KEY = 0;

    private final long publishEveryMs;
    private transient ValueState<RfmDistribution> distribution;
    private transient ValueState<RfmQuintiles> published;
    private transient ValueState<Long> timer;

    public RfmDistributionFunction(long publishEveryMs) {
        this.publishEveryMs = publishEveryMs;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        distribution = getRuntimeContext().getState(new ValueStateDescriptor<>("distribution", RfmDistribution.class));
        published = getRuntimeContext().getState(new ValueStateDescriptor<>("published", RfmQuintiles.class));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Long.class));
    }

    @Override
    public void processElement(ProfileSnapshot s, Context ctx, Collector<RfmQuintiles> out) throws Exception {
        if (!s.previouslyCounted && !s.counted()) {
            return;
        }
        RfmDistribution d = distribution.value();
        if (d == null) {
            d = new RfmDistribution();
        }
        d.apply(s);
        distribution.update(d);
        if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + publishEveryMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RfmQuintiles> out) throws Exception {
        timer.clear();
        RfmQuintiles last = published.value();
        RfmQuintiles now = distribution.value().quintiles(last == null ? 1 : last.sequence + 1);
        if (!now.sameThresholds(last)) {
            published.update(now);
            out.collect(now);
        }
    }
}
