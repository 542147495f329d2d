package io.aot.ledger.money;

import java.math.BigInteger;

/** Bounds on amounts in minor units: positive and at most 38 digits (the Avro and Cassandra decimal limit). */
public final class Amounts {

    /** 10^38 - 1: the largest amount any schema or table of ours can hold. */
    public static final BigInteger MAX = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

    private Amounts() {
    }

    public static boolean inRange(BigInteger amount) {
        return amount != null && amount.signum() > 0 && amount.compareTo(MAX) <= 0;
    }

    /** {@code amount * numerator / denominator}, rounded down: every conversion of ours rounds the same way. */
    public static BigInteger convert(BigInteger amount, BigInteger numerator, BigInteger denominator) {
        return amount.multiply(numerator).divide(denominator);
    }
}
