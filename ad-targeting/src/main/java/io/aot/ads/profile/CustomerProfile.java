package io.aot.ads.profile;

import io.aot.avro.MerchantCategory;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import java.time.DayOfWeek;
import java.util.List;

/**
 * One pseudonymous customer's purchase history, reduced to what the segments need: payment count and KRW spend per
 * active day of the last {@value #WINDOW_DAYS} days (sparse: a customer who paid on 5 days holds 5 entries), spend per
 * merchant category, and counts per region, method, daypart and weekday since first seen. Applying the same events in
 * any order gives the same profile: the window is the {@value #WINDOW_DAYS} days up to the latest day seen, so an event
 * before it is dropped whether it comes first or last. Count arrays keep Flink's serializer off Kryo and the state
 * per customer bounded (the first version kept a dense ring of 90 day slots: 1.4 KB per customer); they are indexed by
 * {@link EnumSlots}, never by ordinal, so a profile restored by a later build with a new category, region, method or
 * daypart keeps its counts where they were.
 */
public class CustomerProfile {

    public static final int WINDOW_DAYS = 90;
    public static final int SHORT_WINDOW_DAYS = 30;
    /** A point swap this recent makes a "recent point swapper". */
    public static final int RECENT_SWAP_DAYS = 30;
    static final int NONE = Integer.MIN_VALUE;

    /** Slots as released: append only (see {@link EnumSlots}); the first lists are the Avro symbols' order of 2026-11. */
    public static final EnumSlots<MerchantCategory> CATEGORY_SLOTS = new EnumSlots<>(MerchantCategory.class,
            List.of("OTHER", "CAFE", "CONVENIENCE_STORE", "RESTAURANT", "BAR", "BAKERY", "FUEL", "GROCERY",
                    "DEPARTMENT_STORE", "APPAREL", "BEAUTY", "PHARMACY", "HOSPITAL", "EDUCATION", "ENTERTAINMENT",
                    "TRANSPORT", "LODGING", "ELECTRONICS", "ONLINE"));
    public static final EnumSlots<Region> REGION_SLOTS = new EnumSlots<>(Region.class,
            List.of("UNKNOWN", "SEOUL", "BUSAN", "DAEGU", "INCHEON", "GWANGJU", "DAEJEON", "ULSAN", "SEJONG",
                    "GYEONGGI", "GANGWON", "CHUNGBUK", "CHUNGNAM", "JEONBUK", "JEONNAM", "GYEONGBUK", "GYEONGNAM",
                    "JEJU"));
    public static final EnumSlots<PaymentMethod> METHOD_SLOTS = new EnumSlots<>(PaymentMethod.class,
            List.of("UNKNOWN", "IC_CHIP", "MAGSTRIPE", "NFC_CARD", "NFC_PHONE_WALLET", "QR_APP_TO_APP",
                    "BARCODE_APP_TO_APP", "AOT_COIN"));
    public static final EnumSlots<MarketCalendar.Daypart> DAYPART_SLOTS = new EnumSlots<>(MarketCalendar.Daypart.class,
            List.of("NIGHT", "MORNING", "LUNCH", "AFTERNOON", "EVENING"));

    public int firstSeenDay = NONE;
    public int lastPaymentDay = NONE;
    public int lastActivityDay = NONE;
    public int lastPointSwapDay = NONE;
    public boolean aotHolder;
    public boolean optedOut;
    /** Active days of the window, ascending, with their payment counts and KRW spend. */
    public int[] days = new int[0];
    public int[] dayPayments = new int[0];
    public long[] dayKrw = new long[0];
    public long[] categoryKrw = new long[CATEGORY_SLOTS.size()];
    public int[] regionPayments = new int[REGION_SLOTS.size()];
    public int[] methodPayments = new int[METHOD_SLOTS.size()];
    public int[] daypartPayments = new int[DAYPART_SLOTS.size()];
    public int[] weekdayPayments = new int[7];
    /** RFM inputs as last reported to the population distribution, so it can take back the old values. */
    public boolean reported;
    public int reportedRecencyDays;
    public int reportedFrequency90;
    public long reportedMonetary90Krw;

