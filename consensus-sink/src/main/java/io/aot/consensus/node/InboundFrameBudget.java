package io.aot.consensus.node;

import java.util.concurrent.Semaphore;

/**
 * Bytes of inbound frames being read or handled, shared by a group of connections (the peers, or the RPC clients).
 * A frame of up to {@code allowanceBytes} is read on its connection's own account; a larger one first arrives up to
 * that allowance (so a sender that announces a frame and sends nothing holds nothing), then waits for the rest of its
 * length from the shared {@code sharedBytes} (in KiB permits; the reader blocks, which is TCP back-pressure) before its
 * array is taken. The reader gives the bytes back with {@link #release} once it has handled the frame. Without it,
 * 256 RPC clients could each hold a 16 MiB request: 4 GiB. A sender that stalls mid-frame holds the shared bytes it
 * took until its connection closes, which delays other large frames of its group but never small ones.
 */
public final class InboundFrameBudget {

    private final int allowanceBytes;
    private final int sharedKiB;
    private final Semaphore shared;

    /** @param sharedBytes at least one frame ({@link Frames#MAX_FRAME_BYTES}), so any frame can be read alone */
    public InboundFrameBudget(int allowanceBytes, long sharedBytes) {
        if (allowanceBytes < 0 || sharedBytes < Frames.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("allowance " + allowanceBytes + " bytes, shared " + sharedBytes
                    + " bytes: the shared bytes must hold a frame of " + Frames.MAX_FRAME_BYTES);
        }
        this.allowanceBytes = allowanceBytes;
        this.sharedKiB = (int) Math.min(Integer.MAX_VALUE, sharedBytes >> 10);
        this.shared = new Semaphore(sharedKiB);
    }

    /** Bytes of a frame read on the connection's own account. */
    int allowanceBytes() {
        return allowanceBytes;
    }

    /** Permits (KiB) a frame of {@code length} bytes takes from the shared bytes: 0 within the allowance. */
    int kibFor(int length) {
        return length <= allowanceBytes ? 0 : Math.min(sharedKiB, (length - allowanceBytes + 1023) >> 10);
    }

    void acquire(int kib) throws java.io.InterruptedIOException {
        try {
            shared.acquire(kib);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("waiting for " + kib + " KiB of inbound frame budget");
        }
    }

    /** Gives back what reading {@code frame} took, once the reader has handled it. */
    public void release(byte[] frame) {
        release(frame.length);
    }

    void release(int frameLength) {
        shared.release(kibFor(frameLength));
    }

    /** KiB of the shared bytes not taken now (tests, status). */
    public int availableKiB() {
        return shared.availablePermits();
    }
}
