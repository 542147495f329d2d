package io.aot.consensus.node;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalReader.MalformedException;
import io.aot.consensus.codec.CanonicalWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a validator reports about itself: the answer to {@link RpcProtocol#STATUS} and the values behind its
 * Prometheus metrics ({@link ValidatorMetrics}). Read while the validator runs, so the figures are a moment's view,
 * not one atomic snapshot (the engine's are at most {@link ValidatorMetrics#SNAPSHOT_EVERY_MS} old).
 *
 * @param validatorIndex     this validator's index in the genesis set
 * @param committedHeight    height of the last block committed here (0 before the first)
 * @param round              round of the height being decided
 * @param step               step within that round (NEW_HEIGHT, PROPOSE, PREVOTE, PRECOMMIT)
 * @param lastHeightRounds   rounds the last committed height took (its certificate's round + 1); 0 before the first
 * @param peersConnected     peers linked both ways
 * @param peers              peers in the genesis set besides this validator
 * @param mempoolTxs         transactions waiting in the mempool
 * @param mempoolBytes       their bytes
 * @param equivocationsSeen  conflicting votes or proposals from one validator seen here
 * @param peersCommittedHeight the committed height that at least f + 1 peers reported (so at least one honest peer is
 *                           there; one lying peer cannot move it); 0 until f + 1 peers were heard
 * @param walBytes           bytes of the consensus WAL (peers' messages of the current height)
 * @param committedTxs       transactions committed since this process started
 * @param dropped            engine inputs dropped, by reason
 * @param network            peer-network events (dial failures, full queues, refused handshakes, ...), by kind
 */
public record ValidatorStatus(int validatorIndex, long committedHeight, int round, String step, int lastHeightRounds,
        int peersConnected, int peers, long mempoolTxs, long mempoolBytes, long equivocationsSeen,
        long peersCommittedHeight, long walBytes, long committedTxs, Map<String, Long> dropped,
        Map<String, Long> network) {

    /** Bounds on a decoded answer: reasons and event kinds are short names, and few. */
    static final int MAX_COUNTERS = 256;
    static final int MAX_NAME_CHARS = 128;

    public ValidatorStatus {
        dropped = Map.copyOf(dropped);
        network = Map.copyOf(network);
    }

    /** Blocks this validator lacks that f + 1 peers have committed; never negative. */
    public long blocksBehind() {
        return Math.max(0, peersCommittedHeight - committedHeight);
    }

    /**
     * Behind by more than one block: block sync is fetching what it lacks. One block behind is the normal moment
     * between a peer's decision and ours (CometBFT's {@code catching_up} is the same idea).
     */
    public boolean catchingUp() {
        return catchingUp(blocksBehind());
    }

    static boolean catchingUp(long blocksBehind) {
        return blocksBehind > 1;
    }

    void write(CanonicalWriter w) {
        w.i32(validatorIndex).i64(committedHeight).i32(round).string(step).i32(lastHeightRounds).i32(peersConnected)
                .i32(peers).i64(mempoolTxs).i64(mempoolBytes).i64(equivocationsSeen).i64(peersCommittedHeight)
                .i64(walBytes).i64(committedTxs);
        writeCounters(w, dropped);
        writeCounters(w, network);
    }

    static ValidatorStatus read(CanonicalReader r) throws MalformedException {
        ValidatorStatus s = new ValidatorStatus(r.i32(), r.i64(), r.i32(), r.string(MAX_NAME_CHARS), r.i32(), r.i32(),
                r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), readCounters(r, "dropped"),
                readCounters(r, "network"));
        r.expectEnd();
        return s;
    }

    private static void writeCounters(CanonicalWriter w, Map<String, Long> counters) {
        Map<String, Long> sorted = new TreeMap<>(counters);
        w.i32(sorted.size());
        sorted.forEach((k, v) -> w.string(k).i64(v));
    }

    private static Map<String, Long> readCounters(CanonicalReader r, String what) throws MalformedException {
        int n = r.count(MAX_COUNTERS, what);
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            out.put(r.string(MAX_NAME_CHARS), r.i64());
        }
        return out;
    }

    /** A few readable lines for an operator ({@code aot validator status}). */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("validator " + validatorIndex + ": height " + committedHeight + ", round " + round + " " + step
                + ", last height took " + lastHeightRounds + (lastHeightRounds == 1 ? " round" : " rounds"));
        lines.add("sync: " + (catchingUp() ? "catching up, " + blocksBehind() + " blocks behind" : "in sync")
                + " (f+1 peers at height " + peersCommittedHeight + "); peers connected " + peersConnected + "/" + peers);
        lines.add("mempool: " + mempoolTxs + " txs, " + mempoolBytes + " bytes; committed txs " + committedTxs
                + "; consensus WAL " + walBytes + " bytes");
        lines.add("equivocations seen: " + equivocationsSeen + "; dropped inputs: " + (dropped.isEmpty() ? "none"
                : new TreeMap<>(dropped)));
        lines.add("network: " + (network.isEmpty() ? "no events" : new TreeMap<>(network)));
        return lines;
    }
}
