package io.aot.consensus.evidence;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.Evidence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verified evidence waiting for a block, and the offences the chain already committed (CometBFT's evidence pool;
 * a validator process persists the pending list, {@code FileEvidenceStore}). One piece per offence ({@link Evidence#offence}): a second pair of votes for the same offence proves
 * nothing new. Pending evidence is bounded in pieces and in bytes ({@link EvidenceParams}); when full, new evidence is
 * refused, not older evidence evicted, since the oldest is the closest to its block. Evidence older than
 * {@link EvidenceParams#maxAgeHeights} expires. Not thread-safe: the engine's event loop owns it.
 */
public final class EvidencePool {

    /** What {@link #add} did. */
    public enum AddResult { ADDED, KNOWN, EXPIRED, FULL }

    private final EvidenceParams params;
    /** By offence, in arrival order: blocks take the oldest first. */
    private final LinkedHashMap<String, Evidence> pending = new LinkedHashMap<>();
    private final Map<String, Integer> pendingSizes = new HashMap<>();
    private final Set<Hash> pendingHashes = new HashSet<>();
    private long pendingBytes;
    /** Committed offences by their height, kept while evidence of that height could still be included. */
    private final TreeMap<Long, List<String>> committedByHeight = new TreeMap<>();
    private final Set<String> committed = new HashSet<>();

    public EvidencePool(EvidenceParams params) {
        this.params = params;
    }

    public EvidenceParams params() {
        return params;
    }

    /** Whether evidence of {@code evidenceHeight} is too old for a block of {@code blockHeight}. */
    public boolean isExpired(long evidenceHeight, long blockHeight) {
        return blockHeight - evidenceHeight > params.maxAgeHeights();
    }

    /**
     * Keeps evidence the caller verified, for blocks from {@code nextBlockHeight} on.
     *
     * @return KNOWN if its offence is pending or committed, EXPIRED if too old for the next block, FULL if over a bound
     */
    public AddResult add(Evidence evidence, long nextBlockHeight) {
        String offence = evidence.offence();
        if (pending.containsKey(offence) || committed.contains(offence)) {
            return AddResult.KNOWN;
        }
        if (isExpired(evidence.height(), nextBlockHeight)) {
            return AddResult.EXPIRED;
        }
        int bytes = evidence.canonicalBytes().length;
        if (pending.size() >= params.maxPendingItems() || pendingBytes + bytes > params.maxPendingBytes()) {
            return AddResult.FULL;
        }
        pending.put(offence, evidence);
        pendingSizes.put(offence, bytes);
        pendingHashes.add(evidence.hash());
        pendingBytes += bytes;
        return AddResult.ADDED;
    }

    /** Whether this offence is pending or committed: a new piece of evidence for it need not be verified. */
    public boolean knows(String offence) {
        return pending.containsKey(offence) || committed.contains(offence);
    }

    /** Whether exactly this evidence (by hash) is pending, so it was verified on entry. */
    public boolean isPendingExactly(Evidence evidence) {
        return pendingHashes.contains(evidence.hash());
    }

    /** Whether the chain committed evidence of this offence (within the max age). */
    public boolean isCommitted(String offence) {
        return committed.contains(offence);
    }

    /** Pending evidence for a block of {@code blockHeight}: of lower heights, oldest first, at most {@code max}. */
    public List<Evidence> forBlock(long blockHeight, int max) {
        List<Evidence> out = new ArrayList<>();
        for (Evidence e : pending.values()) {
            if (out.size() >= max) {
                break;
            }
            if (e.height() < blockHeight && !isExpired(e.height(), blockHeight)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every pending piece, oldest first: what a validator gossips. */
    public List<Evidence> pending() {
        return List.copyOf(pending.values());
    }

    public int pendingCount() {
        return pending.size();
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    /**
     * Block {@code height} was committed with {@code evidence}: its offences leave the pending list and are
     * remembered as committed; what is too old for the next block expires.
     *
     * @return whether the pending list changed (what a validator persists)
     */
    public boolean update(long height, List<Evidence> evidence) {
        int pendingBefore = pending.size();
        for (Evidence e : evidence) {
            String offence = e.offence();
            removePending(offence);
            if (committed.add(offence)) {
                committedByHeight.computeIfAbsent(e.height(), h -> new ArrayList<>()).add(offence);
            }
        }
        long next = height + 1;
        for (Iterator<Map.Entry<String, Evidence>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Evidence> entry = it.next();
            if (isExpired(entry.getValue().height(), next)) {
                pendingBytes -= pendingSizes.remove(entry.getKey());
                pendingHashes.remove(entry.getValue().hash());
                it.remove();
            }
        }
        while (!committedByHeight.isEmpty() && isExpired(committedByHeight.firstKey(), next)) {
            committed.removeAll(committedByHeight.pollFirstEntry().getValue());
        }
        return pending.size() != pendingBefore; // only removals happen here
    }

    private void removePending(String offence) {
        Evidence e = pending.remove(offence);
        if (e != null) {
            pendingBytes -= pendingSizes.remove(offence);
            pendingHashes.remove(e.hash());
        }
    }
}
