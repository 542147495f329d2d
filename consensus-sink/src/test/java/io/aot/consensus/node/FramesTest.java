package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frames on a stream: what a peer or an RPC client announces costs this node nothing until the bytes arrive. Before,
 * a frame announced at 16 MiB was allocated before a byte of it was read: sixteen connections (RPC clients, or anyone
 * before the peer handshake) announcing one each and sending nothing filled a validator's 256 MiB heap.
 */
class FramesTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void aFrameAnnouncedAtTheLimitButNotSentCostsOnlyTheBytesThatArrived() throws Exception {
        DataInputStream in = stream(Frames.MAX_FRAME_BYTES, new byte[1000]);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> Frames.read(in)).isInstanceOf(EOFException.class);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated for a 16 MiB announcement followed by 1,000 bytes")
                .isLessThan(1 << 20);
    }

    @Test
    void aFrameAtTheLimitIsReadWhole() throws Exception {
        byte[] payload = new byte[Frames.MAX_FRAME_BYTES];
        Arrays.fill(payload, (byte) 7);
        payload[payload.length - 1] = 9;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Frames.write(new DataOutputStream(bytes), payload);
        assertThat(Frames.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())))).isEqualTo(payload);
    }

    @Test
    void aFrameAboveTheCallersLimitOrNegativeIsRefusedUnread() throws Exception {
        assertThatThrownBy(() -> Frames.read(stream(101, new byte[101]), 100))
                .isInstanceOf(Frames.FrameTooLargeException.class).hasMessageContaining("limit 100");
        assertThatThrownBy(() -> Frames.read(stream(-1, new byte[0])))
                .isInstanceOf(Frames.FrameTooLargeException.class);
        assertThat(Frames.read(stream(100, new byte[100]), 100)).hasSize(100);
    }

    /**
     * Frames above a connection's allowance are read within bytes shared by its group (peers, or RPC clients), taken
     * once the allowance has arrived and given back when handled: a frame that ends early, before or after, holds
     * nothing. Before, 256 RPC clients could each hold a 16 MiB request.
     */
    @Test
    void aFrameAboveTheAllowanceIsReadWithinTheSharedBudget() throws Exception {
        InboundFrameBudget budget = new InboundFrameBudget(1024, Frames.MAX_FRAME_BYTES);
        int all = budget.availableKiB();
        assertThat(Frames.read(stream(1024, new byte[1024]), Frames.MAX_FRAME_BYTES, budget)).hasSize(1024);
        assertThat(budget.availableKiB()).as("within the allowance").isEqualTo(all);

        byte[] big = Frames.read(stream(2 << 20, new byte[2 << 20]), Frames.MAX_FRAME_BYTES, budget);
        assertThat(budget.availableKiB()).isEqualTo(all - 2047);
        budget.release(big);
        assertThat(budget.availableKiB()).isEqualTo(all);

        assertThatThrownBy(() -> Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[1000]), Frames.MAX_FRAME_BYTES,
                budget)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[1 << 20]), Frames.MAX_FRAME_BYTES,
                budget)).isInstanceOf(EOFException.class);
        assertThat(budget.availableKiB()).as("ended early: nothing held").isEqualTo(all);

        byte[] full = Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[Frames.MAX_FRAME_BYTES]),
                Frames.MAX_FRAME_BYTES, budget);
        Thread second = new Thread(() -> {
            try {
                Frames.read(stream(2 << 20, new byte[2 << 20]), Frames.MAX_FRAME_BYTES, budget);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        second.start();
        second.join(300);
        assertThat(second.isAlive()).as("a second large frame waits while a full frame holds the shared bytes").isTrue();
        budget.release(full);
        second.join(5_000);
        assertThat(second.isAlive()).isFalse();
    }

    private static DataInputStream stream(int announced, byte[] sent) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(announced);
        out.write(sent);
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
