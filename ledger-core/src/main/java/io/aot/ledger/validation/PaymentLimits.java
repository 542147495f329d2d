package io.aot.ledger.validation;

import io.aot.avro.Currency;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.EnumMap;
import java.util.Map;

/**
 * The largest single amount accepted per currency, in minor units. Above it a payment is refused before consensus
 * ({@code AMOUNT_OVER_LIMIT}): a 10-billion-won coffee is a bug or an attack, never a sale.
 */
public final class PaymentLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EnumMap<Currency, BigInteger> maxMinor;

    private PaymentLimits(EnumMap<Currency, BigInteger> maxMinor) {
        this.maxMinor = maxMinor;
    }

    /** KRW 100,000,000 (one hundred million won); 1,000,000 AOT (18 decimals); 10,000,000 points; KLAY not payable. */
    public static PaymentLimits defaults() {
        return parse("KRW=100000000,AOT=1000000000000000000000000,POINT=10000000,KLAY=0");
    }

    /** {@code CUR=max[,CUR=max...]}; a currency left out may not be paid in at all. */
    public static PaymentLimits parse(String spec) {
        EnumMap<Currency, BigInteger> m = new EnumMap<>(Currency.class);
        for (Currency c : Currency.values()) {
            m.put(c, BigInteger.ZERO);
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("limits must be CUR=maxMinor[,CUR=maxMinor], got " + spec);
            }
            BigInteger max = new BigInteger(kv[1].trim());
            if (max.signum() < 0) {
                throw new IllegalArgumentException("negative limit for " + kv[0] + ": " + max);
            }
            m.put(Currency.valueOf(kv[0].trim()), max);
        }
        return new PaymentLimits(m);
    }

    public BigInteger maxMinor(Currency c) {
        return maxMinor.get(c);
    }

    public Map<Currency, BigInteger> asMap() {
        return Map.copyOf(maxMinor);
    }
}
