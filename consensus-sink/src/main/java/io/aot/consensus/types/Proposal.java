package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;

/**
 * PROPOSAL(h, r, v, vr) of the paper: the proposer of round r offers block v; {@code validRound} (vr) is the round in
 * which v got a polka, or -1. The signature covers the block id, not the block bytes.
 */
public record Proposal(long height, int round, int validRound, Block block, int proposerIndex, byte[] signature) {

    public static byte[] signBytes(String chainId, long height, int round, int validRound, Hash blockId) {
        return CanonicalWriter.domain("aot/proposal/v1").string(chainId).i64(height).i32(round).i32(validRound)
                .hash(blockId).toByteArray();
    }

    public byte[] signBytes(String chainId) {
        return signBytes(chainId, height, round, validRound, block.id());
    }

    @Override
    public String toString() {
        return "PROPOSAL(h=" + height + ", r=" + round + ", vr=" + validRound + ", " + block.id().shortHex() + ", v"
                + proposerIndex + ")";
    }
}
