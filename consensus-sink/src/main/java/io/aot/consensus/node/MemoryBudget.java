package io.aot.consensus.node;

import io.aot.consensus.storage.StartRefusedException;

/**
 * Every in-heap byte bound of a validator process, derived in one place from its maximum heap
 * ({@code Runtime.maxMemory()}) and the validator count, so that the bounds together fit in the heap. Before, they were
 * fixed numbers (event queue 256 MiB, outbound 64 MiB per peer, mempool 512 MiB, next-height messages 64 MiB) that
 * together exceeded a small heap many times over: a Byzantine peer or a burst of clients could fill them into an
 * {@code OutOfMemoryError}.
 *
 * <p>The heap, in 64ths: the mempool 4 ({@code mempoolBytes}), peer messages waiting for the event loop 2
 * ({@code eventQueueBytes}), the outbound queues 2 split over the peers ({@code outboundQueueBytesPerPeer}),
 * next-height messages held unverified 1 ({@code futureMessageBytes}), the transaction results kept for clients 2
 * ({@code txResultBytes}: before, 100,000 heights of them, gigabytes on a busy chain); 8 are kept for the application's state and the
 * JVM's own. Each share is capped at the fixed bound it replaced (512, 256, 64 per peer, 64 MiB), so a large heap
 * does not make a queue larger than it was. Besides the shares, a fixed reserve ({@link #reservedBytes}):
 * <ul>
 * <li>{@value #BLOCK_COPIES} frame-sized blocks ({@link Frames#MAX_FRAME_BYTES} each): one block may exist as the
 * decoded message taken alone into an event queue smaller than it, as the proposal the engine keeps or builds, and as
 * the frame it is broadcast in (one array shared by every peer's queue, which takes a frame above its bound when
 * empty);</li>
 * <li>inbound frames being read: a whole frame per peer connection, since each validator must be able to send a
 * full block at any time and a pool shared by the peers let one that stalls mid-frame hold the others' blocks back
 * ({@link InboundFrameBudget#perConnection}); for RPC clients, {@code rpcFrameAllowanceBytes} each
 * ({@value ValidatorNode#MAX_RPC_CLIENTS} of them) and larger requests within {@code rpcInboundSharedBytes} shared by
 * all, held at most {@link ValidatorNode#RPC_FRAME_HOLD_TIMEOUT_MS} ({@link InboundFrameBudget#shared}); answers
 * that carry a stored block are sent within the same shared bytes ({@link ValidatorNode#writeStoredBlock}). An allowance
 * counts twice: the bytes read before the frame's array is taken, then copied into it.</li>
 * </ul>
 * So a validator needs a heap of at least {@link #minimumHeapBytes}: reserve / (1 - 19/64), rounded up to a MiB
 * (170 MiB for 4 validators, about 24 MiB more per further validator); below it {@link #derive} refuses to start. All
 * values are bytes; the arithmetic divides before it multiplies, so even {@code Long.MAX_VALUE} (no heap limit) does
 * not overflow.
 *
 * <p>Not covered: a frame-sized block sent by block sync to several lagging peers at once (each queue may take one
 * frame above its bound); the item-count bounds (event queue, outbound frames, mempool transactions) stay as they were.
 */