    public CustomerProfile() {
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
        fitSlots();
        firstSeenDay = firstSeenDay == NONE ? day : Math.min(firstSeenDay, day);
        lastActivityDay = Math.max(lastActivityDay, day);
        switch (e.kind) {
            case PAYMENT -> {
                lastPaymentDay = Math.max(lastPaymentDay, day);
                int i = dayIndex(day);
                if (i >= 0) {
                    dayPayments[i]++;
                    dayKrw[i] = Math.addExact(dayKrw[i], e.amountKrw);
                }
                categoryKrw[CATEGORY_SLOTS.slot(e.category)] += e.amountKrw;
                regionPayments[REGION_SLOTS.slot(e.region)]++;
                methodPayments[METHOD_SLOTS.slot(e.method)]++;
                daypartPayments[DAYPART_SLOTS.slot(MarketCalendar.daypart(e.eventTimeMillis))]++;
                weekdayPayments[MarketCalendar.weekday(e.eventTimeMillis).getValue() - 1]++;
                if (e.paidWithAot) {
                    aotHolder = true;
                }
            }
            case REFUND -> {
                int i = dayIndex(day);
                if (i >= 0) {
                    dayKrw[i] -= e.amountKrw;
                }
                int c = CATEGORY_SLOTS.slot(e.category);
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

    /** Room for every slot in a profile restored from a build that had fewer (see {@link EnumSlots}). */
    private void fitSlots() {
        categoryKrw = CATEGORY_SLOTS.fit(categoryKrw);
        regionPayments = REGION_SLOTS.fit(regionPayments);
        methodPayments = METHOD_SLOTS.fit(methodPayments);
        daypartPayments = DAYPART_SLOTS.fit(daypartPayments);
    }

    /**
     * The index of {@code day} among the window's days, added if new; -1 if the day is before the window. A newer day
     * moves the window and drops the days that fall out of it.
     */
    private int dayIndex(int day) {
        int latest = days.length == 0 ? day : Math.max(day, days[days.length - 1]);
        if (day <= latest - WINDOW_DAYS) {
            return -1;
        }
        int keepFrom = 0;
        while (keepFrom < days.length && days[keepFrom] <= latest - WINDOW_DAYS) {
            keepFrom++;
        }
        int at = java.util.Arrays.binarySearch(days, keepFrom, days.length, day);
        if (at >= 0 && keepFrom == 0) {
            return at;
        }
        int insert = at >= 0 ? -1 : -at - 1;
        int n = days.length - keepFrom + (insert >= 0 ? 1 : 0);
        int[] d = new int[n];
        int[] p = new int[n];
        long[] k = new long[n];
        int j = 0;
        int found = -1;
        for (int i = keepFrom; i <= days.length; i++) {
            if (i == insert) {
                found = j;
                d[j++] = day;
            }
            if (i < days.length) {
                if (days[i] == day) {
                    found = j;
                }
                d[j] = days[i];
                p[j] = dayPayments[i];
                k[j++] = dayKrw[i];
            }
        }
        days = d;
        dayPayments = p;
        dayKrw = k;
        return found;
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
        for (int i = 0; i < days.length; i++) {
            int d = days[i];
            if (d > asOfDay || d <= asOfDay - WINDOW_DAYS) {
                continue;
            }
            s.frequency90 += dayPayments[i];
            s.monetary90Krw += dayKrw[i];
            if (d > asOfDay - SHORT_WINDOW_DAYS) {
                s.frequency30 += dayPayments[i];
                s.monetary30Krw += dayKrw[i];
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
        s.homeRegion = REGION_SLOTS.name(argMax(regionPayments));
        s.preferredMethod = METHOD_SLOTS.name(argMax(methodPayments));
        s.topDaypart = DAYPART_SLOTS.name(argMax(daypartPayments));
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
        days = o.days;
        dayPayments = o.dayPayments;
        dayKrw = o.dayKrw;
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
