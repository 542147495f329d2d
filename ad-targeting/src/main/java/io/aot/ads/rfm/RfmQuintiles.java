package io.aot.ads.rfm;

/**
 * The population's RFM quintile thresholds: scores 1 (lowest fifth) to 5 (highest) for recency (fewer days since the
 * last payment scores higher), 90-day frequency and 90-day KRW spend. Monetary thresholds are in the distribution's
 * log buckets (5% wide), so a score boundary is exact to one bucket. Empty (population 0): every score is 0, and a
 * predicate on a score matches nobody. A Flink POJO, broadcast to the segment evaluators.
 */
public class RfmQuintiles {

    public long population;
    /** Raised by one each time the distribution publishes. */
    public long sequence;
    public int[] recencyDays = new int[4];
    public int[] frequency90 = new int[4];
    public int[] monetaryBucket = new int[4];

    public RfmQuintiles() {
    }

    public int recencyScore(int days) {
        if (population == 0 || days < 0) {
            return 0;
        }
        int above = 0;
        for (int t : recencyDays) {
            if (days > t) {
                above++;
            }
        }
        return 5 - above;
    }

    public int frequencyScore(int payments) {
        return population == 0 ? 0 : 1 + countBelow(frequency90, payments);
    }

    public int monetaryScore(long krw) {
        return population == 0 ? 0 : 1 + countBelow(monetaryBucket, RfmDistribution.monetaryBucket(krw));
    }

    private static int countBelow(int[] thresholds, long value) {
        int n = 0;
        for (int t : thresholds) {
            if (value > t) {
                n++;
            }
        }
        return n;
    }

    public boolean sameThresholds(RfmQuintiles o) {
        return o != null && java.util.Arrays.equals(recencyDays, o.recencyDays)
                && java.util.Arrays.equals(frequency90, o.frequency90)
                && java.util.Arrays.equals(monetaryBucket, o.monetaryBucket) && (population == 0) == (o.population == 0);
    }

    @Override
    public String toString() {
        return "RFM quintiles of " + population + ": R " + java.util.Arrays.toString(recencyDays) + " F "
                + java.util.Arrays.toString(frequency90) + " M buckets " + java.util.Arrays.toString(monetaryBucket);
    }
}
