package io.aot.ledger.rules;

import io.aot.avro.MerchantCategory;
import java.math.BigInteger;

/**
 * One row of the reward table (the seed's "contract-based reward"): a KRW card/NFC/QR payment at a merchant of
 * {@code category} (null: any) of at least {@code minimumKrw} earns {@code basisPoints}/10,000 of its amount back, in
 * AOT, paid from the reward pool to the customer's wallet. The first matching row applies.
 */
public record RewardRule(MerchantCategory category, BigInteger minimumKrw, int basisPoints) {
    public RewardRule {
        if (basisPoints < 0 || basisPoints > 10_000) {
            throw new IllegalArgumentException("basis points 0..10000: " + basisPoints);
        }
    }

    public boolean matches(MerchantCategory merchantCategory, BigInteger krw) {
        return (category == null || category == merchantCategory) && krw.compareTo(minimumKrw) >= 0;
    }
}
