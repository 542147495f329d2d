package io.aot.consensus.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/** Length-prefixed frames ({@code u32 length} then the bytes), refusing any frame over the limit before reading it. */
public final class Frames {

    /** Largest frame on any connection: a full block with its certificate fits with room to spare. */
    public static final int MAX_FRAME_BYTES = 16 << 20;

    private Frames() {
    }

    public static void write(DataOutputStream out, byte[] payload) throws IOException {
        if (payload.length > MAX_FRAME_BYTES) {
            throw new IOException("frame of " + payload.length + " bytes over the limit " + MAX_FRAME_BYTES);
        }
        out.writeInt(payload.length);
        out.write(payload);
    }

    /** The next frame of at most {@link #MAX_FRAME_BYTES}; see {@link #read(DataInputStream, int)}. */
    public static byte[] read(DataInputStream in) throws IOException {
        return read(in, MAX_FRAME_BYTES);
    }

    /**
     * The next frame of at most {@code maxBytes}. A larger (or negative) announced length is refused before anything
     * else is read ({@link FrameTooLargeException}: the caller disconnects). The payload is allocated as its bytes
     * arrive, not when its length is announced: a peer or client that announces 16 MiB and sends less costs this node
     * only what it sent; a stream that ends early is an {@link EOFException}.
     */
    public static byte[] read(DataInputStream in, int maxBytes) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > maxBytes) {
            throw new FrameTooLargeException(length, maxBytes);
        }
        return readPayload(in, length, length);
    }

    /** The next {@code bytes} of a frame of {@code length}, allocated as they arrive (in 8 KiB steps). */
    private static byte[] readPayload(DataInputStream in, int bytes, int length) throws IOException {
        byte[] payload = in.readNBytes(bytes);
        if (payload.length < bytes) {
            throw new EOFException("frame of " + length + " bytes ended after " + payload.length);
        }
        return payload;
    }

    /**
     * {@link #read(DataInputStream, int)} within {@code budget}: a frame above the budget's allowance arrives up to the
     * allowance, then takes the rest of its length from the budget (a shared one may close {@code connection} if the
     * frame does not then arrive whole in time) before its array is taken. The caller hands the frame back with
     * {@link InboundFrameBudget#release} once handled; on an exception nothing is held.
     */
    public static byte[] read(DataInputStream in, int maxBytes, InboundFrameBudget budget, java.io.Closeable connection)
            throws IOException {
        int length = in.readInt();
        if (length < 0 || length > maxBytes) {
            throw new FrameTooLargeException(length, maxBytes);
        }
        if (length <= budget.allowanceBytes()) {
            return readPayload(in, length, length);
        }
        byte[] head = readPayload(in, budget.allowanceBytes(), length); // the sender proves it is sending
        Runnable arrived = budget.acquire(length, connection);
        try {
            byte[] payload = new byte[length];
            System.arraycopy(head, 0, payload, 0, head.length);
            in.readFully(payload, head.length, length - head.length);
            return payload;
        } catch (Throwable e) { // an OutOfMemoryError too: the shared bytes must never leak
            budget.release(length);
            throw e;
        } finally {
            arrived.run();
        }
    }

    /** A peer announced a frame larger than we accept. */
    public static final class FrameTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameTooLargeException(int length, int limit) {
            super("peer announced a frame of " + length + " bytes, limit " + limit);
        }
    }
}
