package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;
import java.util.Comparator;
import java.util.Objects;

/**
 * Two votes one validator signed for the same height, round and type but different blocks (nil counts as a block id):
 * CometBFT's {@code DuplicateVoteEvidence}. The votes are in canonical order, by block id with nil first, so one pair
 * has one encoding and one hash.
 */
public record DuplicateVoteEvidence(Vote voteA, Vote voteB) implements Evidence {

    private static final Comparator<Hash> BLOCK_ID_ORDER = Comparator.nullsFirst(Comparator.naturalOrder());

    public DuplicateVoteEvidence {
        Objects.requireNonNull(voteA, "voteA");
        Objects.requireNonNull(voteB, "voteB");
    }

    /** The two votes in canonical order; {@link #verify} says whether they prove anything. */
    public static DuplicateVoteEvidence of(Vote first, Vote second) {
        return BLOCK_ID_ORDER.compare(first.blockId(), second.blockId()) <= 0
                ? new DuplicateVoteEvidence(first, second) : new DuplicateVoteEvidence(second, first);
    }

    @Override
    public long height() {
        return voteA.height();
    }

    @Override
    public int validatorIndex() {
        return voteA.validatorIndex();
    }

    @Override
    public String offence() {
        return "duplicate-vote/" + voteA.validatorIndex() + "/" + voteA.height() + "/" + voteA.round() + "/"
                + voteA.type();
    }

    @Override
    public byte[] canonicalBytes() {
        CanonicalWriter w = CanonicalWriter.domain("aot/evidence/duplicate-vote/v1");
        for (Vote v : new Vote[] {voteA, voteB}) {
            w.u8(v.type().code()).i64(v.height()).i32(v.round()).optionalHash(v.blockId()).i32(v.validatorIndex())
                    .bytes(v.signature());
        }
        return w.toByteArray();
    }

    /** CometBFT's VerifyDuplicateVote: same validator, height, round and type; distinct blocks; both signatures. */
    @Override
    public String verify(String chainId, ValidatorSet validators) {
        if (voteA.height() != voteB.height() || voteA.round() != voteB.round() || voteA.type() != voteB.type()) {
            return "votes differ in height, round or type: " + voteA + " and " + voteB;
        }
        if (voteA.validatorIndex() != voteB.validatorIndex()) {
            return "votes of two validators: " + voteA.validatorIndex() + " and " + voteB.validatorIndex();
        }
        if (BLOCK_ID_ORDER.compare(voteA.blockId(), voteB.blockId()) >= 0) {
            return Objects.equals(voteA.blockId(), voteB.blockId()) ? "both votes are for the same block"
                    : "votes not in canonical order";
        }
        int i = voteA.validatorIndex();
        if (i < 0 || i >= validators.size()) {
            return "unknown validator index " + i;
        }
        Validator v = validators.get(i);
        if (!v.publicKey().verify(voteA.signBytes(chainId), voteA.signature())) {
            return "bad signature on vote A of validator " + i;
        }
        if (!v.publicKey().verify(voteB.signBytes(chainId), voteB.signature())) {
            return "bad signature on vote B of validator " + i;
        }
        return null;
    }

    @Override
    public String toString() {
        return "DuplicateVoteEvidence(" + voteA + ", " + voteB + ")";
    }
}
