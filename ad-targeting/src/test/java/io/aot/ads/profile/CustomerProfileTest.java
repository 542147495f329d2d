package io.aot.ads.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CustomerProfileTest {

    static final String M = "k1:00ff";

    /** Korean local time to epoch millis. */
    static long kst(String local) {
        return LocalDateTime.parse(local).atZone(MarketCalendar.ZONE).toInstant().toEpochMilli();
    }

    static AudienceEvent pay(String local, String category, String region, String method, long krw) {
        return AudienceEvent.payment(M, kst(local), category, region, method, krw, method.equals("AOT_COIN"));
    }

    @Test
    void rfmWindowsAffinityRegionMethodDaypartAndWeekdayFromAKnownSequence() {
        CustomerProfile p = new CustomerProfile();
        // 2026-11-23 is a Monday. Days before "as of" 2026-11-30: 7, 7, 37 (a Saturday), 100 (a Saturday, outside 90).
        p.apply(pay("2026-11-23T08:30", "CAFE", "SEOUL", "NFC_PHONE_WALLET", 5_000));
        p.apply(pay("2026-11-23T12:10", "RESTAURANT", "SEOUL", "IC_CHIP", 15_000));
        p.apply(pay("2026-10-24T19:00", "CAFE", "BUSAN", "NFC_PHONE_WALLET", 6_000)); // Saturday evening
        p.apply(pay("2026-08-22T23:30", "BAR", "SEOUL", "NFC_PHONE_WALLET", 40_000)); // 100 days before
        AudienceEvent refund = AudienceEvent.of(M, AudienceEvent.Kind.REFUND, kst("2026-11-23T13:00"));
        refund.category = "RESTAURANT";
        refund.amountKrw = 15_000;
        p.apply(refund);

        int asOf = MarketCalendar.day(kst("2026-11-30T00:00"));
        ProfileSnapshot s = p.snapshot(M, asOf);
        assertThat(s.recencyDays).isEqualTo(7);
        assertThat(s.daysSinceFirstSeen).isEqualTo(100);
        assertThat(s.frequency30).isEqualTo(2);
        assertThat(s.frequency90).isEqualTo(3); // the bar visit is 100 days old: outside the 90-day window
        assertThat(s.monetary30Krw).isEqualTo(5_000); // 5,000 + 15,000 - 15,000 refunded
        assertThat(s.monetary90Krw).isEqualTo(11_000);
        // Affinity since first seen: cafe 11,000, restaurant 0 (refunded), bar 40,000 of 51,000.
        assertThat(s.field("affinity.CAFE")).isEqualTo(11_000.0 / 51_000);
        assertThat(s.field("affinity.BAR")).isEqualTo(40_000.0 / 51_000);
        assertThat(s.field("affinity.RESTAURANT")).isEqualTo(0.0);
        assertThat(s.homeRegion).isEqualTo("SEOUL");
        assertThat(s.preferredMethod).isEqualTo("NFC_PHONE_WALLET");
        assertThat(s.weekendShare).isEqualTo(2.0 / 4); // 2026-10-24 is a Saturday, 2026-08-22 too
        assertThat(s.aotHolder).isFalse();
        assertThat(s.recentPointSwapper).isFalse();
        assertThat(s.counted()).isTrue();
    }

    @Test
    void daypartsByKoreanHour() {
        assertThat(MarketCalendar.daypart(kst("2026-11-23T05:59"))).isEqualTo(MarketCalendar.Daypart.NIGHT);
        assertThat(MarketCalendar.daypart(kst("2026-11-23T06:00"))).isEqualTo(MarketCalendar.Daypart.MORNING);
        assertThat(MarketCalendar.daypart(kst("2026-11-23T12:00"))).isEqualTo(MarketCalendar.Daypart.LUNCH);
        assertThat(MarketCalendar.daypart(kst("2026-11-23T15:00"))).isEqualTo(MarketCalendar.Daypart.AFTERNOON);
        assertThat(MarketCalendar.daypart(kst("2026-11-23T21:59"))).isEqualTo(MarketCalendar.Daypart.EVENING);
        assertThat(MarketCalendar.daypart(kst("2026-11-23T22:00"))).isEqualTo(MarketCalendar.Daypart.NIGHT);
        // Korean midnight is 15:00 UTC.
        assertThat(MarketCalendar.dayStartMillis(MarketCalendar.day(kst("2026-11-23T10:00"))))
                .isEqualTo(kst("2026-11-23T00:00"));
    }

    @Test
    void aotAndPointSwapFlags() {
        CustomerProfile p = new CustomerProfile();
        p.apply(AudienceEvent.of(M, AudienceEvent.Kind.POINT_SWAP, kst("2026-11-01T10:00")));
        int asOf = MarketCalendar.day(kst("2026-11-20T10:00"));
        ProfileSnapshot s = p.snapshot(M, asOf);
        assertThat(s.aotHolder).isTrue();
        assertThat(s.counted()).as("no payment yet: not in the RFM population").isFalse();
        p.apply(pay("2026-11-20T10:00", "CAFE", "SEOUL", "AOT_COIN", 0));
        s = p.snapshot(M, asOf);
        assertThat(s.recentPointSwapper).isTrue();
        assertThat(p.snapshot(M, asOf + 30).recentPointSwapper).as("30 days later").isFalse();
    }

    @Test
    void sameEventsInAnyOrderGiveTheSameProfile() {
        List<AudienceEvent> events = new ArrayList<>();
        Random r = new Random(7);
        String[] categories = {"CAFE", "BAR", "GROCERY", "FUEL"};
        for (int i = 0; i < 400; i++) {
            long t = kst("2026-06-01T00:00") + (long) (r.nextDouble() * 180 * 86_400_000L);
            events.add(AudienceEvent.payment(M, t, categories[r.nextInt(4)], r.nextBoolean() ? "SEOUL" : "BUSAN",
                    r.nextBoolean() ? "IC_CHIP" : "NFC_CARD", 1_000 + r.nextInt(50_000), false));
        }
        int asOf = MarketCalendar.day(kst("2026-11-30T00:00"));
        CustomerProfile a = new CustomerProfile();
        events.forEach(a::apply);
        Collections.shuffle(events, new Random(11));
        CustomerProfile b = new CustomerProfile();
        events.forEach(b::apply);
        ProfileSnapshot sa = a.snapshot(M, asOf);
        ProfileSnapshot sb = b.snapshot(M, asOf);
        assertThat(sb).usingRecursiveComparison().isEqualTo(sa);
        assertThat(sa.frequency90).isPositive().isLessThan(400);
    }

    @Test
    void optOutKeepsOnlyTheFlagAndIgnoresLaterPayments() {
        CustomerProfile p = new CustomerProfile();
        p.apply(pay("2026-11-23T08:30", "CAFE", "SEOUL", "IC_CHIP", 5_000));
        p.apply(AudienceEvent.of(M, AudienceEvent.Kind.OPT_OUT, kst("2026-11-23T09:00")));
        p.apply(pay("2026-11-24T08:30", "CAFE", "SEOUL", "IC_CHIP", 5_000));
        ProfileSnapshot s = p.snapshot(M, MarketCalendar.day(kst("2026-11-25T00:00")));
        assertThat(s.optedOut).isTrue();
        assertThat(s.counted()).isFalse();
        assertThat(s.frequency90).isZero();
        assertThat(p.lastPaymentDay).isEqualTo(CustomerProfile.NONE);
        p.apply(AudienceEvent.of(M, AudienceEvent.Kind.OPT_IN, kst("2026-11-26T09:00")));
        p.apply(pay("2026-11-26T10:00", "CAFE", "SEOUL", "IC_CHIP", 7_000));
        assertThat(p.snapshot(M, MarketCalendar.day(kst("2026-11-26T12:00"))).frequency90).isEqualTo(1);
    }

    @Test
    void quietCustomersExpireAfterTheTtl() {
        CustomerProfile p = new CustomerProfile();
        p.apply(pay("2026-01-10T08:30", "CAFE", "SEOUL", "IC_CHIP", 5_000));
        int last = MarketCalendar.day(kst("2026-01-10T08:30"));
        assertThat(p.quietSince(last + 180, 180)).isFalse();
        assertThat(p.quietSince(last + 181, 180)).isTrue();
    }
}