public record MemoryBudget(long heapBytes, int validators, long mempoolBytes, long eventQueueBytes,
        long outboundQueueBytesPerPeer, long futureMessageBytes, long txResultBytes, int peerFrameAllowanceBytes,
        int rpcFrameAllowanceBytes, long rpcInboundSharedBytes) {

    static final long MIB = 1L << 20;
    /** Frame-sized blocks the reserve holds (see the class comment). */
    static final int BLOCK_COPIES = 3;
    /** A peer's frame is allocated whole once this many of its bytes arrived (a peer that only announces one holds nothing). */
    static final int PEER_FRAME_ALLOWANCE_BYTES = 512 << 10;
    /** A client's request up to this size is read outside the shared budget: every request but a large batch. */
    static final int RPC_FRAME_ALLOWANCE_BYTES = 8 << 10;
    /** Heap 64ths: mempool, event queue, outbound (all peers), next-height messages, application and JVM. */
    static final int MEMPOOL_64THS = 4;
    static final int EVENT_QUEUE_64THS = 2;
    static final int OUTBOUND_64THS = 2;
    static final int FUTURE_64THS = 1;
    static final int TX_RESULTS_64THS = 2;
    static final int APPLICATION_64THS = 8;
    /** The fixed bounds the shares replaced: a larger heap does not raise a queue above them. */
    static final long MAX_MEMPOOL_BYTES = 512 * MIB;
    static final long MAX_EVENT_QUEUE_BYTES = 256 * MIB;
    static final long MAX_OUTBOUND_QUEUE_BYTES_PER_PEER = 64 * MIB;
    static final long MAX_FUTURE_MESSAGE_BYTES = 64 * MIB;
    static final long MAX_TX_RESULT_BYTES = 256 * MIB;

    public MemoryBudget {
        if (validators < 1 || mempoolBytes < 1 || eventQueueBytes < 1 || futureMessageBytes < 1 || txResultBytes < 1
                || outboundQueueBytesPerPeer < 0 || peerFrameAllowanceBytes < 0 || rpcFrameAllowanceBytes < 0
                || rpcInboundSharedBytes < 1) {
            throw new IllegalArgumentException("memory bounds must be positive (outbound and allowances may be 0): "
                    + validators + " validators, mempool " + mempoolBytes + ", event queue " + eventQueueBytes
                    + ", outbound " + outboundQueueBytesPerPeer + ", next-height " + futureMessageBytes + ", results " + txResultBytes + ", inbound "
                    + peerFrameAllowanceBytes + " per peer, rpc " + rpcFrameAllowanceBytes + "/"
                    + rpcInboundSharedBytes + " bytes");
        }
    }

    /** The budget of this JVM ({@code Runtime.maxMemory()}). @throws StartRefusedException if the heap is too small */
    public static MemoryBudget forThisJvm(int validators) throws StartRefusedException {
        return derive(Runtime.getRuntime().maxMemory(), validators);
    }

    /**
     * The bounds for {@code heapBytes} of heap and {@code validators} validators (this one included).
     *
     * @throws StartRefusedException (one line naming the heap it has and the {@code -Xmx} it needs) if the heap is
     *                               below {@link #minimumHeapBytes}
     */
    public static MemoryBudget derive(long heapBytes, int validators) throws StartRefusedException {
        long minimum = minimumHeapBytes(validators);
        if (heapBytes < minimum) {
            throw new StartRefusedException("a heap of " + heapBytes / MIB + " MiB is below the " + minimum / MIB
                    + " MiB a validator of " + validators + " needs for its bounds (frames of "
                    + Frames.MAX_FRAME_BYTES / MIB + " MiB): run it with -Xmx" + minimum / MIB + "m or more");
        }
        long sixtyFourth = heapBytes / 64;
        int peers = validators - 1;
        long outbound = peers == 0 ? 0 : Math.min(MAX_OUTBOUND_QUEUE_BYTES_PER_PEER, sixtyFourth * OUTBOUND_64THS / peers);
        return new MemoryBudget(heapBytes, validators,
                Math.min(MAX_MEMPOOL_BYTES, sixtyFourth * MEMPOOL_64THS),
                Math.min(MAX_EVENT_QUEUE_BYTES, sixtyFourth * EVENT_QUEUE_64THS),
                outbound,
                Math.min(MAX_FUTURE_MESSAGE_BYTES, sixtyFourth * FUTURE_64THS),
                Math.min(MAX_TX_RESULT_BYTES, sixtyFourth * TX_RESULTS_64THS),
                PEER_FRAME_ALLOWANCE_BYTES, RPC_FRAME_ALLOWANCE_BYTES, Frames.MAX_FRAME_BYTES);
    }

    /** The fixed part of the budget for {@code validators}: block copies and inbound frames (bytes). */
    static long reservedBytes(int validators) {
        long peers = validators - 1L;
        return BLOCK_COPIES * (long) Frames.MAX_FRAME_BYTES
                + peers * (Frames.MAX_FRAME_BYTES + 2L * PEER_FRAME_ALLOWANCE_BYTES)
                + Frames.MAX_FRAME_BYTES + (long) ValidatorNode.MAX_RPC_CLIENTS * 2 * RPC_FRAME_ALLOWANCE_BYTES;
    }

    /**
     * The smallest heap (bytes, a whole number of MiB) in which the reserve and every share fit: reserve x 64 / (64 -
     * the shares' 64ths).
     */
    public static long minimumHeapBytes(int validators) {
        if (validators < 1) {
            throw new IllegalArgumentException("validators must be at least 1, got " + validators);
        }
        long free64ths = 64 - (MEMPOOL_64THS + EVENT_QUEUE_64THS + OUTBOUND_64THS + FUTURE_64THS + TX_RESULTS_64THS
                + APPLICATION_64THS);
        long bytes = ceilDiv(Math.multiplyExact(reservedBytes(validators), 64), free64ths);
        return ceilDiv(bytes, MIB) * MIB;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b; // a, b positive and far below Long.MAX_VALUE here
    }

    /** Sum of every bound and the reserve (bytes): at most the heap less the application's share. */
    long boundedBytes() {
        long peers = validators - 1L;
        return mempoolBytes + eventQueueBytes + outboundQueueBytesPerPeer * peers + futureMessageBytes + txResultBytes
                + BLOCK_COPIES * (long) Frames.MAX_FRAME_BYTES
                + peers * (Frames.MAX_FRAME_BYTES + 2L * peerFrameAllowanceBytes)
                + rpcInboundSharedBytes + (long) ValidatorNode.MAX_RPC_CLIENTS * 2 * rpcFrameAllowanceBytes;
    }

    /** One line for the validator's log, in KiB. */
    public String summary() {
        return "memory budget: heap " + kib(heapBytes) + " KiB for " + validators + " validators: mempool "
                + kib(mempoolBytes) + " KiB, event queue " + kib(eventQueueBytes) + " KiB, outbound "
                + kib(outboundQueueBytesPerPeer) + " KiB per peer, next-height messages " + kib(futureMessageBytes) + " KiB, results " + kib(txResultBytes)
                + " KiB, inbound frames " + kib(Frames.MAX_FRAME_BYTES) + " KiB per peer, rpc " + kib(rpcFrameAllowanceBytes) + " KiB per client + " + kib(rpcInboundSharedBytes)
                + " KiB shared";
    }

    private static long kib(long bytes) {
        return bytes >> 10;
    }
}
