package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;

/** A signed prevote or precommit; {@code blockId} null means a vote for nil. */
public record Vote(VoteType type, long height, int round, Hash blockId, int validatorIndex, byte[] signature) {

    public boolean isNil() {
        return blockId == null;
    }

    /** What the validator signs; the chain id keeps a vote of one chain from counting on another. */
    public static byte[] signBytes(String chainId, VoteType type, long height, int round, Hash blockId) {
        return CanonicalWriter.domain("aot/vote/v1").string(chainId).u8(type.code()).i64(height).i32(round)
                .optionalHash(blockId).toByteArray();
    }

    public byte[] signBytes(String chainId) {
        return signBytes(chainId, type, height, round, blockId);
    }

    @Override
    public String toString() {
        return type + "(h=" + height + ", r=" + round + ", " + (blockId == null ? "nil" : blockId.shortHex())
                + ", v" + validatorIndex + ")";
    }
}
