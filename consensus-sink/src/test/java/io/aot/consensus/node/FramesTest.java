package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.Executors;
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
     * RPC clients: frames above a connection's allowance are read within bytes shared by the clients, taken once the
     * allowance has arrived and given back when handled: a frame that ends early, before or after, holds nothing.
     * Before, 256 RPC clients could each hold a 16 MiB request.
     */
    @Test
    void aClientFrameAboveTheAllowanceIsReadWithinTheSharedBudget() throws Exception {
        java.util.concurrent.ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            InboundFrameBudget budget = InboundFrameBudget.shared(1024, Frames.MAX_FRAME_BYTES, 60_000, watchdog);
            Closeable none = () -> { };
            int all = budget.availableKiB();
            assertThat(Frames.read(stream(1024, new byte[1024]), Frames.MAX_FRAME_BYTES, budget, none)).hasSize(1024);
            assertThat(budget.availableKiB()).as("within the allowance").isEqualTo(all);

            byte[] big = Frames.read(stream(2 << 20, new byte[2 << 20]), Frames.MAX_FRAME_BYTES, budget, none);
            assertThat(budget.availableKiB()).isEqualTo(all - 2047);
            budget.release(big);
            assertThat(budget.availableKiB()).isEqualTo(all);

            assertThatThrownBy(() -> Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[1000]), Frames.MAX_FRAME_BYTES,
                    budget, none)).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[1 << 20]),
                    Frames.MAX_FRAME_BYTES, budget, none)).isInstanceOf(EOFException.class);
            assertThat(budget.availableKiB()).as("ended early: nothing held").isEqualTo(all);

            byte[] full = Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[Frames.MAX_FRAME_BYTES]),
                    Frames.MAX_FRAME_BYTES, budget, none);
            Thread second = new Thread(() -> {
                try {
                    Frames.read(stream(2 << 20, new byte[2 << 20]), Frames.MAX_FRAME_BYTES, budget, none);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            second.start();
            second.join(300);
            assertThat(second.isAlive()).as("a second large frame waits while a full frame holds the shared bytes")
                    .isTrue();
            budget.release(full);
            second.join(5_000);
            assertThat(second.isAlive()).isFalse();
        } finally {
            watchdog.shutdownNow();
        }
    }

    /**
     * A client that sends a large frame's first bytes and stalls holds the shared bytes only until the hold timeout:
     * its connection is closed, the bytes come back, and another client's large frame goes through. Without the
     * timeout it held them until it chose to close, and every large batch of every other client waited.
     */
    @Test
    void aClientThatStallsMidFrameLosesItsConnectionAndTheSharedBytes() throws Exception {
        java.util.concurrent.ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Socket staller = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            InboundFrameBudget budget = InboundFrameBudget.shared(1024, Frames.MAX_FRAME_BYTES, 500, watchdog);
            DataOutputStream out = new DataOutputStream(staller.getOutputStream());
            out.writeInt(Frames.MAX_FRAME_BYTES);
            out.write(new byte[4096]); // past the allowance, then nothing more
            out.flush();
            long startNs = System.nanoTime();
            assertThatThrownBy(() -> Frames.read(new DataInputStream(accepted.getInputStream()), Frames.MAX_FRAME_BYTES,
                    budget, accepted)).isInstanceOf(java.io.IOException.class);
            assertThat((System.nanoTime() - startNs) / 1_000_000).as("closed at the hold timeout (ms)")
                    .isBetween(400L, 10_000L);
            assertThat(accepted.isClosed()).isTrue();
            assertThat(budget.availableKiB()).as("the stalled frame's bytes came back")
                    .isEqualTo(Frames.MAX_FRAME_BYTES >> 10);
            assertThat(Frames.read(stream(2 << 20, new byte[2 << 20]), Frames.MAX_FRAME_BYTES, budget, () -> { }))
                    .hasSize(2 << 20);
        } finally {
            watchdog.shutdownNow();
        }
    }

    /**
     * Peers: a whole frame is reserved per connection, so a Byzantine validator that sends a large frame's first bytes
     * and stalls holds back no other peer's block. With one pool shared by the peers (the first version of the
     * budget), its stalled 16 MiB frame took the pool and every honest proposal above the allowance waited behind it.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60) // before the fix, the honest frames waited for good
    void aPeerThatStallsMidFrameHoldsBackNoOtherPeersFrame() throws Exception {
        InboundFrameBudget peers = InboundFrameBudget.perConnection(512 << 10);
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Socket staller = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            DataOutputStream out = new DataOutputStream(staller.getOutputStream());
            out.writeInt(Frames.MAX_FRAME_BYTES);
            out.write(new byte[1 << 20]); // past the allowance, then nothing more
            out.flush();
            Thread stalled = new Thread(() -> {
                try {
                    Frames.read(new DataInputStream(accepted.getInputStream()), Frames.MAX_FRAME_BYTES, peers,
                            accepted);
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            stalled.start();
            Thread.sleep(200); // the stalled reader is past its allowance
            for (int i = 0; i < 3; i++) { // honest peers' full blocks, one after another
                assertThat(Frames.read(stream(Frames.MAX_FRAME_BYTES, new byte[Frames.MAX_FRAME_BYTES]),
                        Frames.MAX_FRAME_BYTES, peers, () -> { })).hasSize(Frames.MAX_FRAME_BYTES);
            }
            assertThat(stalled.isAlive()).as("the staller still waits on its own connection").isTrue();
            accepted.close();
            stalled.join(5_000);
        }
    }

    private static DataInputStream stream(int announced, byte[] sent) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(announced);
        out.write(sent);
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
