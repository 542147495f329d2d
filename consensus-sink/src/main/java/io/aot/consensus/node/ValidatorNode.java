package io.aot.consensus.node;

import io.aot.consensus.app.Application;
import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Ed25519Keys.PublicKey;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.engine.BlockStore;
import io.aot.consensus.engine.ConsensusCheckpoint;
import io.aot.consensus.engine.ConsensusContext;
import io.aot.consensus.engine.EngineConfig;
import io.aot.consensus.engine.SignerGuard;
import io.aot.consensus.engine.TendermintEngine;
import io.aot.consensus.engine.Timeout;
import io.aot.consensus.mempool.Mempool;
import io.aot.consensus.storage.ConsensusWal;
import io.aot.consensus.storage.FileBlockStore;
import io.aot.consensus.storage.FileCheckpointStore;
import io.aot.consensus.storage.FileSnapshotStore;
import io.aot.consensus.storage.ValidatorDataDir;
import io.aot.consensus.types.Block;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.Proposal;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A validator process: the engine on one event-loop thread, fed by peers (TCP), timers and clients; a file block
 * store, signer state and checkpoint under {@code home/data}; the RPC port for clients. Every queue is bounded.
 */
public final class ValidatorNode implements AutoCloseable {

    static final int EVENT_QUEUE_CAPACITY = 100_000;
    /**
     * How long a client's large request may take to arrive once it holds shared inbound bytes (16 MiB at 10 Mbit/s
     * takes 13 s); a client that stalls longer loses its connection so the others' requests go on.
     */
    static final long RPC_FRAME_HOLD_TIMEOUT_MS = 30_000;
    /** RPC client connections at once (each has a thread); more are closed at accept. */
    static final int MAX_RPC_CLIENTS = 256;
    /** How long a client's submission waits for peers to confirm they hold its batch before "retry" is answered. */
    static final long REPLICATION_TIMEOUT_MS = 2_000;
    /** Submissions waiting for peers' confirmations at once (one per client connection in practice). */
    static final int MAX_AWAITING_REPLICATION = 1_024;
    /** Blocks sent at once to a peer that is behind. */
    static final int SYNC_BATCH_BLOCKS = 50;
    /** A peer that is behind gets at most one batch per this interval: the period of its own status messages. */
    static final long SYNC_INTERVAL_MS = 200;
    /** Bound on one height's logged peer messages (a few rounds of full proposals and every vote fit). */
    static final long MAX_WAL_BYTES = 256L << 20;

    /** The consensus WAL of a {@code data/} folder, at its bound, as a validator opens it (the simulation does too). */
    public static ConsensusWal openWal(Path dataDir, WireCodec codec) {
        return new ConsensusWal(dataDir.resolve("consensus.wal"), codec, MAX_WAL_BYTES);
    }

