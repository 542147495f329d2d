package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;
import java.util.Comparator;
import java.util.Objects;

/**
 * Two proposals one validator signed for the same height and round that differ in block or valid round. An honest
 * proposer signs one proposal per round (its signer guard refuses a second), so two are an equivocation. CometBFT only
 * ignores a second proposal; here it is evidence like a duplicate vote, since a proposer that sends different blocks
 * to different peers splits the round just as well. Only what the signatures cover is kept, not the blocks.
 */
public record DuplicateProposalEvidence(long height, int round, int proposerIndex, Signed proposalA, Signed proposalB)
        implements Evidence {

    /** What one proposal's signature covers besides height and round: {@link Proposal#signBytes}. */
    public record Signed(int validRound, Hash blockId, byte[] signature) {
        public Signed {
            Objects.requireNonNull(blockId, "blockId");
            Objects.requireNonNull(signature, "signature");
        }

        boolean sameAs(Signed o) {
            return validRound == o.validRound && blockId.equals(o.blockId);
        }
    }

    private static final Comparator<Signed> ORDER = Comparator.comparing(Signed::blockId)
            .thenComparingInt(Signed::validRound);

    public DuplicateProposalEvidence {
        Objects.requireNonNull(proposalA, "proposalA");
        Objects.requireNonNull(proposalB, "proposalB");
    }

    /** Both proposals (same height and round assumed; {@link #verify} checks everything) in canonical order. */
    public static DuplicateProposalEvidence of(Proposal first, Proposal second) {
        Signed a = new Signed(first.validRound(), first.block().id(), first.signature());
        Signed b = new Signed(second.validRound(), second.block().id(), second.signature());
        return ORDER.compare(a, b) <= 0 ? new DuplicateProposalEvidence(first.height(), first.round(),
                first.proposerIndex(), a, b)
                : new DuplicateProposalEvidence(first.height(), first.round(), first.proposerIndex(), b, a);
    }

    @Override
    public int validatorIndex() {
        return proposerIndex;
    }

    @Override
    public String offence() {
        return "duplicate-proposal/" + proposerIndex + "/" + height + "/" + round;
    }

    @Override
    public byte[] canonicalBytes() {
        CanonicalWriter w = CanonicalWriter.domain("aot/evidence/duplicate-proposal/v1").i64(height).i32(round)
                .i32(proposerIndex);
        for (Signed s : new Signed[] {proposalA, proposalB}) {
            w.i32(s.validRound()).hash(s.blockId()).bytes(s.signature());
        }
        return w.toByteArray();
    }

    @Override
    public String verify(String chainId, ValidatorSet validators) {
        if (height < 1 || round < 0) {
            return "height " + height + " round " + round;
        }
        for (Signed s : new Signed[] {proposalA, proposalB}) {
            if (s.validRound() < -1 || s.validRound() >= round) {
                return "valid round " + s.validRound() + " outside -1.." + (round - 1);
            }
        }
        if (proposalA.sameAs(proposalB)) {
            return "both proposals are the same";
        }
        if (ORDER.compare(proposalA, proposalB) > 0) {
            return "proposals not in canonical order";
        }
        if (proposerIndex < 0 || proposerIndex >= validators.size()) {
            return "unknown validator index " + proposerIndex;
        }
        Validator v = validators.get(proposerIndex);
        if (!v.publicKey().verify(signBytes(chainId, proposalA), proposalA.signature())) {
            return "bad signature on proposal A of validator " + proposerIndex;
        }
        if (!v.publicKey().verify(signBytes(chainId, proposalB), proposalB.signature())) {
            return "bad signature on proposal B of validator " + proposerIndex;
        }
        return null;
    }

    private byte[] signBytes(String chainId, Signed s) {
        return Proposal.signBytes(chainId, height, round, s.validRound(), s.blockId());
    }

    @Override
    public String toString() {
        return "DuplicateProposalEvidence(h=" + height + ", r=" + round + ", v" + proposerIndex + ", "
                + proposalA.blockId().shortHex() + "/vr" + proposalA.validRound() + " vs "
                + proposalB.blockId().shortHex() + "/vr" + proposalB.validRound() + ")";
    }
}
