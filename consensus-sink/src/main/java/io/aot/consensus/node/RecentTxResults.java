package io.aot.consensus.node;

import io.aot.consensus.app.Application;
import java.util.List;
import java.util.TreeMap;

/**
 * The transaction results of the most recent heights, for clients' {@code GET_RESULTS} (BlockSource reads each
 * block's results): at most {@code maxHeights} heights and about {@code maxBytes} of heap, the oldest dropped first
 * (the newest height stays whatever its size). Results are not persisted, so a dropped height is answered "not held"
 * and a reader asks another validator. Before, 100,000 heights were kept whatever their size: gigabytes on a busy
 * chain, in a heap the other bounds had already shared out. Thread-safe.
 */
final class RecentTxResults {

    private final int maxHeights;
    private final long maxBytes;
    private final TreeMap<Long, List<Application.TxResult>> byHeight = new TreeMap<>();
    private long bytes;

    RecentTxResults(int maxHeights, long maxBytes) {
        if (maxHeights < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("max " + maxHeights + " heights, " + maxBytes + " bytes");
        }
        this.maxHeights = maxHeights;
        this.maxBytes = maxBytes;
    }

    synchronized void put(long height, List<Application.TxResult> results) {
        List<Application.TxResult> copy = List.copyOf(results);
        List<Application.TxResult> previous = byHeight.put(height, copy);
        bytes += heapBytes(copy) - (previous == null ? 0 : heapBytes(previous));
        while (byHeight.size() > maxHeights || bytes > maxBytes && byHeight.size() > 1) {
            bytes -= heapBytes(byHeight.pollFirstEntry().getValue());
        }
    }

    /** The results of {@code height}, or null if not held (never seen, or dropped). */
    synchronized List<Application.TxResult> get(long height) {
        return byHeight.get(height);
    }

    /** Estimated heap bytes held. */
    synchronized long bytes() {
        return bytes;
    }

    synchronized int heights() {
        return byHeight.size();
    }

    /**
     * What a height's results take on the heap, estimated: per result an object, a list and its code, per string its
     * header and characters (two bytes each, a bound on Latin-1 and UTF-16 strings alike).
     */
    static long heapBytes(List<Application.TxResult> results) {
        long total = 16 + 16L * results.size();
        for (Application.TxResult r : results) {
            total += 64 + 2L * r.code().length();
            for (String e : r.events()) {
                total += 48 + 2L * e.length();
            }
        }
        return total;
    }
}
