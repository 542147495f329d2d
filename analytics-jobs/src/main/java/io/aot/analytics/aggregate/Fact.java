package io.aot.analytics.aggregate;

import java.math.BigInteger;

/**
 * One contribution of a committed transaction to one aggregate row: the row's dimensions, the event time that picks
 * its window, and the figures to add. A transaction makes zero or more facts per {@link AggregateShape}. A Flink POJO.
 */
public class Fact {
    public String[] dims;
    public long eventTimeMillis;
    public boolean refund;
    public BigInteger amount = BigInteger.ZERO;
    public BigInteger amount2 = BigInteger.ZERO;
    /** Customer pseudonym for unique counts, or null. */
    public String customer;
    public String txId;

    public Fact() {
    }

    static Fact of(long eventTimeMillis, String txId, String... dims) {
        Fact f = new Fact();
        f.dims = dims;
        f.eventTimeMillis = eventTimeMillis;
        f.txId = txId;
        return f;
    }

    Fact amounts(BigInteger amount, BigInteger amount2) {
        this.amount = amount;
        this.amount2 = amount2;
        return this;
    }
}
