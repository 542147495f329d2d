package io.aot.ads.profile;

import io.aot.avro.MerchantCategory;

/**
 * A customer's profile features as of one Korean day: what segment predicates read. Recency is -1 for a customer
 * with no payment (or opted out). RFM scores are not here: they need the whole population (see
 * {@code io.aot.ads.rfm}). The {@code previous*} fields carry the RFM inputs this customer last counted with in the
 * population distribution, so that it can move them instead of counting the customer twice. A Flink POJO.
 */
public class ProfileSnapshot {

    public String member;
    public int asOfDay;
    public boolean optedOut;
    /** State dropped: no activity for the profile TTL. Leaves every segment. */
    public boolean expired;
    public int recencyDays = -1;
    public int daysSinceFirstSeen;
    public int frequency30;
    public int frequency90;
    public long monetary30Krw;
    public long monetary90Krw;
    /** Share of spend per {@link MerchantCategory} since first seen, by {@link CustomerProfile#CATEGORY_SLOTS} slot. */
    public double[] categoryShare = new double[0];
    public String homeRegion;
    public String preferredMethod;
    public String topDaypart;
    public double weekendShare;
    public boolean aotHolder;
    public boolean recentPointSwapper;

    public boolean previouslyCounted;
    public int previousRecencyDays;
    public int previousFrequency90;
    public long previousMonetary90Krw;

    public ProfileSnapshot() {
    }

    /** Counted in the RFM distribution: a customer with a payment who has not opted out and is not expired. */
    public boolean counted() {
        return !optedOut && !expired && recencyDays >= 0;
    }

    /** Feature names a segment definition may use, besides {@code affinity.<CATEGORY>} and the RFM scores. */
    public static final java.util.Set<String> FIELDS = java.util.Set.of("recencyDays", "daysSinceFirstSeen",
            "frequency30d", "frequency90d", "monetary30dKrw", "monetary90dKrw", "homeRegion", "preferredMethod",
            "topDaypart", "weekendShare", "aotHolder", "recentPointSwapper");

    /** The value of feature {@code name} (a Number, String or Boolean); throws for an unknown name. */
    public Object field(String name) {
        if (name.startsWith("affinity.")) {
            int c = CustomerProfile.CATEGORY_SLOTS.slot(name.substring("affinity.".length()));
            return c < categoryShare.length ? categoryShare[c] : 0.0;
        }
        return switch (name) {
            case "recencyDays" -> recencyDays;
            case "daysSinceFirstSeen" -> daysSinceFirstSeen;
            case "frequency30d" -> frequency30;
            case "frequency90d" -> frequency90;
            case "monetary30dKrw" -> monetary30Krw;
            case "monetary90dKrw" -> monetary90Krw;
            case "homeRegion" -> homeRegion;
            case "preferredMethod" -> preferredMethod;
            case "topDaypart" -> topDaypart;
            case "weekendShare" -> weekendShare;
            case "aotHolder" -> aotHolder;
            case "recentPointSwapper" -> recentPointSwapper;
            default -> throw new IllegalArgumentException("unknown profile field " + name);
        };
    }
}
