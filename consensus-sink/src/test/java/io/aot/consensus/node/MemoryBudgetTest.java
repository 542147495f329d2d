package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.storage.StartRefusedException;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 7: every in-heap byte bound is a share of the heap, the shares and the fixed reserve fit in it, and a
 * heap too small for them refuses to start. Before, the fixed bounds (256 MiB event queue, 64 MiB per peer, 512 MiB
 * mempool, 64 MiB next-height messages) together exceeded the 128 MiB heap the tests give validators many times over.
 */
class MemoryBudgetTest {

    private static final long MIB = 1L << 20;

    @Test
    void theSharesAreFixed64thsOfTheHeap() throws Exception {
        MemoryBudget b = MemoryBudget.derive(1024 * MIB, 4);
        assertThat(b.mempoolBytes()).isEqualTo(64 * MIB);
        assertThat(b.eventQueueBytes()).isEqualTo(32 * MIB);
        assertThat(b.outboundQueueBytesPerPeer()).as("2/64 split over 3 peers").isEqualTo(32 * MIB / 3);
        assertThat(b.futureMessageBytes()).isEqualTo(16 * MIB);
        assertThat(b.txResultBytes()).isEqualTo(32 * MIB);
        assertThat(b.rpcInboundSharedBytes()).isEqualTo(Frames.MAX_FRAME_BYTES);
        assertThat(b.summary()).startsWith("memory budget: heap 1048576 KiB for 4 validators: mempool 65536 KiB");
    }

    @Test
    void theMinimumHeapFitsTheTestsHeapAndIsRefusedBelow() throws Exception {
        long minimum = MemoryBudget.minimumHeapBytes(4);
        // 3 blocks, a frame per peer (with its allowance twice), the RPC pool and allowances: 119 MiB of 45/64.
        assertThat(minimum).isEqualTo(170 * MIB);
        // -Xmx192m gives Runtime.maxMemory() about 185 MiB with the serial collector (one survivor space less).
        assertThat(minimum).isLessThanOrEqualTo(185 * MIB);
        assertThat(MemoryBudget.minimumHeapBytes(1)).isLessThan(minimum);
        assertThat(MemoryBudget.minimumHeapBytes(7)).isGreaterThan(minimum);
        MemoryBudget.derive(minimum, 4);
        assertThatThrownBy(() -> MemoryBudget.derive(minimum - 1, 4)).isInstanceOf(StartRefusedException.class)
                .hasMessage("a heap of 169 MiB is below the 170 MiB a validator of 4 needs for its bounds (frames of"
                        + " 16 MiB): run it with -Xmx170m or more");
    }

    @Test
    void noBoundExceedsItsShareAndAllFitInTheHeap() throws Exception {
        for (int validators : new int[] {1, 2, 4, 7, 10, 31, 100}) {
            long minimum = MemoryBudget.minimumHeapBytes(validators);
            for (long heap : new long[] {minimum, minimum + 1, 2 * minimum, 128 * MIB * validators, 1L << 34}) {
                if (heap < minimum) {
                    continue;
                }
                MemoryBudget b = MemoryBudget.derive(heap, validators);
                String what = validators + " validators, heap " + heap;
                assertThat(b.mempoolBytes()).as(what).isLessThanOrEqualTo(heap / 64 * 4);
                assertThat(b.eventQueueBytes()).as(what).isLessThanOrEqualTo(heap / 64 * 2);
                assertThat(b.outboundQueueBytesPerPeer() * (validators - 1)).as(what).isLessThanOrEqualTo(heap / 64 * 2);
                assertThat(b.futureMessageBytes()).as(what).isLessThanOrEqualTo(heap / 64);
                assertThat(b.txResultBytes()).as(what).isLessThanOrEqualTo(heap / 64 * 2);
                assertThat(b.boundedBytes()).as("every bound and the reserve, leaving 8/64 for the application: " + what)
                        .isLessThanOrEqualTo(heap - heap / 64 * 8);
            }
        }
    }

    @Test
    void aHugeOrUnlimitedHeapDoesNotOverflowAndKeepsTheFormerCaps() throws Exception {
        MemoryBudget b = MemoryBudget.derive(Long.MAX_VALUE, 4); // maxMemory() without a limit
        assertThat(b.mempoolBytes()).isEqualTo(512 * MIB);
        assertThat(b.eventQueueBytes()).isEqualTo(256 * MIB);
        assertThat(b.outboundQueueBytesPerPeer()).isEqualTo(64 * MIB);
        assertThat(b.futureMessageBytes()).isEqualTo(64 * MIB);
        assertThat(b.txResultBytes()).isEqualTo(256 * MIB);
        assertThat(b.boundedBytes()).isPositive();
        assertThat(MemoryBudget.minimumHeapBytes(Integer.MAX_VALUE)).isPositive();
        assertThat(MemoryBudget.derive(Long.MAX_VALUE, 1).outboundQueueBytesPerPeer()).as("no peers").isZero();
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> new MemoryBudget(1L << 30, 4, 0, 1, 1, 1, 1, 1, 1, Frames.MAX_FRAME_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryBudget.minimumHeapBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
