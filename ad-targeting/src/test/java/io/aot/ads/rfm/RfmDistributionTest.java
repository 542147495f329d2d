package io.aot.ads.rfm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.ads.profile.ProfileSnapshot;
import org.junit.jupiter.api.Test;

class RfmDistributionTest {

    static ProfileSnapshot customer(int recency, int frequency, long krw) {
        ProfileSnapshot s = new ProfileSnapshot();
        s.member = "k:" + recency + "-" + frequency;
        s.recencyDays = recency;
        s.frequency90 = frequency;
        s.monetary90Krw = krw;
        return s;
    }

    @Test
    void quintilesOfAKnownPopulationScoreEachFifth() {
        RfmDistribution d = new RfmDistribution();
        // 100 customers: recency 0..99 days, frequency 1..100, spend 10,000 * 1.1^i.
        for (int i = 0; i < 100; i++) {
            d.apply(customer(i, i + 1, Math.round(10_000 * Math.pow(1.1, i))));
        }
        RfmQuintiles q = d.quintiles(1);
        assertThat(q.population).isEqualTo(100);
        assertThat(q.recencyDays).containsExactly(19, 39, 59, 79);
        assertThat(q.frequency90).containsExactly(20, 40, 60, 80);
        // The most recent fifth scores 5, the least recent 1; frequency the other way round.
        assertThat(q.recencyScore(0)).isEqualTo(5);
        assertThat(q.recencyScore(19)).isEqualTo(5);
        assertThat(q.recencyScore(20)).isEqualTo(4);
        assertThat(q.recencyScore(99)).isEqualTo(1);
        assertThat(q.frequencyScore(1)).isEqualTo(1);
        assertThat(q.frequencyScore(21)).isEqualTo(2);
        assertThat(q.frequencyScore(100)).isEqualTo(5);
        assertThat(q.monetaryScore(10_000)).isEqualTo(1);
        assertThat(q.monetaryScore(Math.round(10_000 * Math.pow(1.1, 99)))).isEqualTo(5);
        int fives = 0;
        for (int i = 0; i < 100; i++) {
            if (q.monetaryScore(Math.round(10_000 * Math.pow(1.1, i))) == 5) {
                fives++;
            }
        }
        assertThat(fives).as("5% log buckets: the top fifth within a bucket").isBetween(19, 21);
    }

    @Test
    void aMovedCustomerIsCountedOnceAndAnEmptyPopulationScoresZero() {
        RfmDistribution d = new RfmDistribution();
        assertThat(d.quintiles(1).recencyScore(3)).isZero();
        ProfileSnapshot first = customer(10, 2, 50_000);
        d.apply(first);
        ProfileSnapshot moved = customer(0, 3, 60_000);
        moved.previouslyCounted = true;
        moved.previousRecencyDays = 10;
        moved.previousFrequency90 = 2;
        moved.previousMonetary90Krw = 50_000;
        d.apply(moved);
        assertThat(d.population).isEqualTo(1);
        assertThat(d.recency[10]).isZero();
        assertThat(d.recency[0]).isEqualTo(1);
        ProfileSnapshot gone = customer(0, 3, 60_000);
        gone.expired = true;
        gone.previouslyCounted = true;
        d.apply(gone);
        assertThat(d.population).isZero();
        assertThatThrownBy(() -> d.apply(gone)).isInstanceOf(IllegalStateException.class);
    }
}
