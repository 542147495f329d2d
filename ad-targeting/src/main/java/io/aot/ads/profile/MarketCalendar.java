package io.aot.ads.profile;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Days, dayparts and weekdays as customers live them: in Korean time. */
public final class MarketCalendar {

    public static final ZoneId ZONE = ZoneId.of("Asia/Seoul");
    /** Korea has no daylight saving: a day is always 24 h from 15:00 UTC. */
    private static final long OFFSET_MS = 9 * 3_600_000L;
    private static final long DAY_MS = 86_400_000L;

    /** Parts of the day a payment can fall in, by Korean local hour. */
    public enum Daypart { NIGHT, MORNING, LUNCH, AFTERNOON, EVENING }

    private MarketCalendar() {
    }

    /** Days since 1970-01-01 in Korean time. */
    public static int day(long epochMillis) {
        return (int) Math.floorDiv(epochMillis + OFFSET_MS, DAY_MS);
    }

    /** The first millisecond of Korean day {@code day}. */
    public static long dayStartMillis(int day) {
        return day * DAY_MS - OFFSET_MS;
    }

    public static Daypart daypart(long epochMillis) {
        int hour = ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZONE).getHour();
        if (hour < 6 || hour >= 22) {
            return Daypart.NIGHT;
        }
        if (hour < 11) {
            return Daypart.MORNING;
        }
        if (hour < 14) {
            return Daypart.LUNCH;
        }
        return hour < 17 ? Daypart.AFTERNOON : Daypart.EVENING;
    }

    public static DayOfWeek weekday(long epochMillis) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZONE).getDayOfWeek();
    }
}
