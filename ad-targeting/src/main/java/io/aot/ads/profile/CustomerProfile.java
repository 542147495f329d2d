package io.aot.ads.profile;

import io.aot.avro.MerchantCategory;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import java.time.DayOfWeek;

/**
 * One pseudonymous customer's purchase history, reduced to what the segments need: per-day payment counts and KRW
 * spend for the last {@value #WINDOW_DAYS} days (a ring of day slots), spend per merchant category, and counts per
 * region, method, daypart and weekday since first seen. Applying the same events in any order gives the same profile:
 * a day slot only ever moves forward, and an event older than its slot's day is outside the window already.
 * Fixed-size arrays indexed by enum ordinal keep Flink's serializer off Kryo and the state size bounded.
 */
public class CustomerProfile {

    public static final int WINDOW_DAYS = 90;
    public static final int SHORT_WINDOW_DAYS = 30;
    /** A point swap this recent makes a "recent point swapper". */
    public static final int RECENT_SWAP_DAYS = 30;
    static final int NONE = Integer.MIN_VALUE;

    public int firstSeenDay = NONE;
    public int lastPaymentDay = NONE;
    public int lastActivityDay = NONE;
    public int lastPointSwapDay = NONE;
    public boolean aotHolder;
    public boolean optedOut;
    public int[] slotDay = emptySlots();
    public int[] slotPayments = new int[WINDOW_DAYS];
    public long[] slotKrw = new long[WINDOW_DAYS];
    public long[] categoryKrw = new long[MerchantCategory.values().length];
    public int[] regionPayments = new int[Region.values().length];
    public int[] methodPayments = new int[PaymentMethod.values().length];
    public int[] daypartPayments = new int[MarketCalendar.Daypart.values().length];
    public int[] weekdayPayments = new int[7];
    /** RFM inputs as last reported to the population distribution, so it can take back the old values. */
    public boolean reported;
    public int reportedRecencyDays;
    public int reportedFrequency90;
    public long reportedMonetary90Krw;

    public CustomerProfile() {
    }

    private static int[] emptySlots() {
        int[] slots = new int[WINDOW_DAYS];
        java.util.Arrays.fill(slots, NONE);
        return slots;
    }

    /** Folds one event in. An opted-out customer is not profiled: only an opt-in changes an opted-out profile. */
    public void apply(AudienceEvent e) {
        if (e.kind == AudienceEvent.Kind.OPT_OUT) {
            CustomerProfile empty = new CustomerProfile();
            empty.optedOut = true;
            empty.reported = reported; // the distribution still holds this customer's last values until told
            empty.reportedRecencyDays = reportedRecencyDays;
            empty.reportedFrequency90 = reportedFrequency90;
            empty.reportedMonetary90Krw = reportedMonetary90Krw;
            copyFrom(empty);
            return;
        }
        if (e.kind == AudienceEvent.Kind.OPT_IN) {
            optedOut = false;
            return;
        }
        if (optedOut) {
            return;
        }
        int day = MarketCalendar.day(e.eventTimeMillis);
        firstSeenDay = firstSeenDay == NONE ? day : Math.min(firstSeenDay, day);
        lastActivityDay = Math.max(lastActivityDay, day);
        switch (e.kind) {
            case PAYMENT -> {
                lastPaymentDay = Math.max(lastPaymentDay, day);
                int slot = slotFor(day);
                if (slot >= 0) {
                    slotPayments[slot]++;
                    slotKrw[slot] = Math.addExact(slotKrw[slot], e.amountKrw);
                }
                categoryKrw[MerchantCategory.valueOf(e.category).ordinal()] += e.amountKrw;
                regionPayments[Region.valueOf(e.region).ordinal()]++;
                methodPayments[PaymentMethod.valueOf(e.method).ordinal()]++;
                daypartPayments[MarketCalendar.daypart(e.eventTimeMillis).ordinal()]++;
                weekdayPayments[MarketCalendar.weekday(e.eventTimeMillis).getValue() - 1]++;
                if (e.paidWithAot) {
                    aotHolder = true;
                }
            }
            case REFUND -> {
                int slot = slotFor(day);
                if (slot >= 0) {
                    slotKrw[slot] -= e.amountKrw;
                }
                int c = MerchantCategory.valueOf(e.category).ordinal();
                categoryKrw[c] = Math.max(0, categoryKrw[c] - e.amountKrw);
            }
            case POINT_SWAP -> {
                lastPointSwapDay = Math.max(lastPointSwapDay, day);
                aotHolder = true;
            }
            case AOT_RECEIVED -> aotHolder = true;
            default -> throw new IllegalStateException("unhandled " + e.kind);
        }
    }

