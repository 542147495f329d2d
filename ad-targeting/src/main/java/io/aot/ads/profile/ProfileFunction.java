package io.aot.ads.profile;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps one {@link CustomerProfile} per pseudonymous customer and emits its {@link ProfileSnapshot} whenever it changes:
 * on each event, and once a Korean day at midnight in event time, when recency grows and payments leave the 30- and
 * 90-day windows. A customer with no activity for {@code profileTtlDays} is dropped (an "expired" snapshot takes them
 * out of every segment): state TTL in event time, so a replay of the ledger expires the same customers. An opted-out
 * customer keeps only the flag.
 */
public final class ProfileFunction extends KeyedProcessFunction<String, AudienceEvent, ProfileSnapshot> {

    private static final long serialVersionUID = 1L;

    private final int profileTtlDays;
    private transient ValueState<CustomerProfile> profile;
    /** The Korean day the profile's snapshots are as of: never moves back. */
    private transient ValueState<Integer> asOfDay;

    public ProfileFunction(int profileTtlDays) {
        if (profileTtlDays < CustomerProfile.WINDOW_DAYS) {
            throw new IllegalArgumentException("profile TTL must cover the " + CustomerProfile.WINDOW_DAYS
                    + "-day window: " + profileTtlDays);
        }
        this.profileTtlDays = profileTtlDays;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        profile = getRuntimeContext().getState(new ValueStateDescriptor<>("profile", CustomerProfile.class));
        asOfDay = getRuntimeContext().getState(new ValueStateDescriptor<>("as-of-day", Integer.class));
    }

    @Override
    public void processElement(AudienceEvent e, Context ctx, Collector<ProfileSnapshot> out) throws Exception {
        CustomerProfile p = profile.value();
        if (p == null) {
            p = new CustomerProfile();
        }
        p.apply(e);
        int day = advance(MarketCalendar.day(e.eventTimeMillis), ctx.timerService().currentWatermark());
        emit(p, day, false, ctx.getCurrentKey(), out);
        if (!p.optedOut) {
            ctx.timerService().registerEventTimeTimer(MarketCalendar.dayStartMillis(day + 1));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileSnapshot> out) throws Exception {
        CustomerProfile p = profile.value();
        if (p == null || p.optedOut) {
            return;
        }
        int day = advance(MarketCalendar.day(timestamp), timestamp);
        if (p.quietSince(day, profileTtlDays)) {
            emit(p, day, true, ctx.getCurrentKey(), out);
            profile.clear();
            asOfDay.clear();
            return;
        }
        emit(p, day, false, ctx.getCurrentKey(), out);
        ctx.timerService().registerEventTimeTimer(MarketCalendar.dayStartMillis(day + 1));
    }

    private int advance(int day, long watermark) throws Exception {
        Integer current = asOfDay.value();
        int next = Math.max(day, current == null ? Integer.MIN_VALUE : current);
        if (watermark != Long.MIN_VALUE) {
            next = Math.max(next, MarketCalendar.day(watermark));
        }
        asOfDay.update(next);
        return next;
    }

    private void emit(CustomerProfile p, int day, boolean expired, String member, Collector<ProfileSnapshot> out)
            throws Exception {
        ProfileSnapshot s = p.snapshot(member, day);
        s.expired = expired;
        s.previouslyCounted = p.reported;
        s.previousRecencyDays = p.reportedRecencyDays;
        s.previousFrequency90 = p.reportedFrequency90;
        s.previousMonetary90Krw = p.reportedMonetary90Krw;
        p.reported = s.counted();
        p.reportedRecencyDays = s.recencyDays;
        p.reportedFrequency90 = s.frequency90;
        p.reportedMonetary90Krw = s.monetary90Krw;
        profile.update(p);
        out.collect(s);
    }
}
