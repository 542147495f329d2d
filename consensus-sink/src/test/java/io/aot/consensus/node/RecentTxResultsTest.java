package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.Application;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The results kept for clients are bounded in bytes as well as heights, oldest dropped first. Before, 100,000 heights
 * were kept whatever their size: at 10,000 results a block, gigabytes within hours on a busy chain.
 */
class RecentTxResultsTest {

    private static List<Application.TxResult> block(int txs) {
        return Collections.nCopies(txs, new Application.TxResult("OK", List.of("posted=merchant:M1")));
    }

    @Test
    void theOldestHeightsGoWhenTheBytesAreSpent() {
        long oneBlock = RecentTxResults.heapBytes(block(1_000));
        RecentTxResults recent = new RecentTxResults(100_000, 3 * oneBlock);
        for (long h = 1; h <= 10; h++) {
            recent.put(h, block(1_000));
        }
        assertThat(recent.heights()).isEqualTo(3);
        assertThat(recent.bytes()).isLessThanOrEqualTo(3 * oneBlock);
        assertThat(recent.get(7)).isNull();
        assertThat(recent.get(10)).hasSize(1_000);
    }

    @Test
    void theNewestHeightStaysWhateverItsSizeAndHeightsAreBoundedToo() {
        RecentTxResults recent = new RecentTxResults(2, 1_000);
        recent.put(1, block(1));
        recent.put(2, block(10_000)); // alone above the bound: kept, the older one goes
        assertThat(recent.heights()).isEqualTo(1);
        assertThat(recent.get(2)).hasSize(10_000);
        recent.put(3, block(1));
        recent.put(4, block(1));
        assertThat(recent.get(2)).isNull();
        assertThat(recent.heights()).isEqualTo(2);
        recent.put(4, block(2)); // replaced, counted once
        assertThat(recent.bytes()).isEqualTo(RecentTxResults.heapBytes(block(1)) + RecentTxResults.heapBytes(block(2)));
    }
}
