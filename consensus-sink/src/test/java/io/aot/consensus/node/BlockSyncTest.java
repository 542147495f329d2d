package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.engine.InMemoryBlockStore;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Evidence;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Block sync serves a peer that is behind at most one batch per interval, and no further than its queue takes. Before,
 * every STATUS made the consensus loop load and encode up to 50 blocks: a Byzantine peer sending STATUS(1) in a loop
 * (9 bytes each) kept the loop reading and encoding the chain's first 50 blocks, up to 16 MiB each, without end.
 */
class BlockSyncTest {

    private static final long MS = 1_000_000L;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    private static final class CountingStore implements BlockStore {
        final InMemoryBlockStore blocks = new InMemoryBlockStore();
        final AtomicInteger loads = new AtomicInteger();

        @Override
        public long height() {
            return blocks.height();
        }

        @Override
        public Entry load(long height) {
            loads.incrementAndGet();
            return blocks.load(height);
        }

        @Override
        public void save(Block block, CommitCertificate certificate) {
            blocks.save(block, certificate);
        }
    }

    private static CountingStore chain(int heights) {
        CountingStore store = new CountingStore();
        Hash last = null;
        for (int h = 1; h <= heights; h++) {
            List<byte[]> txs = List.of(("k" + h + "=v").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Block b = new Block(new BlockHeader("c", h, h, last, null, MerkleTree.root(txs), Evidence.EMPTY_LIST_HASH,
                    Hash.ZERO, "a", Hash.ZERO, 1), txs, null);
            store.blocks.save(b, new CommitCertificate(h, 0, b.id(), List.of()));
            last = b.id();
        }
        return store;
    }

    @Test
    void aPeerBehindGetsOneBatchPerIntervalHoweverOftenItAsks() throws Exception {
        CountingStore store = chain(120);
        BlockSync sync = new BlockSync(store, codec, 50, 200);
        List<byte[]> sent = new ArrayList<>();
        assertThat(sync.onStatus(2, 1, 0, (peer, frame) -> sent.add(frame))).isEqualTo(50);
        for (int i = 0; i < 1_000; i++) { // a Byzantine peer's STATUS(1) flood within the interval
            assertThat(sync.onStatus(2, 1, 199 * MS, (peer, frame) -> sent.add(frame))).isZero();
        }
        assertThat(store.loads).as("blocks loaded for 1,001 statuses").hasValue(50);
        assertThat(sync.onStatus(3, 1, 199 * MS, (peer, frame) -> sent.add(frame))).as("another peer")
                .isEqualTo(50);
        assertThat(sync.onStatus(2, 51, 200 * MS, (peer, frame) -> sent.add(frame))).as("after the interval")
                .isEqualTo(50);
        assertThat(sync.onStatus(2, 101, 400 * MS, (peer, frame) -> sent.add(frame))).as("up to our height")
                .isEqualTo(20);
        assertThat(sync.onStatus(2, 121, 600 * MS, (peer, frame) -> sent.add(frame))).as("not behind").isZero();
        assertThat(((WireCodec.CommittedBlock) codec.decodeMessage(sent.get(0))).block().height()).isEqualTo(1);
    }

    @Test
    void aBatchStopsAtTheFirstBlockThePeersQueueRefuses() {
        CountingStore store = chain(60);
        BlockSync sync = new BlockSync(store, codec, 50, 200);
        AtomicInteger room = new AtomicInteger(3);
        assertThat(sync.onStatus(2, 1, 0, (peer, frame) -> room.getAndDecrement() > 0)).isEqualTo(-1);
        assertThat(store.loads).as("loaded up to the refused one, not the batch").hasValue(4);
    }
}
