package io.aot.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback: who may connect, and what happens to oversized frames. */
class PeerNetworkTest {

    private final KeyPair self = key(1);
    private final KeyPair peer = key(2);
    private final KeyPair stranger = key(3);
    private final List<byte[]> delivered = new CopyOnWriteArrayList<>();
    private PeerNetwork network;
    private int port;

    private static KeyPair key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        return KeyPair.fromSeed(seed);
    }

    @BeforeEach
    void listen() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ValidatorSet set = ValidatorSet.of(List.of(new Validator(self.publicKey(), 10), new Validator(peer.publicKey(), 10)));
        network = new PeerNetwork("aot-test", self, set, port, Map.of(), (from, frame) -> delivered.add(frame));
    }

    @AfterEach
    void close() throws Exception {
        network.close();
    }

    @Test
    void aGenesisValidatorThatSignsTheChallengeIsHeard() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = hello(s, peer, "aot-test");
            Frames.write(out, new byte[] {7, 7});
            out.flush();
            awaitDelivered(1);
        }
        assertThat(delivered.get(0)).containsExactly(7, 7);
    }

    @Test
    void strangersWrongChainsAndGarbageHellosAreRefused() throws Exception {
        for (KeyPair who : List.of(stranger, peer)) {
            try (Socket s = connect()) {
                hello(s, who, who == peer ? "another-chain" : "aot-test");
                assertThat(s.getInputStream().read()).as("connection closed").isEqualTo(-1);
            }
        }
        try (Socket s = connect()) {
            Frames.read(new DataInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            Frames.write(out, new byte[] {1, 2, 3});
            out.flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(delivered).isEmpty();
        awaitCounter("handshake-refused", 3L);
    }

    @Test
    void anOversizedFrameDisconnectsThePeerWithoutReadingIt() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = hello(s, peer, "aot-test");
            out.writeInt(Frames.MAX_FRAME_BYTES + 1);
            out.flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        awaitCounter("frame-too-large", 1L);
        assertThat(delivered).isEmpty();
    }

    /** Fault 7: a stranger could make the listener allocate a full 16 MiB frame before proving anything. */
    @Test
    void aHandshakeFrameIsReadWithinAFewHundredBytes() throws Exception {
        try (Socket s = connect()) {
            Frames.read(new DataInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(Frames.MAX_FRAME_BYTES); // announced, never sent
            out.flush();
            s.setSoTimeout(2_000);
            assertThat(s.getInputStream().read()).as("closed at once, not after the handshake timeout").isEqualTo(-1);
        }
        awaitCounter("frame-too-large", 1L);
    }

    /** Anyone may open a connection, so those still in their handshake are bounded apart from the validators'. */
    @Test
    void connectionsInTheirHandshakeAreBounded() throws Exception {
        int max = PeerNetwork.maxPendingHandshakes(2);
        List<Socket> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < max; i++) {
                Socket s = connect();
                Frames.read(new DataInputStream(s.getInputStream())); // each holds a slot in its handshake
                open.add(s);
            }
            for (int i = 0; i < 3; i++) {
                try (Socket s = connect()) {
                    assertThat(s.getInputStream().read()).as("closed at accept").isEqualTo(-1);
                }
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        awaitCounter("pending-handshakes-full", 3L);
    }

    /**
     * A validator holds one inbound connection: its newer one replaces the older (which it may have lost without
     * noticing), so neither a Byzantine validator nor strangers can take the places of the honest ones.
     */
    @Test
    void aValidatorsNewerConnectionReplacesItsOlderOne() throws Exception {
        try (Socket first = connect(); Socket second = connect()) {
            DataOutputStream older = hello(first, peer, "aot-test");
            Frames.write(older, new byte[] {4});
            older.flush();
            awaitDelivered(1); // the first one is live
            DataOutputStream out = hello(second, peer, "aot-test");
            assertThat(first.getInputStream().read()).as("the older connection is closed").isEqualTo(-1);
            Frames.write(out, new byte[] {5});
            out.flush();
            awaitDelivered(2);
        }
        awaitCounter("inbound-replaced", 1L);
    }

    @Test
    void anOutboundQueueIsBoundedInBytes() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        ValidatorSet set = ValidatorSet.of(List.of(new Validator(self.publicKey(), 10), new Validator(peer.publicKey(), 10)));
        int peerIndex = set.indexOf(peer.publicKey());
        int listen = 0; // any free port: a port closed just before can be taken by another process before it is reopened
        // The bound is the budget's (injected here): 5 MiB per peer.
        MemoryBudget budget = new MemoryBudget(1L << 30, 2, 1 << 20, 1 << 20, 5L << 20, 1 << 20, 1 << 20, 512 << 10,
                8 << 10, Frames.MAX_FRAME_BYTES);
        try (PeerNetwork dialer = new PeerNetwork("aot-test", self, set, listen,
                Map.of(peerIndex, new InetSocketAddress("127.0.0.1", deadPort)), (from, frame) -> true, null, budget)) {
            byte[] mib = new byte[1 << 20];
            int queued = 0;
            while (queued < 100 && dialer.send(peerIndex, mib)) {
                queued++;
            }
            assertThat(queued).as("MiB frames queued for an unreachable peer").isEqualTo(5);
            assertThat(dialer.counters()).containsEntry("outbound-queue-full", 1L);
        }
        // A frame above the bound goes only into an empty queue: a frame-sized block can always be sent, alone.
        try (PeerNetwork dialer = new PeerNetwork("aot-test", self, set, listen,
                Map.of(peerIndex, new InetSocketAddress("127.0.0.1", deadPort)), (from, frame) -> true, null, budget)) {
            assertThat(dialer.send(peerIndex, new byte[Frames.MAX_FRAME_BYTES])).isTrue();
            assertThat(dialer.send(peerIndex, new byte[1])).isFalse();
        }
    }

    /**
     * Before the handshake anyone may connect: a hello is read within its own size, not a frame's. Before, a hello
     * announced at 16 MiB was allocated and waited for until the handshake timeout, so a few connections from anyone
     * exhausted the heap.
     */
    @Test
    void aHelloAnnouncedLargerThanAHelloIsRefusedAtOnce() throws Exception {
        try (Socket s = connect()) {
            Frames.read(new DataInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(PeerNetwork.MAX_HELLO_BYTES + 1);
            out.flush();
            s.setSoTimeout(PeerNetwork.HANDSHAKE_TIMEOUT_MS / 2);
            assertThat(s.getInputStream().read()).as("closed before the handshake timeout").isEqualTo(-1);
        }
        awaitCounter("frame-too-large", 1L);
        assertThat(delivered).isEmpty();
    }

    private Socket connect() throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static DataOutputStream hello(Socket s, KeyPair who, String chainId) throws Exception {
        byte[] challenge = Frames.read(new DataInputStream(s.getInputStream()));
        byte[] signBytes = CanonicalWriter.domain("aot/p2p-hello/v1").string(chainId).bytes(challenge).toByteArray();
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        Frames.write(out, new CanonicalWriter().bytes(who.publicKey().encoded()).bytes(who.sign(signBytes)).toByteArray());
        out.flush();
        return out;
    }

    /** The server counts after it closed the socket: wait for it. */
    private void awaitCounter(String name, long value) throws InterruptedException {
        for (int i = 0; i < 100 && !Long.valueOf(value).equals(network.counters().get(name)); i++) {
            Thread.sleep(20);
        }
        assertThat(network.counters()).containsEntry(name, value);
    }

    private void awaitDelivered(int n) throws InterruptedException {
        for (int i = 0; i < 100 && delivered.size() < n; i++) {
            Thread.sleep(50);
        }
        assertThat(delivered).hasSize(n);
    }
}
