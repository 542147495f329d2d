package io.aot.ledger.rules;

import io.aot.ledger.money.Amounts;
import java.math.BigInteger;

/** An exchange rate as an exact fraction: {@code numerator} target units per {@code denominator} source units. */
public record Rate(BigInteger numerator, BigInteger denominator) {
    public Rate {
        if (numerator.signum() < 0 || denominator.signum() <= 0) {
            throw new IllegalArgumentException("rate must be >= 0 over > 0: " + numerator + "/" + denominator);
        }
    }

    public static Rate of(long numerator, long denominator) {
        return new Rate(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
    }

    public static Rate of(BigInteger numerator, BigInteger denominator) {
        return new Rate(numerator, denominator);
    }

    /** Converts, rounding down. */
    public BigInteger apply(BigInteger amount) {
        return Amounts.convert(amount, numerator, denominator);
    }
}
