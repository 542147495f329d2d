package io.aot.ingestion.simulator;

import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * A market day (Asia/Seoul) for the simulator to fill with payments. Records sent to Kafka carry their simulated
 * times, and the terminal topic refuses stamps older than {@code Topic.MAX_RECORD_TIMESTAMP_AGE} (3 days) because
 * retention would delete them unread: so demos, benchmarks and tests simulate {@link #yesterday}, never a fixed date
 * that ages out as the calendar moves on.
 */
public record SimulatedDay(LocalDate date) {

    public static final ZoneId MARKET_ZONE = ZoneId.of("Asia/Seoul");

    /** The last whole market day before {@code clock}'s now: its times are 0 to 48 hours old. */
    public static SimulatedDay yesterday(InstantSource clock) {
        return new SimulatedDay(LocalDate.ofInstant(clock.instant(), MARKET_ZONE).minusDays(1));
    }

    /** Midnight in Seoul (15:00 UTC the day before). */
    public Instant start() {
        return date.atStartOfDay(MARKET_ZONE).toInstant();
    }

    @Override
    public String toString() {
        return date.toString();
    }
}
