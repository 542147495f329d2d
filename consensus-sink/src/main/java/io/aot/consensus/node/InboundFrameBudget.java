package io.aot.consensus.node;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bytes of inbound frames being read or handled by a group of connections. A frame of up to {@code allowanceBytes}
 * is read on its connection's own account; a larger one first arrives up to that allowance (so a sender that
 * announces a frame and sends nothing holds nothing), then takes the rest of its length, and its array is allocated.
 * Two kinds of group:
 * <ul>
 * <li>{@link #perConnection}: the peers. Each authenticated validator has one inbound connection, and each must be
 * able to send a full block at any time, so each has a whole frame reserved (the {@link MemoryBudget} counts one per
 * peer). A pool shared by the peers let one Byzantine validator that sent a large frame's first bytes and stalled hold
 * back every honest proposal larger than the allowance, and with it the votes queued behind it on each connection: a
 * halt by one faulty validator.</li>
 * <li>{@link #shared}: the RPC clients, up to 256 of them, which cannot each have 16 MiB. A large frame waits for its
 * bytes from a pool of {@code sharedBytes} (in KiB permits, first come first served; the reader blocks, which is TCP
 * back-pressure), and must then arrive whole within {@code holdTimeoutMs}: a client that stalls mid-frame has its
 * connection closed and the bytes given back, so it delays the other clients' large requests by at most that long.
 * Without the pool, 256 clients could each hold a 16 MiB request: 4 GiB.</li>
 * </ul>
 * The reader gives the bytes back with {@link #release} once it has handled the frame.
 */
public final class InboundFrameBudget {

    private final int allowanceBytes;
    private final int sharedKiB;
    /** Null for a per-connection group: nothing is shared. */
    private final Semaphore shared;
    private final long holdTimeoutMs;
    private final ScheduledExecutorService watchdog;

    private InboundFrameBudget(int allowanceBytes, long sharedBytes, long holdTimeoutMs,
            ScheduledExecutorService watchdog) {
        this.allowanceBytes = allowanceBytes;
        this.sharedKiB = (int) Math.min(Integer.MAX_VALUE, sharedBytes >> 10);
        this.shared = watchdog == null ? null : new Semaphore(sharedKiB, true);
        this.holdTimeoutMs = holdTimeoutMs;
        this.watchdog = watchdog;
    }

    /** Every connection may read a whole frame on its own account; the first {@code allowanceBytes} prove it sends. */
    public static InboundFrameBudget perConnection(int allowanceBytes) {
        if (allowanceBytes < 0) {
            throw new IllegalArgumentException("allowance " + allowanceBytes + " bytes");
        }
        return new InboundFrameBudget(allowanceBytes, 0, 0, null);
    }

    /**
     * @param sharedBytes   at least one frame ({@link Frames#MAX_FRAME_BYTES}), so any frame can be read alone
     * @param holdTimeoutMs how long a frame that took shared bytes may take to arrive whole before its connection is
     *                      closed (positive)
     * @param watchdog      runs those closes
     */
    public static InboundFrameBudget shared(int allowanceBytes, long sharedBytes, long holdTimeoutMs,
            ScheduledExecutorService watchdog) {
        if (allowanceBytes < 0 || sharedBytes < Frames.MAX_FRAME_BYTES || holdTimeoutMs < 1 || watchdog == null) {
            throw new IllegalArgumentException("allowance " + allowanceBytes + " bytes, shared " + sharedBytes
                    + " bytes, hold timeout " + holdTimeoutMs + " ms: the shared bytes must hold a frame of "
                    + Frames.MAX_FRAME_BYTES + ", the timeout be positive and a watchdog given");
        }
        return new InboundFrameBudget(allowanceBytes, sharedBytes, holdTimeoutMs, watchdog);
    }

    /** Bytes of a frame read on the connection's own account before the rest is taken. */
    int allowanceBytes() {
        return allowanceBytes;
    }

    /** Permits (KiB) a frame of {@code length} bytes takes from the shared bytes: 0 within the allowance or per connection. */
    int kibFor(int length) {
        return shared == null || length <= allowanceBytes ? 0 : Math.min(sharedKiB, (length - allowanceBytes + 1023) >> 10);
    }

    /**
     * Takes the shared bytes a frame of {@code length} needs and arms the hold deadline on {@code connection}.
     *
     * @return what cancels the deadline once the frame has arrived whole (a no-op per connection)
     */
    Runnable acquire(int length, Closeable connection) throws java.io.InterruptedIOException {
        int kib = kibFor(length);
        if (kib == 0) {
            return () -> { };
        }
        try {
            shared.acquire(kib);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("waiting for " + kib + " KiB of inbound frame budget");
        }
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            try {
                connection.close(); // the blocked read fails, and the reader gives the bytes back
            } catch (IOException e) {
                // closed anyway
            }
        }, holdTimeoutMs, TimeUnit.MILLISECONDS);
        return () -> deadline.cancel(false);
    }

    /** Gives back what reading {@code frame} took, once the reader has handled it. */
    public void release(byte[] frame) {
        release(frame.length);
    }

    void release(int frameLength) {
        int kib = kibFor(frameLength);
        if (kib > 0) {
            shared.release(kib);
        }
    }

    /** KiB of the shared bytes not taken now (tests, status); 0 per connection. */
    public int availableKiB() {
        return shared == null ? 0 : shared.availablePermits();
    }
}
