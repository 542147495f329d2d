package io.aot.consensus.node;

import io.aot.consensus.app.Application;
import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalReader.MalformedException;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.types.BlockHeader;
import io.aot.consensus.types.CommitCertificate;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A client of one validator's RPC port. Not thread-safe: one request at a time per client. */
public final class ValidatorClient implements AutoCloseable {

    /** Outcome of a batch submission. {@code status} is one of {@link RpcProtocol}'s answers. */
    public record SubmitResult(int status, int added, int duplicates, int rejected) {
        public boolean accepted() {
            return status == RpcProtocol.ACCEPTED;
        }

        /** Worth submitting again after a pause: a full mempool, or a batch not yet held by enough validators. */
        public boolean retryable() {
            return status == RpcProtocol.FULL_RETRY || status == RpcProtocol.NOT_REPLICATED_RETRY;
        }
    }

    /** A transaction with what proves it committed: header, Merkle proof, certificate. */
    public record TxProof(BlockHeader header, byte[] tx, MerkleTree.Proof proof, CommitCertificate certificate) {
    }

    private final String chainId;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.defaults());

    /**
     * The JVM-wide setting for RPC clients that do not pass a TLS context: {@code -Daot.rpc.tls-ca=FILE} (or the
     * environment variable {@code AOT_RPC_TLS_CA}) names the consortium CA (PEM) of validators whose RPC ports use TLS,
     * the way JSSE takes its trust store from {@code javax.net.ssl.trustStore}. So the Flink jobs' sink and source,
     * {@code aot audit} and {@code aot receipt} reach TLS validators with one option of their JVM ({@code env.java.opts}
     * in Flink, {@code AOT_JAVA_OPTS} for {@code ./aot}). Unset: plain TCP.
     */
    public static final String TLS_CA_PROPERTY = "aot.rpc.tls-ca";

    /** Connects within 5 s; answers may take any time (a subscription waits for blocks). TLS per {@link #TLS_CA_PROPERTY}. */
    public ValidatorClient(String chainId, InetSocketAddress address) throws IOException {
        this(chainId, address, java.time.Duration.ofSeconds(5), java.time.Duration.ZERO, defaultTls());
    }

    /**
     * For one-shot tools: connects within {@code timeout}, and each answer must come within it too, else the call
     * throws {@link java.net.SocketTimeoutException}.
     */
    public ValidatorClient(String chainId, InetSocketAddress address, java.time.Duration timeout) throws IOException {
        this(chainId, address, timeout, timeout, defaultTls());
    }

    /**
     * As {@link #ValidatorClient(String, InetSocketAddress, java.time.Duration)}, over TLS to a validator whose RPC
     * port uses it ({@link NodeTls}): {@code tls} trusts the consortium CA ({@link NodeTls#clientContext}).
     */
    public ValidatorClient(String chainId, InetSocketAddress address, java.time.Duration timeout,
            javax.net.ssl.SSLContext tls) throws IOException {
        this(chainId, address, timeout, timeout, tls);
    }

    private ValidatorClient(String chainId, InetSocketAddress address, java.time.Duration connectTimeout,
            java.time.Duration answerTimeout, javax.net.ssl.SSLContext tls) throws IOException {
        this.chainId = chainId;
        this.socket = tls == null ? new Socket() : tls.getSocketFactory().createSocket();
        try {
            socket.connect(address, Math.toIntExact(connectTimeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(answerTimeout.toMillis())); // 0: no bound
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    }

    /** The TLS context of {@link #TLS_CA_PROPERTY}, or null; read at each connection (a CA file may be rotated). */
    public static javax.net.ssl.SSLContext defaultTls() throws IOException {
        String ca = System.getProperty(TLS_CA_PROPERTY, System.getenv("AOT_RPC_TLS_CA"));
        if (ca == null || ca.isBlank()) {
            return null;
        }
        return NodeTls.clientContext(java.nio.file.Path.of(ca));
    }

    /** Connects, retrying every 200 ms while the validator is still starting (connection refused), up to {@code wait}. */
    public static ValidatorClient connect(String chainId, InetSocketAddress address, java.time.Duration wait)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return new ValidatorClient(chainId, address);
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    public SubmitResult submitBatch(List<byte[]> txs, KeyPair endorser) throws IOException {
        CanonicalWriter w = new CanonicalWriter().u8(RpcProtocol.SUBMIT_BATCH).bytes(endorser.publicKey().encoded())
                .bytes(endorser.sign(RpcProtocol.batchSignBytes(chainId, txs))).i32(txs.size());
        txs.forEach(w::bytes);
        CanonicalReader r = call(w.toByteArray());
        try {
            return new SubmitResult(r.u8(), r.i32(), r.i32(), r.i32());
        } catch (MalformedException e) {
            throw new IOException("bad answer: " + e.getMessage());
        }
    }

    public long latestHeight() throws IOException {
        try {
            return call(new CanonicalWriter().u8(RpcProtocol.LATEST_HEIGHT).toByteArray()).i64();
        } catch (MalformedException e) {
            throw new IOException("bad answer: " + e.getMessage());
        }
    }

    /** The validator's figures: height, round, step, peers, mempool, sync state, counters. */
    public ValidatorStatus status() throws IOException {
        try {
            return ValidatorStatus.read(call(new CanonicalWriter().u8(RpcProtocol.STATUS).toByteArray()));
        } catch (MalformedException e) {
            throw new IOException("bad answer: " + e.getMessage());
        }
    }

    /** The committed block at {@code height}, or null if the validator does not have it yet. */
    public WireCodec.CommittedBlock block(long height) throws IOException {
        CanonicalReader r = call(new CanonicalWriter().u8(RpcProtocol.GET_BLOCK).i64(height).toByteArray());
        try {
            return r.bool() ? codec.decodeCommittedBlock(r.bytes(Frames.MAX_FRAME_BYTES)) : null;
        } catch (MalformedException e) {
            throw new IOException("bad answer: " + e.getMessage());
        }
    }

    /** The result of each transaction of the block at {@code height}; null if unknown (not committed, or pruned). */
    public List<Application.TxResult> results(long height) throws IOException {
        CanonicalReader r = call(new CanonicalWriter().u8(RpcProtocol.GET_RESULTS).i64(height).toByteArray());
        try {
            if (!r.bool()) {
                return null;
            }
            int n = r.count(WireCodec.Limits.defaults().maxBlockTxs(), "results");
            List<Application.TxResult> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String code = r.string(256);
                int events = r.count(64, "events");
                List<String> e = new ArrayList<>(events);
                for (int j = 0; j < events; j++) {
                    e.add(r.string(1024));
                }
                results.add(new Application.TxResult(code, e));
            }
            return results;
        } catch (MalformedException e) {
            throw new IOException("bad answer: " + e.getMessage());
        }
    }

    public TxProof txProof(long height, int index) throws IOException {
        CanonicalReader r = call(new CanonicalWriter().u8(RpcProtocol.TX_PROOF).i64(height).i32(index).toByteArray());
        try {
            if (!r.bool()) {
                return null;
            }
            BlockHeader header = codec.readHeader(r);
            byte[] tx = r.bytes(64 * 1024);
            int idx = r.i32();
            int total = r.i32();
            int n = r.count(64, "aunts");
            List<Hash> aunts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                aunts.add(r.hash());
            }
            return new TxProof(header, tx, new MerkleTree.Proof(idx, total, aunts), codec.readCertificate(r));
        } catch (MalformedException e) {
            throw new IOException("bad answer: " + e.getMessage());
        }
    }

    /**
     * Streams committed blocks from {@code fromHeight} on this connection until {@code consumer} returns false. The
     * connection is used up by the stream. Heights must follow on exactly ({@code fromHeight}, +1, +2, ...): a stream
     * that skips or repeats a height throws {@link IOException} before the block reaches {@code consumer}. The blocks'
     * certificates and links are the consumer's to check.
     */
    public void subscribe(long fromHeight, Predicate<WireCodec.CommittedBlock> consumer) throws IOException {
        Frames.write(out, new CanonicalWriter().u8(RpcProtocol.SUBSCRIBE).i64(fromHeight).toByteArray());
        out.flush();
        for (long expected = Math.max(1, fromHeight); ; expected++) {
            WireCodec.CommittedBlock b;
            try {
                b = codec.decodeCommittedBlock(Frames.read(in));
            } catch (MalformedException e) {
                throw new IOException("bad block in stream: " + e.getMessage());
            }
            if (b.block().height() != expected) {
                throw new IOException("stream sent block " + b.block().height() + " where height " + expected
                        + " was next");
            }
            if (!consumer.test(b)) {
                return;
            }
        }
    }

    private CanonicalReader call(byte[] request) throws IOException {
        Frames.write(out, request);
        out.flush();
        return new CanonicalReader(Frames.read(in));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
