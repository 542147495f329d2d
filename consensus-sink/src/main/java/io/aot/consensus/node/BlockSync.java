package io.aot.consensus.node;

import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.engine.BlockStore;
import java.util.HashMap;
import java.util.Map;

/**
 * Block sync, the serving side: a peer's status names the height it needs next, and a validator that holds it sends up
 * to {@code batchBlocks} committed blocks with their certificates (CometBFT's blocksync reactor answers block requests
 * the same way, one peer at a time and within its send queue). At most one batch per peer per {@code intervalMs} (an
 * honest peer that is behind sends its status that often), and a batch stops at the first block the peer's outbound
 * queue refuses. Before, every status (a Byzantine peer can send thousands a second, each a few bytes) made the
 * consensus loop load and encode up to 50 blocks of up to 16 MiB, whatever happened to them. Runs on the loop thread.
 */
final class BlockSync {

    /** Sends one frame to a peer; false if its queue refused it. */
    interface Sender {
        boolean send(int peer, byte[] frame);
    }

    private final BlockStore store;
    private final WireCodec codec;
    private final int batchBlocks;
    private final long intervalNs;
    private final Map<Integer, Long> nextBatchAtNs = new HashMap<>();

    BlockSync(BlockStore store, WireCodec codec, int batchBlocks, long intervalMs) {
        if (batchBlocks < 1 || intervalMs < 0) {
            throw new IllegalArgumentException("batch " + batchBlocks + " blocks, interval " + intervalMs + " ms");
        }
        this.store = store;
        this.codec = codec;
        this.batchBlocks = batchBlocks;
        this.intervalNs = intervalMs * 1_000_000L;
    }

    /**
     * A status from {@code peer} at {@code peerHeight} (at least 1: the codec refuses lower), at {@code nowNs}
     * ({@code System.nanoTime()}).
     *
     * @return the blocks sent, or -1 if the batch was cut short by a full queue
     */
    int onStatus(int peer, long peerHeight, long nowNs, Sender sender) {
        long mine = store.height();
        if (peerHeight > mine) {
            return 0;
        }
        Long next = nextBatchAtNs.get(peer);
        if (next != null && nowNs - next < 0) {
            return 0;
        }
        nextBatchAtNs.put(peer, nowNs + intervalNs);
        long last = Math.min(mine, peerHeight + batchBlocks - 1); // peerHeight <= mine: no overflow
        int sent = 0;
        for (long h = peerHeight; h <= last; h++) {
            BlockStore.Entry e = store.load(h);
            if (!sender.send(peer, codec.encodeMessage(new WireCodec.CommittedBlock(e.block(), e.certificate())))) {
                return -1; // the rest waits for its next status
            }
            sent++;
        }
        return sent;
    }
}
