package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Hash;
import java.util.BitSet;
import java.util.List;

/**
 * Proof that block {@code blockId} was committed at {@code height}: precommits for it in {@code round} from validators
 * holding more than two thirds of the voting power. Anyone who knows the validator set checks it offline
 * ({@link #verify}): the light-client check of receipts and of the Flink BlockSource.
 */
public record CommitCertificate(long height, int round, Hash blockId, List<Signature> signatures) {

    /** One validator's precommit signature. */
    public record Signature(int validatorIndex, byte[] signature) {
    }

    public CommitCertificate {
        signatures = List.copyOf(signatures);
    }

    /**
     * Signatures a verifier has already checked against the precommit message of a round (of the certificate's height
     * and block): as votes, or in an earlier certificate. Only the exact bytes from the same validator qualify.
     */
    @FunctionalInterface
    public interface CheckedSignatures {
        CheckedSignatures NONE = (round, s) -> false;

        boolean contains(int round, Signature signature);
    }

    /** What a block header commits to as its last commit: every field, every signature in order. */
    public Hash hash() {
        CanonicalWriter w = CanonicalWriter.domain("aot/commit/v1").i64(height).i32(round).hash(blockId)
                .i32(signatures.size());
        for (Signature s : signatures) {
            w.i32(s.validatorIndex()).bytes(s.signature());
        }
        return w.sha256();
    }

    /** Null if the certificate proves the commit; otherwise why not. */
    public String verify(String chainId, ValidatorSet validators, long expectedHeight, Hash expectedBlockId) {
        return verify(chainId, validators, expectedHeight, expectedBlockId, CheckedSignatures.NONE);
    }

    /**
     * As {@link #verify(String, ValidatorSet, long, Hash)}, without checking again the signatures in {@code checked}:
     * every other rule (height, block, known and distinct signers, more than 2/3 of the power) still applies.
     */
    public String verify(String chainId, ValidatorSet validators, long expectedHeight, Hash expectedBlockId,
            CheckedSignatures checked) {
        if (height != expectedHeight) {
            return "certificate is for height " + height + ", expected " + expectedHeight;
        }
        if (expectedBlockId != null && !expectedBlockId.equals(blockId)) {
            return "certificate is for block " + blockId.shortHex() + ", expected " + expectedBlockId.shortHex();
        }
        if (signatures.size() > validators.size()) {
            return "more signatures than validators";
        }
        byte[] message = Vote.signBytes(chainId, VoteType.PRECOMMIT, height, round, blockId);
        BitSet seen = new BitSet(validators.size());
        long power = 0;
        for (Signature s : signatures) {
            if (s.validatorIndex() < 0 || s.validatorIndex() >= validators.size()) {
                return "signature from unknown validator index " + s.validatorIndex();
            }
            if (seen.get(s.validatorIndex())) {
                return "two signatures from validator " + s.validatorIndex();
            }
            seen.set(s.validatorIndex());
            if (!checked.contains(round, s)
                    && !validators.get(s.validatorIndex()).publicKey().verify(message, s.signature())) {
                return "bad signature from validator " + s.validatorIndex();
            }
            power += validators.get(s.validatorIndex()).votingPower();
        }
        if (!validators.isQuorum(power)) {
            return "signers hold " + power + " of " + validators.totalPower() + " voting power, not more than 2/3";
        }
        return null;
    }
}
