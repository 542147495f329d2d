package io.aot.consensus.mempool;

import io.aot.consensus.app.Application;
import io.aot.consensus.crypto.Hash;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transactions waiting for a block. Deduplicated by id (SHA-256 of the bytes), bounded in count and in bytes (a full
 * pool answers {@link Admission#FULL}: back-pressure, the client retries), FIFO per sender, and proposals take
 * senders in turn so one busy sender cannot starve the others. Every transaction passes the application's
 * {@code checkTx} on entry; after each commit the committed ones leave, and the rest are checked again against the new
 * state when the application's check reads state ({@link Application#checkTxReadsState}). Thread-safe: clients add
 * while the consensus loop reaps.
 */
public final class Mempool {

    /** What happened to a submitted transaction. */
    public enum Admission { ADDED, DUPLICATE, FULL, REJECTED }

    /** The outcome with the application's code when it refused. */
    public record Result(Admission admission, String code) {
    }

    private final Application app;
    private final Map<Hash, String> senderById = new HashMap<>();
    private final int maxTxs;
    private final long maxBytes;
    private final int maxTxBytes;
    private final Map<Hash, byte[]> byId = new HashMap<>();
    private final LinkedHashMap<String, ArrayDeque<Hash>> bySender = new LinkedHashMap<>();
    /**
     * Ids of recently committed transactions (bounded, oldest forgotten first), as CometBFT's mempool cache: a batch
     * gossiped from a peer can arrive after the block that holds it, and must not enter the mempool again.
     */
    private final LinkedHashMap<Hash, Boolean> recentlyCommitted;
    private long bytes;

    public Mempool(Application app, int maxTxs, long maxBytes, int maxTxBytes) {
        this.app = app;
        int rememberCommitted = Math.max(1024, maxTxs);
        this.recentlyCommitted = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Hash, Boolean> eldest) {
                return size() > rememberCommitted;
            }
        };
        this.maxTxs = maxTxs;
        this.maxBytes = maxBytes;
        this.maxTxBytes = maxTxBytes;
    }

    /** @param sender who submitted it (an endorser, a client): ordering is FIFO per sender */
    public synchronized Result add(byte[] tx, String sender) {
        if (tx.length == 0 || tx.length > maxTxBytes) {
            return new Result(Admission.REJECTED, "TX_SIZE");
        }
        Hash id = Hash.sha256(tx);
        if (byId.containsKey(id) || recentlyCommitted.containsKey(id)) {
            return new Result(Admission.DUPLICATE, "DUPLICATE");
        }
        if (byId.size() >= maxTxs || bytes + tx.length > maxBytes) {
            return new Result(Admission.FULL, "MEMPOOL_FULL");
        }
        Application.TxCheck check = app.checkTx(tx);
        if (!check.accepted()) {
            return new Result(Admission.REJECTED, check.code());
        }
        byte[] copy = tx.clone();
        byId.put(id, copy);
        bySender.computeIfAbsent(sender, s -> new ArrayDeque<>()).add(id);
        senderById.put(id, sender);
        bytes += copy.length;
        return new Result(Admission.ADDED, "OK");
    }

    /**
     * Whether every one of these transactions is waiting here or was committed recently: a batch sent again (after
     * "not yet replicated") needs no room, even in a full mempool.
     */
    public synchronized boolean holdsAll(List<byte[]> txs) {
        for (byte[] tx : txs) {
            Hash id = Hash.sha256(tx);
            if (!byId.containsKey(id) && !recentlyCommitted.containsKey(id)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code count} more transactions of {@code totalBytes} would fit now (a batch is admitted whole or not). */
    public synchronized boolean hasRoomFor(int count, long totalBytes) {
        return byId.size() + count <= maxTxs && bytes + totalBytes <= maxBytes;
    }

    /** Up to {@code maxCount} transactions within {@code maxTotalBytes}: senders in turn, each sender's in order. */
    public synchronized List<byte[]> reap(int maxCount, long maxTotalBytes) {
        List<byte[]> out = new ArrayList<>();
        Map<String, Iterator<Hash>> cursors = new LinkedHashMap<>();
        bySender.forEach((sender, queue) -> cursors.put(sender, queue.iterator()));
        long total = 0;
        boolean progress = true;
        while (progress && out.size() < maxCount) {
            progress = false;
            for (Iterator<Hash> cursor : cursors.values()) {
                if (out.size() >= maxCount || !cursor.hasNext()) {
                    continue;
                }
                byte[] tx = byId.get(cursor.next());
                if (total + tx.length > maxTotalBytes) {
                    return out;
                }
                out.add(tx);
                total += tx.length;
                progress = true;
            }
        }
        return out;
    }

    /**
     * After a commit: drop the committed transactions, then, if the application's check reads state, recheck the rest
     * against the new state. (With a stateless check and a backlog of 20,000, the recheck was 20,000 decodes per block
     * on every validator, for answers that cannot change.)
     */
    public synchronized void update(List<byte[]> committed) {
        for (byte[] tx : committed) {
            Hash id = Hash.sha256(tx);
            remove(id);
            recentlyCommitted.put(id, Boolean.TRUE);
        }
        if (!app.checkTxReadsState()) {
            return;
        }
        List<Hash> invalid = new ArrayList<>();
        byId.forEach((id, tx) -> {
            if (!app.checkTx(tx).accepted()) {
                invalid.add(id);
            }
        });
        invalid.forEach(this::remove);
    }

    private void remove(Hash id) {
        byte[] tx = byId.remove(id);
        if (tx == null) {
            return;
        }
        bytes -= tx.length;
        String sender = senderById.remove(id);
        ArrayDeque<Hash> queue = bySender.get(sender);
        queue.remove(id);
        if (queue.isEmpty()) {
            bySender.remove(sender);
        }
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized long bytes() {
        return bytes;
    }
}
