package io.aot.analytics.alert;

import java.io.Serializable;

/**
 * When the alert rules fire. Defaults suit a retail card market: a customer paying 8 times in 10 minutes, in two
 * regions 150 km apart within 30 minutes, a ticket 4 standard deviations (of log amount) away from a merchant's mean
 * after 30 payments, a terminal taking more than 40 payments in one minute.
 */
public record AlertThresholds(int velocityMaxPayments, long velocityWindowMs, double distantRegionsKm,
        long distantRegionsWindowMs, double ticketOutlierSigmas, int ticketMinSamples, int terminalMaxPerMinute)
        implements Serializable {

    /** Customer payments remembered for the velocity and distance rules: bounded state per customer. */
    public static final int MAX_REMEMBERED_PAYMENTS = 64;
    /** Transactions named in one alert. */
    public static final int MAX_TX_IDS = 20;
    /**
     * Alerts of one rule kept per hour ({@link AlertBudgetFunction}); beyond it a storm is summarized in one alert.
     * The alerts table's partition bound rests on it (schemas' {@code PartitionBoundsTest}).
     */
    public static final int MAX_ALERTS_PER_RULE_PER_HOUR = 10_000;

    public AlertThresholds {
        if (velocityMaxPayments < 2 || velocityMaxPayments > MAX_REMEMBERED_PAYMENTS || velocityWindowMs < 1
                || distantRegionsKm <= 0 || distantRegionsWindowMs < 1 || ticketOutlierSigmas <= 0
                || ticketMinSamples < 2 || terminalMaxPerMinute < 1) {
            throw new IllegalArgumentException("alert thresholds out of range: " + this);
        }
    }

    public static AlertThresholds defaults() {
        return new AlertThresholds(8, 600_000, 150, 1_800_000, 4.0, 30, 40);
    }
}
