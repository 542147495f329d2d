package io.aot.consensus.app;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.BlockHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's test application: transactions are {@code key=value} (UTF-8), the state is a sorted map, the app hash
 * chains every block's transactions. A proposal with a malformed transaction is invalid.
 */
public final class KeyValueApplication implements Application {

    public static final int MAX_TX_BYTES = 4096;

    private final TreeMap<String, String> committed = new TreeMap<>();
    private final TreeMap<String, String> pending = new TreeMap<>();
    private Hash pendingHash;
    private long committedHeight;
    private Hash appHash = CanonicalWriter.domain("aot/kv-app/v1").i64(0).sha256();

    @Override
    public TxCheck checkTx(byte[] tx) {
        if (tx.length == 0 || tx.length > MAX_TX_BYTES) {
            return TxCheck.refused("TX_SIZE");
        }
        // A byte scan, not a String: checkTx runs for every transaction on entry and in every proposal.
        for (int i = 1; i < tx.length; i++) {
            if (tx[i] == '=') {
                return TxCheck.OK;
            }
        }
        return TxCheck.refused("MALFORMED");
    }

    @Override
    public boolean checkTxReadsState() {
        return false;
    }

    @Override
    public List<byte[]> prepareProposal(long height, List<byte[]> candidates, long maxBytes) {
        List<byte[]> chosen = new ArrayList<>();
        long bytes = 0;
        for (byte[] tx : candidates) {
            if (checkTx(tx).accepted() && bytes + tx.length <= maxBytes) {
                chosen.add(tx);
                bytes += tx.length;
            }
        }
        return chosen;
    }

    @Override
    public boolean processProposal(BlockHeader header, List<byte[]> txs) {
        for (byte[] tx : txs) {
            if (!checkTx(tx).accepted()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes go to a pending overlay and the app hash chains the previous hash with the block's transactions, so a block
     * costs O(its transactions), not O(state). The hash still commits to the whole state: the state is a function of
     * the ordered transactions since genesis.
     */
    @Override
    public BlockResult finalizeBlock(BlockHeader header, List<byte[]> txs) {
        pending.clear();
        List<TxResult> results = new ArrayList<>();
        for (byte[] tx : txs) {
            String s = new String(tx, StandardCharsets.UTF_8);
            int eq = s.indexOf('=');
            pending.put(s.substring(0, eq), s.substring(eq + 1));
            results.add(new TxResult("OK"));
        }
        // The header's root: the engine checked it matches these transactions before deciding.
        pendingHash = CanonicalWriter.domain("aot/kv-app/v1").i64(header.height()).hash(appHash)
                .hash(header.txRoot()).sha256();
        return new BlockResult(results, pendingHash);
    }

    @Override
    public void commit() {
        if (pendingHash == null) {
            throw new IllegalStateException("commit without a finalized block");
        }
        committed.putAll(pending);
        pending.clear();
        appHash = pendingHash;
        pendingHash = null;
        committedHeight++;
    }

    @Override
    public Hash lastAppHash() {
        return appHash;
    }

    @Override
    public long lastCommittedHeight() {
        return committedHeight;
    }

    private static final String SNAPSHOT_DOMAIN = "aot/kv-app/snapshot/v1";

    /** {@link CanonicalWriter} layout: the domain, height, app hash, count, then key and value pairs in key order. */
    @Override
    public byte[] snapshot() {
        CanonicalWriter w = CanonicalWriter.domain(SNAPSHOT_DOMAIN).i64(committedHeight).hash(appHash)
                .i32(committed.size());
        committed.forEach((k, v) -> w.string(k).string(v));
        return w.toByteArray();
    }

    /**
     * The application at a snapshot's height, as {@link #snapshot} wrote it.
     *
     * @throws IllegalArgumentException if the bytes are not a canonical snapshot of this application (says why)
     */
    public static KeyValueApplication restore(byte[] snapshot) {
        KeyValueApplication app = new KeyValueApplication();
        try {
            CanonicalReader r = new CanonicalReader(snapshot);
            if (!SNAPSHOT_DOMAIN.equals(r.string(64))) {
                throw new IllegalArgumentException("key/value snapshot: not " + SNAPSHOT_DOMAIN);
            }
            app.committedHeight = r.i64();
            if (app.committedHeight < 0) {
                throw new IllegalArgumentException("key/value snapshot: negative height " + app.committedHeight);
            }
            app.appHash = r.hash();
            int n = r.count(r.remaining() / 8, "key/value snapshot entries"); // each pair takes at least 8 bytes
            String previous = null;
            for (int i = 0; i < n; i++) {
                String key = r.string(MAX_TX_BYTES);
                if (previous != null && previous.compareTo(key) >= 0) {
                    throw new IllegalArgumentException("key/value snapshot: key " + key + " not after " + previous);
                }
                app.committed.put(key, r.string(MAX_TX_BYTES));
                previous = key;
            }
            r.expectEnd();
        } catch (CanonicalReader.MalformedException e) {
            throw new IllegalArgumentException("key/value snapshot: " + e.getMessage());
        }
        return app;
    }

    public Map<String, String> state() {
        return Map.copyOf(committed);
    }
}
