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

    /**
     * The vote whose sign bytes these are ({@link #signBytes(String, VoteType, long, int, Hash)} of {@code chainId}),
     * with the validator and signature given; null when the bytes are not a vote of that chain (a proposal, say).
     */
    public static Vote fromSignBytes(String chainId, byte[] signBytes, int validatorIndex, byte[] signature) {
        try {
            io.aot.consensus.codec.CanonicalReader r = new io.aot.consensus.codec.CanonicalReader(signBytes);
            if (!"aot/vote/v1".equals(r.string(64)) || !chainId.equals(r.string(256))) {
                return null;
            }
            int code = r.u8();
            VoteType type = code == VoteType.PREVOTE.code() ? VoteType.PREVOTE
                    : code == VoteType.PRECOMMIT.code() ? VoteType.PRECOMMIT : null;
            long height = r.i64();
            int round = r.i32();
            Hash blockId = r.optionalHash();
            r.expectEnd();
            return type == null ? null : new Vote(type, height, round, blockId, validatorIndex, signature.clone());
        } catch (io.aot.consensus.codec.CanonicalReader.MalformedException e) {
            return null;
        }
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
