package io.aot.consensus.app;

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
 * commits to every entry and the height. A proposal with a malformed transaction is invalid.
 */
public final class KeyValueApplication implements Application {

    public static final int MAX_TX_BYTES = 4096;

    private final TreeMap<String, String> committed = new TreeMap<>();
    private TreeMap<String, String> pending;
    private Hash pendingHash;
    private long committedHeight;
    private Hash appHash = hashOf(new TreeMap<>(), 0);

    @Override
    public TxCheck checkTx(byte[] tx) {
        if (tx.length == 0 || tx.length > MAX_TX_BYTES) {
            return TxCheck.refused("TX_SIZE");
        }
        String s = new String(tx, StandardCharsets.UTF_8);
        int eq = s.indexOf('=');
        return eq <= 0 ? TxCheck.refused("MALFORMED") : TxCheck.OK;
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

    @Override
    public BlockResult finalizeBlock(BlockHeader header, List<byte[]> txs) {
        TreeMap<String, String> next = new TreeMap<>(committed);
        List<TxResult> results = new ArrayList<>();
        for (byte[] tx : txs) {
            String s = new String(tx, StandardCharsets.UTF_8);
            int eq = s.indexOf('=');
            next.put(s.substring(0, eq), s.substring(eq + 1));
            results.add(new TxResult("OK"));
        }
        pending = next;
        pendingHash = hashOf(next, header.height());
        return new BlockResult(results, pendingHash);
    }

    @Override
    public void commit() {
        if (pending == null) {
            throw new IllegalStateException("commit without a finalized block");
        }
        committed.clear();
        committed.putAll(pending);
        appHash = pendingHash;
        committedHeight++;
        pending = null;
    }

    @Override
    public Hash lastAppHash() {
        return appHash;
    }

    @Override
    public long lastCommittedHeight() {
        return committedHeight;
    }

    public Map<String, String> state() {
        return Map.copyOf(committed);
    }

    private static Hash hashOf(TreeMap<String, String> state, long height) {
        CanonicalWriter w = CanonicalWriter.domain("aot/kv-app/v1").i64(height).i32(state.size());
        state.forEach((k, v) -> w.string(k).string(v));
        return w.sha256();
    }
}