    /** The ring slot of {@code day}, moved forward to it if it held an older day; -1 if the slot holds a newer one. */
    private int slotFor(int day) {
        int slot = Math.floorMod(day, WINDOW_DAYS);
        if (slotDay[slot] == day) {
            return slot;
        }
        if (slotDay[slot] != NONE && slotDay[slot] > day) {
            return -1;
        }
        slotDay[slot] = day;
        slotPayments[slot] = 0;
        slotKrw[slot] = 0;
        return slot;
    }

    /** Nothing left to keep: no activity within {@code ttlDays} of {@code asOfDay}, or never any. */
    public boolean quietSince(int asOfDay, int ttlDays) {
        return !optedOut && (lastActivityDay == NONE || lastActivityDay < asOfDay - ttlDays);
    }

    /** The profile's features as of Korean day {@code asOfDay}. */
    public ProfileSnapshot snapshot(String member, int asOfDay) {
        ProfileSnapshot s = new ProfileSnapshot();
        s.member = member;
        s.asOfDay = asOfDay;
        s.optedOut = optedOut;
        s.aotHolder = aotHolder;
        s.recentPointSwapper = lastPointSwapDay != NONE && lastPointSwapDay > asOfDay - RECENT_SWAP_DAYS;
        if (optedOut || lastPaymentDay == NONE) {
            s.recencyDays = -1;
            return s;
        }
        s.recencyDays = Math.max(0, asOfDay - lastPaymentDay);
        s.daysSinceFirstSeen = Math.max(0, asOfDay - firstSeenDay);
        for (int i = 0; i < WINDOW_DAYS; i++) {
            int d = slotDay[i];
            if (d == NONE || d > asOfDay || d <= asOfDay - WINDOW_DAYS) {
                continue;
            }
            s.frequency90 += slotPayments[i];
            s.monetary90Krw += slotKrw[i];
            if (d > asOfDay - SHORT_WINDOW_DAYS) {
                s.frequency30 += slotPayments[i];
                s.monetary30Krw += slotKrw[i];
            }
        }
        s.monetary30Krw = Math.max(0, s.monetary30Krw);
        s.monetary90Krw = Math.max(0, s.monetary90Krw);
        long spend = 0;
        for (long c : categoryKrw) {
            spend += c;
        }
        s.categoryShare = new double[categoryKrw.length];
        for (int i = 0; spend > 0 && i < categoryKrw.length; i++) {
            s.categoryShare[i] = (double) categoryKrw[i] / spend;
        }
        s.homeRegion = Region.values()[argMax(regionPayments)].name();
        s.preferredMethod = PaymentMethod.values()[argMax(methodPayments)].name();
        s.topDaypart = MarketCalendar.Daypart.values()[argMax(daypartPayments)].name();
        int payments = 0;
        for (int w : weekdayPayments) {
            payments += w;
        }
        s.weekendShare = payments == 0 ? 0 : (double) (weekdayPayments[DayOfWeek.SATURDAY.getValue() - 1]
                + weekdayPayments[DayOfWeek.SUNDAY.getValue() - 1]) / payments;
        return s;
    }

    /** Index of the largest count; the lowest index wins a tie, so the answer does not depend on event order. */
    static int argMax(int[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }

    private void copyFrom(CustomerProfile o) {
        firstSeenDay = o.firstSeenDay;
        lastPaymentDay = o.lastPaymentDay;
        lastActivityDay = o.lastActivityDay;
        lastPointSwapDay = o.lastPointSwapDay;
        aotHolder = o.aotHolder;
        optedOut = o.optedOut;
        slotDay = o.slotDay;
        slotPayments = o.slotPayments;
        slotKrw = o.slotKrw;
        categoryKrw = o.categoryKrw;
        regionPayments = o.regionPayments;
        methodPayments = o.methodPayments;
        daypartPayments = o.daypartPayments;
        weekdayPayments = o.weekdayPayments;
        reported = o.reported;
        reportedRecencyDays = o.reportedRecencyDays;
        reportedFrequency90 = o.reportedFrequency90;
        reportedMonetary90Krw = o.reportedMonetary90Krw;
    }
}
