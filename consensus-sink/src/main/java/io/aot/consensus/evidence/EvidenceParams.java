package io.aot.consensus.evidence;

/**
 * Bounds on evidence, the same on every validator where they decide block validity. {@code maxAgeHeights}: evidence
 * of height e may be in a block of height h only while {@code h - e <= maxAgeHeights} (CometBFT's
 * {@code MaxAgeNumBlocks}; heights only, no duration, since block times here are bounded by PBTS anyway). Older
 * evidence expires from the pool and is refused in blocks, so the pool's memory of committed offences is bounded by
 * {@code maxAgeHeights * Evidence.MAX_PER_BLOCK}. {@code maxPendingItems} and {@code maxPendingBytes}: the pool's bound
 * on evidence waiting for a block, in pieces and in canonical bytes; a validator's own choice.
 */
public record EvidenceParams(long maxAgeHeights, int maxPendingItems, long maxPendingBytes) {

    public EvidenceParams {
        if (maxAgeHeights < 1 || maxPendingItems < 1 || maxPendingBytes < 1) {
            throw new IllegalArgumentException("evidence bounds must be positive: " + maxAgeHeights + " heights, "
                    + maxPendingItems + " items, " + maxPendingBytes + " bytes");
        }
    }

    /** 1,000 heights (about 17 minutes at a block a second), 1,000 pending pieces, 256 KiB. */
    public static EvidenceParams defaults() {
        return new EvidenceParams(1_000, 1_000, 256L << 10);
    }
}
