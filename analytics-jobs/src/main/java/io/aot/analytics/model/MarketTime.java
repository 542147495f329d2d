package io.aot.analytics.model;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** Event-time windows in the market's own calendar, Asia/Seoul (no daylight saving: every day is 24 hours). */
public enum MarketTime {
    HOUR(ChronoUnit.HOURS),
    DAY(ChronoUnit.DAYS);

    public static final ZoneId ZONE = ZoneId.of("Asia/Seoul");

    private final ChronoUnit unit;

    MarketTime(ChronoUnit unit) {
        this.unit = unit;
    }

    public long start(long eventTimeMillis) {
        return Instant.ofEpochMilli(eventTimeMillis).atZone(ZONE).truncatedTo(unit).toInstant().toEpochMilli();
    }

    public long end(long eventTimeMillis) {
        ZonedDateTime start = Instant.ofEpochMilli(eventTimeMillis).atZone(ZONE).truncatedTo(unit);
        return start.plus(1, unit).toInstant().toEpochMilli();
    }

    /** The Seoul hour of the day of an instant, 0..23 (the alerts table's time bucket). */
    public static int hourOfDay(long eventTimeMillis) {
        return Instant.ofEpochMilli(eventTimeMillis).atZone(ZONE).getHour();
    }

    /** The Seoul calendar day of an instant, as the tables' {@code date} columns take it (zone-free in transit). */
    public static java.time.LocalDate day(long eventTimeMillis) {
        return Instant.ofEpochMilli(eventTimeMillis).atZone(ZONE).toLocalDate();
    }
}
