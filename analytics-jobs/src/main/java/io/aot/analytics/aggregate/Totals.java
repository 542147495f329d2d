package io.aot.analytics.aggregate;

import java.math.BigInteger;

/** The running figures of one aggregate row (one subject, one window). A Flink POJO kept in keyed state. */
public class Totals {
    public String[] dims;
    public long windowStartMillis;
    public long count;
    public BigInteger amount = BigInteger.ZERO;
    public BigInteger amount2 = BigInteger.ZERO;
    public long refundCount;
    public BigInteger refundAmount = BigInteger.ZERO;
    public long uniqueCustomers;

    public Totals() {
    }

    /** Integer average of the counted amounts (floor), 0 when nothing was counted. */
    public BigInteger average() {
        return count == 0 ? BigInteger.ZERO : amount.divide(BigInteger.valueOf(count));
    }
}
