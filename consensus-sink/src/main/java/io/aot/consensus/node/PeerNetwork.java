package io.aot.consensus.node;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Ed25519Keys.PublicKey;
import io.aot.consensus.types.ValidatorSet;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validator-to-validator TCP. Each validator dials every peer and sends on that connection; it receives on the
 * connections peers dial to it. An inbound connection is accepted only after the dialer proves it holds a genesis
 * validator key: the listener sends a random 32-byte challenge, the dialer answers with its public key and a signature
 * over (chain id, challenge). Plain TCP, or mutual TLS with {@link NodeTls}; authenticated, length-prefixed, bounded.
 *
 * <p>Every outbound queue is bounded in frames ({@link #OUTBOUND_QUEUE_FRAMES}) and in bytes
 * ({@link MemoryBudget#outboundQueueBytesPerPeer}; an empty queue takes one frame above it, so a frame-sized block can
 * always be sent); a full queue drops the frame and counts it, since gossip re-sends whatever matters. Inbound frames
 * are read with a whole frame reserved per peer ({@link InboundFrameBudget#perConnection}: a peer that stalls mid-frame
 * holds back only itself) and go to {@code deliver}, which may block: that is TCP back-pressure on a peer faster than our event loop. Threads are bounded too: one per outbound peer, at most {@link #maxPendingHandshakes} inbound connections in
 * their handshake, and one authenticated inbound connection per validator (a newer one replaces it); a hello is read
 * within {@link #MAX_HELLO_BYTES}.
 */
public final class PeerNetwork implements AutoCloseable {

    static final int OUTBOUND_QUEUE_FRAMES = 20_000;
    static final int HANDSHAKE_TIMEOUT_MS = 5_000;
    /** A hello's exact size: a length-prefixed 32-byte public key and a length-prefixed 64-byte signature. */
    static final int MAX_HELLO_BYTES = (4 + 32) + (4 + 64);
    static final int CHALLENGE_BYTES = 32;
    static final long MAX_RECONNECT_BACKOFF_MS = 2_000;

    private final String chainId;
    private final KeyPair key;
    private final ValidatorSet validators;
    private final int selfIndex;
    private final FrameHandler deliver;
    private final javax.net.ssl.SSLContext tls;
    /** Bytes queued for one peer ({@link MemoryBudget#outboundQueueBytesPerPeer}). */
    private final long outboundQueueBytes;
    /** Inbound frames of every peer connection being read or delivered. */
    private final InboundFrameBudget inboundFrames;
    private final ServerSocket server;
    private final Map<Integer, Outbound> outbound = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    /** Open authenticated inbound connections by peer index (a redialing peer may briefly have two). */
    private final Map<Integer, java.util.concurrent.atomic.AtomicInteger> inboundByPeer = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Inbound connections still in their handshake: anyone may open one, so they are bounded apart. */
    private final java.util.concurrent.Semaphore handshakeSlots;
    /** The one live inbound connection of each authenticated validator. */
    private final Map<Integer, Socket> liveInbound = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Plain TCP within this JVM's {@link MemoryBudget}: a consortium whose validators share a private network, and tests. */
    public PeerNetwork(String chainId, KeyPair key, ValidatorSet validators, int listenPort,
            Map<Integer, InetSocketAddress> peers, FrameHandler deliver) throws IOException {
        this(chainId, key, validators, listenPort, peers, deliver, null, MemoryBudget.forThisJvm(validators.size()));
    }

    /**
     * @param tls    mutual TLS on every link ({@link NodeTls#context()}: this node's certificate, the consortium CA), or
     *               null for plain TCP; the signed handshake runs inside either way
     * @param budget the outbound queue bytes per peer and the inbound frame bytes
     */
    public PeerNetwork(String chainId, KeyPair key, ValidatorSet validators, int listenPort,
            Map<Integer, InetSocketAddress> peers, FrameHandler deliver, javax.net.ssl.SSLContext tls,
            MemoryBudget budget) throws IOException {
        this.tls = tls;
        this.outboundQueueBytes = budget.outboundQueueBytesPerPeer();
        this.inboundFrames = InboundFrameBudget.perConnection(budget.peerFrameAllowanceBytes());
        this.chainId = chainId;
        this.key = key;
        this.validators = validators;
        this.selfIndex = validators.indexOf(key.publicKey());
        this.deliver = deliver;
        this.handshakeSlots = new java.util.concurrent.Semaphore(maxPendingHandshakes(validators.size()));
        if (tls == null) {
            this.server = new ServerSocket();
        } else {
            javax.net.ssl.SSLServerSocket secure = (javax.net.ssl.SSLServerSocket) tls.getServerSocketFactory()
                    .createServerSocket();
            secure.setNeedClientAuth(true); // only machines with a consortium certificate reach the handshake
            this.server = secure;
        }
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(System.getProperty("aot.p2p.host", "127.0.0.1"), listenPort));
        Thread acceptor = new Thread(this::acceptLoop, "p2p-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        peers.forEach((index, address) -> {
            if (index != selfIndex) {
                Outbound o = new Outbound(index, address);
                outbound.put(index, o);
                Thread t = new Thread(o::run, "p2p-out-" + index);
                t.setDaemon(true);
                t.start();
            }
        });
    }

    /** Takes each authenticated inbound frame; may block (TCP back-pressure on a fast peer). */
    @FunctionalInterface
    public interface FrameHandler {
        /** @return false if the frame broke the protocol: the peer's connection is closed (it may dial again) */
        boolean deliver(int peerIndex, byte[] frame);
    }

    /** Bound on inbound connections in their handshake (at most 5 s each): two per peer, and a few for strangers. */
    static int maxPendingHandshakes(int validators) {
        return 2 * validators + 8;
    }

    /** Queue a frame for one peer; false (and counted) if its queue is full in frames or in bytes. */
    public boolean send(int peerIndex, byte[] frame) {
        Outbound o = outbound.get(peerIndex);
        if (o == null) {
            return false;
        }
        long queued = o.queuedBytes.addAndGet(frame.length);
        if (queued > outboundQueueBytes && queued != frame.length) { // alone in its queue, any frame may go
            o.queuedBytes.addAndGet(-frame.length);
            count("outbound-queue-full");
            return false;
        }
        if (!o.queue.offer(frame)) {
            o.queuedBytes.addAndGet(-frame.length);
            count("outbound-queue-full");
            return false;
        }
        return true;
    }

    public void broadcast(byte[] frame) {
        for (int peer : outbound.keySet()) {
            send(peer, frame);
        }
    }

    public int[] peerIndexes() {
        return outbound.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Peers linked both ways: our dialed connection is up and the peer's authenticated connection to us is open. */
    public int connectedPeers() {
        int n = 0;
        for (Outbound o : outbound.values()) {
            var in = inboundByPeer.get(o.index);
            if (o.connected && in != null && in.get() > 0) {
                n++;
            }
        }
        return n;
    }

    public Map<String, Long> counters() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    void count(String what) {
        counters.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                if (!handshakeSlots.tryAcquire()) {
                    count("pending-handshakes-full");
                    socket.close();
                    continue;
                }
                Thread t = new Thread(() -> serveInbound(socket), "p2p-in");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    count("accept-error");
                }
            }
        }
    }

    private void serveInbound(Socket socket) {
        boolean handshaking = true;
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] challenge = new byte[CHALLENGE_BYTES];
            random.nextBytes(challenge);
            Frames.write(out, challenge);
            out.flush();
            int peer;
            try {
                peer = verifyHello(Frames.read(in, MAX_HELLO_BYTES), challenge); // from anyone: a hello, no more
            } finally {
                handshakeSlots.release(); // authenticated or not, this connection no longer holds a handshake slot
                handshaking = false;
            }
            if (peer < 0) {
                count("handshake-refused");
                return;
            }
            socket.setSoTimeout(0);
            // One live connection per validator: the newest wins (the older one is most likely dead but not yet
            // noticed), so a peer, honest or not, holds at most one inbound thread here.
            Socket previous = liveInbound.put(peer, socket);
            if (previous != null) {
                count("inbound-replaced");
                previous.close();
            }
            var open = inboundByPeer.computeIfAbsent(peer, p -> new java.util.concurrent.atomic.AtomicInteger());
            open.incrementAndGet();
            try {
                while (!closed) {
                    byte[] frame = Frames.read(in, Frames.MAX_FRAME_BYTES, inboundFrames, socket);
                    try {
                        if (!deliver.deliver(peer, frame)) {
                            count("peer-disconnected-bad-frame");
                            return; // a bad frame costs the sender its connection, never this node
                        }
                    } finally {
                        inboundFrames.release(frame); // handled: queued for the loop within its own bound, or dropped
                    }
                }
            } finally {
                open.decrementAndGet();
                liveInbound.remove(peer, socket);
            }
        } catch (Frames.FrameTooLargeException e) {
            count("frame-too-large");
        } catch (javax.net.ssl.SSLException e) {
            count("tls-refused"); // plain TCP, or a certificate not from the consortium CA
        } catch (IOException e) {
            // peer went away; it will dial again
        } finally {
            if (handshaking) {
                handshakeSlots.release(); // the connection ended before its hello was read
            }
        }
    }

    /** The validator index the hello proves, or -1. */
    private int verifyHello(byte[] hello, byte[] challenge) {
        try {
            CanonicalReader r = new CanonicalReader(hello);
            PublicKey peerKey = PublicKey.of(r.bytes(32));
            byte[] signature = r.bytes(64);
            r.expectEnd();
            int index = validators.indexOf(peerKey);
            if (index < 0 || index == selfIndex || !peerKey.verify(helloSignBytes(challenge), signature)) {
                return -1;
            }
            return index;
        } catch (CanonicalReader.MalformedException | IllegalArgumentException e) {
            return -1;
        }
    }

    private byte[] helloSignBytes(byte[] challenge) {
        return helloSignBytes(chainId, challenge);
    }

    private static byte[] helloSignBytes(String chainId, byte[] challenge) {
        return CanonicalWriter.domain("aot/p2p-hello/v1").string(chainId).bytes(challenge).toByteArray();
    }

    /**
     * The dialer's answer to a listener's challenge: its public key (32 bytes) and its signature over (chain id,
     * challenge). Package-private for tests that dial as a peer with raw sockets.
     */
    static byte[] hello(String chainId, KeyPair key, byte[] challenge) {
        return new CanonicalWriter().bytes(key.publicKey().encoded()).bytes(key.sign(helloSignBytes(chainId, challenge)))
                .toByteArray();
    }

    /** One peer's outbound connection: dial, prove our key, then drain the queue; redial with backoff on failure. */
    private final class Outbound {
        final int index;
        final InetSocketAddress address;
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(OUTBOUND_QUEUE_FRAMES);
        final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
        /** Dialed and hello sent; false again once the connection fails. */
        volatile boolean connected;

        Outbound(int index, InetSocketAddress address) {
            this.index = index;
            this.address = address;
        }

        void run() {
            long backoff = 50;
            while (!closed) {
                // Bytes taken from the queue but not yet written and flushed: they stay counted against the queue's
                // bound, so a peer that stops reading (our write blocks) pins no frame outside the budget.
                long unflushedBytes = 0;
                try (Socket socket = tls == null ? new Socket() : tls.getSocketFactory().createSocket()) {
                    socket.connect(address, HANDSHAKE_TIMEOUT_MS);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
                    byte[] challenge = Frames.read(in, CHALLENGE_BYTES);
                    Frames.write(out, hello(chainId, key, challenge));
                    out.flush();
                    backoff = 50;
                    connected = true;
                    while (!closed) {
                        byte[] frame = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (frame == null) {
                            continue;
                        }
                        unflushedBytes = frame.length;
                        Frames.write(out, frame);
                        // Batch what is already queued into one flush.
                        for (int i = 0; i < 256 && (frame = queue.poll()) != null; i++) {
                            unflushedBytes += frame.length;
                            Frames.write(out, frame);
                        }
                        out.flush();
                        queuedBytes.addAndGet(-unflushedBytes);
                        unflushedBytes = 0;
                    }
                } catch (IOException e) {
                    count("dial-failed");
                } catch (InterruptedException e) {
                    return;
                } finally {
                    connected = false;
                    queuedBytes.addAndGet(-unflushedBytes); // lost with the connection; gossip re-sends what matters
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(MAX_RECONNECT_BACKOFF_MS, backoff * 2);
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
