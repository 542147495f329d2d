package io.aot.ads.rfm;

import io.aot.ads.profile.ProfileSnapshot;

/**
 * Histograms of the counted customers' recency, 90-day frequency and 90-day spend, moved by each profile snapshot
 * (out with the customer's previous values, in with the new), from which quintile thresholds are read. Bounded: recency
 * and frequency are capped at {@value #MAX_COUNT} (everything above shares the top bucket), spend is bucketed on a 5%
 * log scale up to ~10^13 KRW. A Flink POJO (fixed-size arrays).
 */
public class RfmDistribution {

    static final int MAX_COUNT = 1_000;
    static final int MONETARY_BUCKETS = 640;
    private static final double LOG_STEP = Math.log(1.05);

    public long population;
    public long[] recency = new long[MAX_COUNT + 1];
    public long[] frequency = new long[MAX_COUNT + 1];
    public long[] monetary = new long[MONETARY_BUCKETS];

    public RfmDistribution() {
    }

    /** The log bucket of a KRW amount: 0 for nothing, then one per 5% step. */
    public static int monetaryBucket(long krw) {
        if (krw <= 0) {
            return 0;
        }
        return (int) Math.min(MONETARY_BUCKETS - 1, 1 + Math.floor(Math.log(krw) / LOG_STEP));
    }

    public void apply(ProfileSnapshot s) {
        if (s.previouslyCounted) {
            move(s.previousRecencyDays, s.previousFrequency90, s.previousMonetary90Krw, -1);
        }
        if (s.counted()) {
            move(s.recencyDays, s.frequency90, s.monetary90Krw, +1);
        }
    }

    private void move(int recencyDays, int frequency90, long monetaryKrw, int by) {
        recency[Math.min(MAX_COUNT, recencyDays)] += by;
        frequency[Math.min(MAX_COUNT, frequency90)] += by;
        monetary[monetaryBucket(monetaryKrw)] += by;
        population += by;
        if (population < 0 || recency[Math.min(MAX_COUNT, recencyDays)] < 0) {
            throw new IllegalStateException("RFM distribution went negative: a customer was taken out twice");
        }
    }

    public RfmQuintiles quintiles(long sequence) {
        RfmQuintiles q = new RfmQuintiles();
        q.population = population;
        q.sequence = sequence;
        for (int i = 1; i <= 4 && population > 0; i++) {
            long rank = (i * population + 4) / 5; // ceil(i * N / 5): the customer at the i-th fifth
            q.recencyDays[i - 1] = valueAtRank(recency, rank);
            q.frequency90[i - 1] = valueAtRank(frequency, rank);
            q.monetaryBucket[i - 1] = valueAtRank(monetary, rank);
        }
        return q;
    }

    private static int valueAtRank(long[] histogram, long rank) {
        long seen = 0;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (seen >= rank) {
                return v;
            }
        }
        return histogram.length - 1;
    }
}
