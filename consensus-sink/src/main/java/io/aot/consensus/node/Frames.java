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

    /** The next frame; {@link FrameTooLargeException} (the caller disconnects) if the peer announces an oversized one. */
    public static byte[] read(DataInputStream in) throws IOException {
        return read(in, MAX_FRAME_BYTES);
    }

    /**
     * The next frame of at most {@code maxBytes}, refused before anything is allocated: a handshake frame is read with
     * a bound of a few hundred bytes, so a stranger cannot make us allocate a full frame before proving anything.
     */
    public static byte[] read(DataInputStream in, int maxBytes) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw e;
        }
        if (length < 0 || length > maxBytes) {
            throw new FrameTooLargeException(length, maxBytes);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    /** A peer announced a frame larger than we accept. */
    public static final class FrameTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameTooLargeException(int length, int limit) {
            super("peer announced a frame of " + length + " bytes, limit " + limit);
        }
    }
}
