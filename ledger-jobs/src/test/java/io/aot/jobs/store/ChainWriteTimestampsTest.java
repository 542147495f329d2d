package io.aot.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Write timestamps order by chain position, are unique, and sit at block time (not in January 1970). */
class ChainWriteTimestampsTest {

    private static final long T0 = 1_795_000_000_000L; // 2026-11-18, in ms

    @Test
    void timestampsIncreaseAlongTheChainAndSitAtBlockTime() {
        ChainWriteTimestamps ts = new ChainWriteTimestamps();
        SplittableRandom r = new SplittableRandom(7);
        List<Long> all = new ArrayList<>();
        long blockTime = T0;
        for (long h = 1; h <= 2_000; h++) {
            blockTime += 1 + r.nextInt(1_000); // BFT time: at least 1 ms later
            int txs = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(3_000); // up to 3,000 txs in 1 ms: more slots than us
            for (int i = 0; i < txs; i++) {
                int legs = 2 + r.nextInt(5);
                for (int leg = 0; leg < legs; leg++) {
                    long us = ts.micros(h, blockTime, i, leg);
                    assertThat(us).as("at or after block time").isGreaterThanOrEqualTo(blockTime * 1_000);
                    all.add(us);
                }
            }
        }
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i)).as("strictly increasing at %d", i).isGreaterThan(all.get(i - 1));
        }
    }

    @Test
    void atTheDesignRateTheyStayWithinAMillisecondOfBlockTime() {
        ChainWriteTimestamps ts = new ChainWriteTimestamps();
        // 10,000 tx/s as a 1,000-tx block every 100 ms, 6 legs each, for an hour of chain time.
        long last = 0;
        for (long h = 1; h <= 36_000; h++) {
            long blockTime = T0 + h * 100;
            for (int i = 0; i < 1_000; i++) {
                for (int leg = 0; leg < 6; leg++) {
                    last = ts.micros(h, blockTime, i, leg);
                }
            }
            assertThat(last - blockTime * 1_000).isLessThan(ChainWriteTimestamps.MAX_LEGS * 1_000L);
        }
    }

    @Test
    void stateSurvivesARestoreAndOutOfRangeIsRefused() {
        ChainWriteTimestamps a = new ChainWriteTimestamps();
        a.micros(1, T0, 0, 0);
        a.micros(1, T0, 5_000, 3); // 320,004 slots in block 1
        ChainWriteTimestamps restored = ChainWriteTimestamps.of(a.state());
        assertThat(restored.micros(2, T0 + 1, 0, 0)).isEqualTo(a.micros(2, T0 + 1, 0, 0))
                .isEqualTo(T0 * 1_000 + 5_000L * ChainWriteTimestamps.MAX_LEGS + 4);
        assertThatThrownBy(() -> a.micros(2, T0 + 1, 0, ChainWriteTimestamps.MAX_LEGS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.micros(1, T0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ChainWriteTimestamps.genesisMicros(T0)).isLessThan(new ChainWriteTimestamps().micros(1, T0, 0, 0));
    }
}