    private final Genesis genesis;
    private final NodeConfig config;
    private final int selfIndex;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());
    private final ValidatorDataDir data;
    private final FileBlockStore store;
    private final BlockSync blockSync;
    private final FileCheckpointStore checkpoints;
    private final ConsensusWal wal;
    private final io.aot.consensus.storage.FileEvidenceStore evidenceStore;
    private final AppSnapshots snapshots;
    private final Mempool mempool;
    private final BlockingQueue<Runnable> events = new ArrayBlockingQueue<>(EVENT_QUEUE_CAPACITY);
    /** Every in-heap byte bound, derived from the heap ({@link MemoryBudget}). */
    private final MemoryBudget budget;
    /**
     * Bytes of peer messages waiting for the loop, in KiB permits ({@link MemoryBudget#eventQueueBytes}): a full queue
     * blocks the peers' readers.
     */
    private final int eventQueueKiB;
    private final java.util.concurrent.Semaphore eventKiB;
    /** RPC requests being read or answered ({@link MemoryBudget#rpcInboundSharedBytes}). */
    private final InboundFrameBudget rpcFrames;
    private final java.util.concurrent.Semaphore rpcSlots = new java.util.concurrent.Semaphore(MAX_RPC_CLIENTS);
    private final AtomicLong rpcClientsRefused = new AtomicLong();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "timers"));
    private final PeerNetwork network;
    private final ServerSocket rpc;
    private final Random gossipRandom = new Random();
    private final Object heightMonitor = new Object();
    private final AtomicLong committedTxs = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    /** Block-sync batches cut short because the peer's outbound queue was full. */
    private final AtomicLong syncBatchesCut = new AtomicLong();
    private final AtomicLong gossipedBatchesDropped = new AtomicLong();
    private final AtomicLong unreplicatedAnswers = new AtomicLong();
    private final java.util.Set<io.aot.consensus.crypto.Hash> verifiedEvidence =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ValidatorSet validatorSet;
    /** Peers besides this one that must hold a batch before it is acknowledged: f, so f crashes lose none of it. */
    private final int peersBeforeAck;
    /** Submitted batches waiting for peers' confirmations, by endorsement signature. */
    private final java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, Replication> awaitingReplication =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Transaction results of the most recent heights (rebuilt by the replay at start, above the restored snapshot). */
    static final int MAX_RESULT_HEIGHTS = 100_000;
    private final RecentTxResults recentResults;
    private volatile long committedHeight;
    private volatile boolean closed;
    private TendermintEngine engine;
    private final ValidatorMetrics metrics;
    private final Thread loop;

    public ValidatorNode(NodeConfig config) throws IOException {
        this.config = config;
        this.genesis = Genesis.read(config.genesisFile());
        KeyPair key = NodeConfig.readKey(config.home().resolve("key.properties"));
        ValidatorSet validators = genesis.validatorSet();
        this.validatorSet = validators;
        this.selfIndex = validators.indexOf(key.publicKey());
        this.peersBeforeAck = (validators.size() - 1) / 3;
        if (selfIndex < 0) {
            throw new IOException("this node's key is not a genesis validator: " + key.publicKey().address());
        }
        // Before anything is opened: a heap too small for the bounds refuses to start, rather than failing later.
        this.budget = MemoryBudget.forThisJvm(validators.size());
        this.recentResults = new RecentTxResults(MAX_RESULT_HEIGHTS, budget.txResultBytes());
        this.eventQueueKiB = (int) Math.min(Integer.MAX_VALUE, budget.eventQueueBytes() >> 10);
        this.eventKiB = new java.util.concurrent.Semaphore(eventQueueKiB);
        this.rpcFrames = InboundFrameBudget.shared(budget.rpcFrameAllowanceBytes(), budget.rpcInboundSharedBytes(),
                RPC_FRAME_HOLD_TIMEOUT_MS, timers);
        this.data = ValidatorDataDir.open(config.dataDir(), codec); // locked: no second process on this home
        log(budget.summary()); // once the home is ours: a refused start stays one line
        this.store = data.blocks();
        this.blockSync = new BlockSync(store, codec, SYNC_BATCH_BLOCKS, SYNC_INTERVAL_MS);
        this.checkpoints = data.checkpoints();
        this.wal = openWal(config.dataDir(), codec);
        long restoreStartNs = System.nanoTime();
        AppSnapshots.Restored restored = AppSnapshots.restore(new FileSnapshotStore(config.dataDir()),
                genesis.chainId(), store, state -> application(genesis, config, state), ValidatorNode::log);
        Application app = restored.app();
        long restoreMs = (System.nanoTime() - restoreStartNs) / 1_000_000;
        this.snapshots = new AppSnapshots(new FileSnapshotStore(config.dataDir()), genesis.chainId(), app,
                config.snapshotEveryHeights(), restored.height(), ValidatorNode::log);
        this.mempool = new Mempool(app, config.mempoolMaxTxs(), budget.mempoolBytes(), 64 * 1024);
        SignerGuard guard = new SignerGuard(key::sign, data.signer());
        EngineConfig engineConfig = engineConfig(genesis, config, budget);
        this.evidenceStore = new io.aot.consensus.storage.FileEvidenceStore(config.dataDir().resolve("evidence.bin"),
                codec, engineConfig.evidence());
        this.engine = new TendermintEngine(engineConfig, validators, selfIndex, guard, app, store, new Context());
        this.committedHeight = store.height();
        // TLS when home/tls holds the node's certificate, key and the consortium CA (NodeTls): peers mutual, RPC server.
        java.util.Optional<NodeTls> tlsFiles = NodeTls.in(config.home());
        javax.net.ssl.SSLContext tls = tlsFiles.isPresent() ? tlsFiles.get().context() : null;
        this.network = new PeerNetwork(genesis.chainId(), key, validators, config.p2pPort(), config.peers(),
                this::onPeerFrame, tls, budget);
        this.rpc = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        rpc.setReuseAddress(true);
        // Loopback unless told otherwise (-Daot.rpc.host=0.0.0.0 in a container), like the p2p listener.
        InetAddress rpcHost = InetAddress.getByName(System.getProperty("aot.rpc.host",
                InetAddress.getLoopbackAddress().getHostAddress()));
        rpc.bind(new InetSocketAddress(rpcHost, config.rpcPort()));
        this.metrics = new ValidatorMetrics(selfIndex, validators.size(), mempool, wal, network, () -> committedHeight,
                committedTxs::get, System.out);
        if (config.metricsPort() > 0) {
            metrics.serve(rpcHost, config.metricsPort()); // on the RPC port's address: an operator's port too
        }
        daemon(this::acceptClients, "rpc-accept").start();
        ConsensusCheckpoint checkpoint = checkpoints.load();
        List<Object> received = wal.load();
        io.aot.consensus.storage.FileEvidenceStore.Loaded evidence = evidenceStore.load();
        if (evidence.cutAtOffset() >= 0) {
            log("evidence.bin: a damaged (or over-bound) record at byte " + evidence.cutAtOffset()
                    + " and what followed were cut off; "
                    + evidence.evidence().size() + " pieces kept (peers gossip theirs again)");
        }
        post(() -> {
            long startNs = System.nanoTime();
            engine.start(checkpoint, received, evidence.evidence());
            log("restored application state at height " + restored.height() + ", replayed " + engine.replayedAtStart()
                    + " blocks (" + (restored.snapshotHash() == null ? "genesis" : "snapshot " + restored.snapshotHash())
                    + "; restore " + restoreMs + " ms, replay " + (System.nanoTime() - startNs) / 1_000_000 + " ms)");
        });
        this.loop = new Thread(this::runLoop, "consensus-loop");
        loop.start();
        timers.scheduleWithFixedDelay(() -> post(this::gossip), config.gossipEveryMs(), config.gossipEveryMs(),
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> post(() -> metrics.snapshot(engine.evidenceCount(), engine.dropped())),
                0, ValidatorMetrics.SNAPSHOT_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The block bounds follow from the frame limit: every block this validator proposes fits in one frame. The
     * next-height messages held unverified are bounded by the memory budget.
     */
    static EngineConfig engineConfig(Genesis genesis, NodeConfig config, MemoryBudget budget) {
        int decodable = WireCodec.Limits.defaults().maxBlockTxs();
        if (config.maxBlockTxs() < 1 || config.maxBlockTxs() > decodable) {
            throw new IllegalArgumentException("max_block_txs must be 1.." + decodable + " (what peers decode), got "
                    + config.maxBlockTxs());
        }
        return new EngineConfig(genesis.chainId(), config.timeouts(), config.maxBlockTxs(),
                WireCodec.maxBlockTxBytes(Frames.MAX_FRAME_BYTES, config.maxBlockTxs()), 10_000, 1_000,
                genesis.synchrony()).withMaxBufferedFutureBytes(budget.futureMessageBytes());
    }

    /**
     * The genesis names the application: {@code ledger} (with ledger-genesis.properties) or {@code kv} (tests); at
     * its genesis state, or restored from a snapshot's {@code appState} when not null.
     *
     * @throws IllegalArgumentException if {@code appState} is not a snapshot of that application
     */
    static Application application(Genesis genesis, NodeConfig config, byte[] appState) throws IOException {
        if (genesis.initialAppState().startsWith("ledger")) {
            io.aot.ledger.state.LedgerGenesis ledger =
                    io.aot.ledger.state.LedgerGenesisFile.read(config.home().resolve("ledger-genesis.properties"));
            return appState == null ? new io.aot.consensus.app.LedgerApplication(ledger, 64 * 1024)
                    : io.aot.consensus.app.LedgerApplication.restore(ledger, 64 * 1024, appState);
        }
        return appState == null ? new KeyValueApplication() : KeyValueApplication.restore(appState);
    }

    private static void log(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public int selfIndex() {
        return selfIndex;
    }

    public long committedHeight() {
        return committedHeight;
    }

    public long committedTxs() {
        return committedTxs.get();
    }

    /** A one-line status for logs; read outside the loop, so approximate. */
    public String status() {
        TendermintEngine e = engine;
        return "validator " + selfIndex + ": height " + committedHeight + ", round " + e.round() + " " + e.step()
                + ", mempool " + mempool.size() + ", committed txs " + committedTxs.get() + ", dropped " + e.dropped()
                + ", evidence seen " + e.evidenceSeen() + " committed " + e.evidenceCommitted() + " pending "
                + e.pendingEvidenceCount() + ", network " + network.counters()
                + (malformedFrames.get() > 0 ? ", malformed " + malformedFrames : "")
                + (syncBatchesCut.get() > 0 ? ", sync batches cut " + syncBatchesCut : "")
                + (gossipedBatchesDropped.get() > 0 ? ", gossip dropped " + gossipedBatchesDropped : "")
                + (unreplicatedAnswers.get() > 0 ? ", not-replicated answers " + unreplicatedAnswers : "")
                + (rpcClientsRefused.get() > 0 ? ", rpc clients refused " + rpcClientsRefused : "")
                + (wal.refusedFull() > 0 ? ", wal full " + wal.refusedFull() : "");
    }

    private void runLoop() {
        while (!closed) {
            try {
                Runnable r = events.poll(100, TimeUnit.MILLISECONDS);
                if (r != null) {
                    r.run();
                    metrics.afterEvent(engine.height(), engine.round(), engine.step());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // An engine bug must not kill the loop silently; fail loudly, the operator restarts from disk.
                System.err.println("consensus loop failed: " + e);
                e.printStackTrace();
                Runtime.getRuntime().halt(70);
            }
        }
    }

    /** Enqueue work for the loop; blocks when full (back-pressure on the peer or client that produced it). */
    private void post(Runnable r) {
        try {
            events.put(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the peer's reader thread. False (the peer is disconnected) for a frame that breaks the protocol. */
    private boolean onPeerFrame(int peer, byte[] frame) {
        Object message;
        try {
            message = codec.decodeMessage(frame);
        } catch (CanonicalReader.MalformedException e) {
            malformedFrames.incrementAndGet();
            return false;
        }
        if (message instanceof Evidence e && !verifiedFromPeer(e)) {
            malformedFrames.incrementAndGet();
            return false; // an honest peer relays only evidence it verified
        }
        if (message instanceof WireCodec.MempoolBatch batch) {
            // On this peer's reader thread: the mempool is thread-safe, and the consensus loop stays free.
            return admitGossipedBatch(peer, batch);
        }
        if (message instanceof WireCodec.MempoolBatchHeld held) {
            Replication r = awaitingReplication.get(java.nio.ByteBuffer.wrap(held.batchSignature()));
            if (r != null) {
                r.heldBy(peer);
            }
            return true;
        }
        // Bounded in bytes as well as items: the permits come back once the loop has handled the message. A message
        // larger than the whole bound waits for an empty queue and goes alone (the budget's reserve holds it).
        int kib = Math.min(eventQueueKiB, frame.length / 1024 + 1);
        try {
            eventKiB.acquire(kib);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        post(() -> {
            try {
                handlePeerMessage(peer, message);
            } finally {
                eventKiB.release(kib);
            }
        });
        return true;
    }

    /** Hashes of peers' evidence that verified, remembered so re-gossip costs no signature checks. */
    static final int MAX_VERIFIED_EVIDENCE = 10_000;

    /**
     * Whether evidence from a peer verifies against the genesis validators, on the peer's reader thread. Pending
     * evidence is re-gossiped every tick, so the hashes of pieces that verified are remembered (bounded: forgotten
     * all at once past {@link #MAX_VERIFIED_EVIDENCE}) and not checked again.
     */
    private boolean verifiedFromPeer(Evidence e) {
        io.aot.consensus.crypto.Hash hash = e.hash();
        if (verifiedEvidence.contains(hash)) {
            return true;
        }
        if (e.verify(genesis.chainId(), validatorSet) != null) {
            return false;
        }
        if (verifiedEvidence.size() >= MAX_VERIFIED_EVIDENCE) {
            verifiedEvidence.clear();
        }
        verifiedEvidence.add(hash);
        return true;
    }

    private void handlePeerMessage(int peer, Object message) {
        if (message instanceof Proposal p) {
            engine.onProposal(p);
        } else if (message instanceof Vote v) {
            engine.onVote(v);
        } else if (message instanceof WireCodec.Status s) {
            metrics.peerStatus(peer, s.height());
            // The peer's next height: what it misses, from our store, within bounds (BlockSync).
            if (blockSync.onStatus(peer, s.height(), System.nanoTime(), network::send) < 0) {
                syncBatchesCut.incrementAndGet();
            }
        } else if (message instanceof WireCodec.CommittedBlock c) {
            engine.onCommittedBlock(c.block(), c.certificate());
        } else if (message instanceof Evidence e) {
            engine.onEvidence(e);
        }
    }

    private void gossip() {
        network.broadcast(codec.encodeMessage(new WireCodec.Status(engine.height())));
        int[] peers = network.peerIndexes();
        if (peers.length == 0) {
            return;
        }
        int peer = peers[gossipRandom.nextInt(peers.length)];
        for (Object m : engine.currentHeightMessages()) {
            network.send(peer, codec.encodeMessage(m));
        }
        for (Evidence e : engine.pendingEvidence()) {
            network.send(peer, codec.encodeMessage(e));
        }
    }

    /** What the engine does to the world, from the loop thread. */
    private final class Context implements ConsensusContext {
        @Override
        public void broadcastProposal(Proposal proposal) {
            network.broadcast(codec.encodeMessage(proposal));
        }

        @Override
        public void broadcastVote(Vote vote) {
            network.broadcast(codec.encodeMessage(vote));
        }

        @Override
        public void broadcastEvidence(Evidence evidence) {
            network.broadcast(codec.encodeMessage(evidence));
        }

        @Override
        public void pendingEvidence(List<Evidence> pending) {
            evidenceStore.save(pending);
        }

        @Override
        public void scheduleTimeout(Timeout timeout, long delayMs) {
            timers.schedule(() -> post(() -> engine.onTimeout(timeout)), delayMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void received(Object message) {
            wal.append(message);
        }

        @Override
        public void persist(ConsensusCheckpoint checkpoint) {
            wal.sync(); // what this validator's next message was based on is on disk before anyone sees it
            checkpoints.save(checkpoint);
            CrashPoints.hit("after-checkpoint");
        }

        @Override
        public long nowMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public List<byte[]> reapTxs(int maxTxs, long maxBytes) {
            return mempool.reap(maxTxs, maxBytes);
        }

        @Override
        public void txResults(long height, List<Application.TxResult> results) {
            recentResults.put(height, results);
        }

        @Override
        public void committed(Block block, CommitCertificate certificate) {
            CrashPoints.hit("after-block-commit");
            wal.reset();
            snapshots.committed();
            mempool.update(block.txs());
            committedTxs.addAndGet(block.txs().size());
            metrics.decided(block, certificate);
            synchronized (heightMonitor) {
                committedHeight = block.height();
                heightMonitor.notifyAll();
            }
        }
    }

    // ---------------------------------------------------------------- client API

    private void acceptClients() {
        while (!closed) {
            try {
                Socket s = rpc.accept();
                if (!rpcSlots.tryAcquire()) {
                    rpcClientsRefused.incrementAndGet();
                    s.close();
                    continue;
                }
                daemon(() -> {
                    try {
                        serveClient(s);
                    } finally {
                        rpcSlots.release();
                    }
                }, "rpc-client").start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveClient(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            while (!closed) {
                byte[] request = Frames.read(in, Frames.MAX_FRAME_BYTES, rpcFrames, socket);
                try {
                    if (!answer(request, out, socket)) {
                        return;
                    }
                    out.flush();
                } finally {
                    rpcFrames.release(request);
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    /** False when the connection should close (a subscription ended, or a malformed request). */
    private boolean answer(byte[] request, DataOutputStream out, Socket socket) throws IOException {
        try {
            CanonicalReader r = new CanonicalReader(request);
            int type = r.u8();
            switch (type) {
                case RpcProtocol.SUBMIT_BATCH -> Frames.write(out, submitBatch(r));
                case RpcProtocol.GET_BLOCK -> {
                    long height = r.i64();
                    r.expectEnd(); // a padded request could hold the shared bytes its own answer then waits for
                    if (!writeStoredBlock(store, height, true, rpcFrames, socket, out)) {
                        Frames.write(out, new CanonicalWriter().bool(false).toByteArray());
                    }
                }
                case RpcProtocol.LATEST_HEIGHT -> Frames.write(out, new CanonicalWriter().i64(committedHeight).toByteArray());
                case RpcProtocol.SUBSCRIBE -> {
                    long from = r.i64();
                    r.expectEnd();
                    stream(from, out, socket);
                    return false;
                }
                case RpcProtocol.TX_PROOF -> {
                    long height = r.i64();
                    int index = r.i32();
                    r.expectEnd();
                    Frames.write(out, txProof(height, index, socket));
                }
                case RpcProtocol.GET_RESULTS -> Frames.write(out, results(r.i64()));
                case RpcProtocol.STATUS -> {
                    r.expectEnd();
                    CanonicalWriter w = new CanonicalWriter();
                    metrics.status().write(w);
                    Frames.write(out, w.toByteArray());
                }
                default -> {
                    Frames.write(out, new CanonicalWriter().u8(RpcProtocol.MALFORMED).toByteArray());
                    return false;
                }
            }
            return true;
        } catch (CanonicalReader.MalformedException e) {
            Frames.write(out, new CanonicalWriter().u8(RpcProtocol.MALFORMED).toByteArray());
            return false;
        }
    }

    private byte[] results(long height) {
        List<Application.TxResult> results = recentResults.get(height);
        CanonicalWriter w = new CanonicalWriter().bool(results != null);
        if (results != null) {
            w.i32(results.size());
            for (Application.TxResult r : results) {
                w.string(r.code()).i32(r.events().size());
                r.events().forEach(w::string);
            }
        }
        return w.toByteArray();
    }

    /**
     * A batch a peer accepted from a client: the endorsement is checked again (a peer is a validator, not an endorser),
     * then it joins this mempool and the peer hears that this validator holds it. Without room (and not already held),
     * no answer: the peer's client is told to retry, and the same batch comes again.
     */
    private boolean admitGossipedBatch(int peer, WireCodec.MempoolBatch batch) {
        PublicKey endorser;
        try {
            endorser = PublicKey.of(batch.endorserKey());
        } catch (IllegalArgumentException e) {
            malformedFrames.incrementAndGet();
            return false;
        }
        if (!endorsedByGenesisEndorser(endorser, batch.txs(), batch.signature())) {
            malformedFrames.incrementAndGet();
            return false; // an honest peer forwards only batches it checked the same way
        }
        if (mempool.addBatch(batch.txs(), endorser.address()).full()) {
            gossipedBatchesDropped.incrementAndGet(); // no "held": the origin's client retries, the batch comes again
            return true;
        }
        // Every transaction is held here now, or refused by the deterministic check as the origin refused it.
        network.send(peer, codec.encodeMessage(new WireCodec.MempoolBatchHeld(batch.signature())));
        return true;
    }

    /** One Ed25519 signature over the whole batch by an endorser key listed in genesis. */
    private boolean endorsedByGenesisEndorser(PublicKey endorser, List<byte[]> txs, byte[] signature) {
        return genesis.endorsers().contains(endorser)
                && endorser.verify(RpcProtocol.batchSignBytes(genesis.chainId(), txs), signature);
    }

    private byte[] submitBatch(CanonicalReader r) throws CanonicalReader.MalformedException {
        PublicKey endorser;
        try {
            endorser = PublicKey.of(r.bytes(32));
        } catch (IllegalArgumentException e) {
            throw new CanonicalReader.MalformedException("endorser key: " + e.getMessage());
        }
        byte[] signature = r.bytes(64);
        int n = r.count(RpcProtocol.MAX_BATCH_TXS, "batch size");
        List<byte[]> txs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            txs.add(r.bytes(64 * 1024));
        }
        r.expectEnd();
        if (!endorsedByGenesisEndorser(endorser, txs, signature)) {
            return new CanonicalWriter().u8(RpcProtocol.BAD_ENDORSEMENT).i32(0).i32(0).i32(n).toByteArray();
        }
        Mempool.BatchResult admitted = mempool.addBatch(txs, endorser.address());
        if (admitted.full()) { // nothing of the batch was added: the client sends it again
            return new CanonicalWriter().u8(RpcProtocol.FULL_RETRY).i32(0).i32(0).i32(0).toByteArray();
        }
        int added = admitted.added();
        int duplicates = admitted.duplicates();
        int rejected = admitted.rejected();
        // ACCEPTED means every transaction is held by f + 1 validators, or refused by the deterministic check that
        // every validator applies. A retried batch (duplicates here) is gossiped again too: its first attempt may not
        // have reached enough peers.
        int status = rejected == n || replicated(endorser, signature, txs) ? RpcProtocol.ACCEPTED
                : RpcProtocol.NOT_REPLICATED_RETRY;
        if (status == RpcProtocol.NOT_REPLICATED_RETRY) {
            unreplicatedAnswers.incrementAndGet();
        }
        return new CanonicalWriter().u8(status).i32(added).i32(duplicates).i32(rejected).toByteArray();
    }

    /**
     * Gossips the batch and waits (at most {@link #REPLICATION_TIMEOUT_MS}) until f peers confirm they hold it, so
     * that an acknowledged batch survives any f crashes, the one of this validator included. Before this, a validator
     * killed right after its acknowledgement could take the batch with it.
     */
    private boolean replicated(PublicKey endorser, byte[] signature, List<byte[]> txs) {
        byte[] gossip = codec.encodeMessage(new WireCodec.MempoolBatch(endorser.encoded(), signature, txs));
        if (gossip.length > Frames.MAX_FRAME_BYTES) {
            // Same layout as the SUBMIT_BATCH request, whose frame was read within that bound: cannot happen.
            throw new IllegalStateException("gossip frame of " + gossip.length + " bytes for a request within bounds");
        }
        if (peersBeforeAck == 0) {
            network.broadcast(gossip);
            return true;
        }
        java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(signature.clone());
        if (awaitingReplication.size() >= MAX_AWAITING_REPLICATION) {
            return false;
        }
        Replication mine = new Replication(peersBeforeAck);
        Replication waiting = awaitingReplication.putIfAbsent(key, mine);
        Replication r = waiting == null ? mine : waiting; // the same batch from two clients at once: one wait
        try {
            network.broadcast(gossip);
            return r.await(REPLICATION_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (waiting == null) {
                awaitingReplication.remove(key, mine);
            }
        }
    }

    /** Which peers confirmed they hold one batch; done when {@code needed} distinct peers did. */
    private static final class Replication {
        private final java.util.BitSet holders = new java.util.BitSet();
        private final java.util.concurrent.CountDownLatch needed;

        Replication(int needed) {
            this.needed = new java.util.concurrent.CountDownLatch(needed);
        }

        synchronized void heldBy(int peer) {
            if (!holders.get(peer)) {
                holders.set(peer);
                needed.countDown();
            }
        }

        boolean await(long timeoutMs) throws InterruptedException {
            return needed.await(timeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    private void stream(long from, DataOutputStream out, Socket socket) throws IOException {
        long next = Math.max(1, from);
        while (!closed) {
            synchronized (heightMonitor) {
                while (committedHeight < next && !closed) {
                    try {
                        heightMonitor.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            for (; next <= committedHeight; next++) {
                writeStoredBlock(store, next, false, rpcFrames, socket, out);
            }
            out.flush();
        }
    }

    /**
     * Writes the stored block of {@code height} to a client as one frame, preceded by a found flag and the length for
     * a GET_BLOCK answer ({@code asAnswer}), as SUBSCRIBE's bare block otherwise; false if not stored. The stored
     * bytes are sent as they are (not decoded and encoded again, which took several block-sized copies), and, above the
     * client's allowance, within the clients' shared bytes ({@code budget}) while the answer is in the heap: 256
     * clients each asking for a 16 MiB block ran the validator out of heap, since only requests were bounded. A client
     * that does not read its answer within the hold timeout loses its connection, and the shared bytes come back.
     */
    static boolean writeStoredBlock(FileBlockStore store, long height, boolean asAnswer, InboundFrameBudget budget,
            java.io.Closeable connection, DataOutputStream out) throws IOException {
        int prefixBytes = asAnswer ? 1 + 4 : 0;
        int frameBytes = prefixBytes + store.encodedBytes(height);
        if (frameBytes == prefixBytes) {
            return false;
        }
        if (frameBytes > Frames.MAX_FRAME_BYTES) {
            throw new IOException("stored block " + height + " of " + frameBytes + " bytes over the frame limit");
        }
        Runnable written = budget.acquire(frameBytes, connection);
        try {
            byte[] body = store.loadEncoded(height);
            out.writeInt(prefixBytes + body.length);
            if (asAnswer) {
                out.writeBoolean(true);
                out.writeInt(body.length);
            }
            out.write(body);
            out.flush(); // out of the heap before the bytes are given back
        } finally {
            written.run();
            budget.release(frameBytes);
        }
        return true;
    }

    /** A transaction's inclusion proof; the block is decoded within the clients' shared bytes (see above). */
    private byte[] txProof(long height, int index, java.io.Closeable connection) throws IOException {
        int blockBytes = store.encodedBytes(height);
        Runnable decoded = rpcFrames.acquire(blockBytes, connection);
        try {
            return txProof(height, index);
        } finally {
            decoded.run();
            rpcFrames.release(blockBytes);
        }
    }

    private byte[] txProof(long height, int index) {
        BlockStore.Entry e = store.load(height);
        CanonicalWriter w = new CanonicalWriter();
        if (e == null || index < 0 || index >= e.block().txs().size()) {
            return w.bool(false).toByteArray();
        }
        MerkleTree.Proof proof = MerkleTree.proof(e.block().txs(), index);
        w.bool(true);
        codec.writeHeader(w, e.block().header());
        w.bytes(e.block().txs().get(index)).i32(proof.index()).i32(proof.total()).i32(proof.aunts().size());
        proof.aunts().forEach(w::hash);
        codec.writeCertificate(w, e.certificate());
        return w.toByteArray();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public Map<String, Long> dropped() {
        return engine.dropped();
    }

    /** The bound Prometheus port, or -1 when {@code metrics_port} is 0. */
    public int metricsPort() {
        return metrics.httpPort();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        network.close();
        rpc.close();
        metrics.close();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // After the loop: an event still running would schedule a timeout on stopped timers, be refused, and the
        // loop's failure handler would halt the JVM before the shutdown snapshot below.
        timers.shutdownNow();
        snapshots.close(!loop.isAlive()); // the state at the last height: a clean restart replays nothing
        wal.close();
        data.close();
    }
}
