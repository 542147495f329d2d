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
 * Transactions waiting for a block. Deduplicated by id (SHA-256 of the bytes), bounded in count and in bytes (a batch
 * without room is refused whole, {@link BatchResult#full}: back-pressure, the client retries), FIFO per sender, and proposals take
 * senders in turn so one busy sender cannot starve the others. Every transaction passes the application's
 * {@code checkTx} on entry; after each commit the committed ones leave, and the rest are checked again against the new
 * state when the application's check reads state ({@link Application#checkTxReadsState}). Thread-safe: clients add
 * while the consensus loop reaps.
 */
public final class Mempool {

    /**
     * What {@link #addBatch} did. {@code full}: there was no room for the batch's new transactions, and none of them
     * was added. Otherwise every transaction of the batch is now held here (added, or already waiting or committed:
     * duplicates) or refused by the application's deterministic check, which every validator would refuse too.
     */
    public record BatchResult(boolean full, int added, int duplicates, int rejected) {
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

    /**
     * Admits a batch whole or not at all: its new transactions all enter, or, without room for all of them, none does
     * ({@link BatchResult#full}). The room check and the inserts are one critical section, so concurrent batches can
     * never leave a batch half-admitted (one 200-transaction batch racing seven single ones against room for 206 was
     * answered "accepted" with none of its transactions held). A batch whose transactions are all held already (sent
     * again after "not yet replicated") needs no room. The application's check runs outside the lock.
     *
     * @param sender who submitted it (an endorser): ordering is FIFO per sender
     */
    public BatchResult addBatch(List<byte[]> txs, String sender) {
        List<Hash> ids = new ArrayList<>(txs.size());
        for (byte[] tx : txs) {
            ids.add(Hash.sha256(tx));
        }
        boolean[] unknown = new boolean[txs.size()];
        synchronized (this) {
            for (int i = 0; i < txs.size(); i++) {
                unknown[i] = !byId.containsKey(ids.get(i)) && !recentlyCommitted.containsKey(ids.get(i));
            }
        }
        boolean[] refused = new boolean[txs.size()];
        for (int i = 0; i < txs.size(); i++) {
            byte[] tx = txs.get(i);
            refused[i] = unknown[i] && (tx.length == 0 || tx.length > maxTxBytes || !app.checkTx(tx).accepted());
        }
        synchronized (this) {
            int duplicates = 0;
            int rejected = 0;
            List<Integer> fresh = new ArrayList<>();
            java.util.Set<Hash> inBatch = new java.util.HashSet<>();
            long freshBytes = 0;
            for (int i = 0; i < txs.size(); i++) {
                Hash id = ids.get(i);
                if (byId.containsKey(id) || recentlyCommitted.containsKey(id) || !inBatch.add(id)) {
                    duplicates++;
                } else if (refused[i]) {
                    rejected++;
                } else {
                    fresh.add(i);
                    freshBytes += txs.get(i).length;
                }
            }
            if (byId.size() + fresh.size() > maxTxs || bytes + freshBytes > maxBytes) {
                return new BatchResult(true, 0, 0, 0);
            }
            for (int i : fresh) {
                insert(ids.get(i), txs.get(i), sender);
            }
            assert byId.size() <= maxTxs && bytes <= maxBytes : "bounds hold after a batch";
            return new BatchResult(false, fresh.size(), duplicates, rejected);
        }
    }

    private void insert(Hash id, byte[] tx, String sender) {
        byte[] copy = tx.clone();
        byId.put(id, copy);
        bySender.computeIfAbsent(sender, s -> new ArrayDeque<>()).add(id);
        senderById.put(id, sender);
        bytes += copy.length;
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
