package io.aot.consensus.engine;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.CommitCertificate;
import io.aot.consensus.types.ValidatorSet;
import io.aot.consensus.types.Vote;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The votes of one type in one round of one height, with the voting power behind each block id and behind nil.
 *
 * <p>A validator that votes twice differently is faulty (equivocation, reported). Its first vote always counts; a
 * conflicting one counts too when the caller asks for it, for a block some proposal of this height offers, because
 * the paper counts messages per value: "2f+1 PREVOTE(h, r, id(v))" holds if that many validators sent that vote, even
 * if some also sent another. Without it, honest validators that saw a Byzantine vote in different orders could never
 * agree that a polka happened, and a lock taken on it would never be matched (CometBFT solves the same problem with
 * its peer "maj23" claims). Safety is unaffected: two quorums still intersect in an honest validator, who votes once.
 * Each validator holds at most 1 + {@link #MAX_CONFLICTING_PER_VALIDATOR} votes here.
 */
final class VoteSet {

    enum AddResult { ADDED, DUPLICATE, CONFLICTING_COUNTED, CONFLICTING_IGNORED }

    static final int MAX_CONFLICTING_PER_VALIDATOR = 8;

    /** Key standing for nil in the power map. */
    private static final Hash NIL = Hash.ZERO;

    private final ValidatorSet validators;
    private final List<List<Vote>> byValidator;
    private final Map<Hash, BitSet> votersByBlock = new HashMap<>();
    private final BitSet voters;

    VoteSet(ValidatorSet validators) {
        this.validators = validators;
        this.byValidator = new ArrayList<>(validators.size());
        for (int i = 0; i < validators.size(); i++) {
            byValidator.add(null);
        }
        this.voters = new BitSet(validators.size());
    }

    /** True if this validator already voted for exactly this block id (or nil). */
    boolean has(int validatorIndex, Hash blockId) {
        List<Vote> votes = byValidator.get(validatorIndex);
        if (votes == null) {
            return false;
        }
        for (Vote v : votes) {
            if (Objects.equals(v.blockId(), blockId)) {
                return true;
            }
        }
        return false;
    }

    /** This validator's first vote here for another block than {@code vote}'s, or null: the other half of evidence. */
    Vote conflictingWith(Vote vote) {
        List<Vote> votes = byValidator.get(vote.validatorIndex());
        if (votes != null) {
            for (Vote v : votes) {
                if (!Objects.equals(v.blockId(), vote.blockId())) {
                    return v;
                }
            }
        }
        return null;
    }

    /** @param countIfConflicting whether a second, different vote of the validator may count (see the class doc) */
    AddResult add(Vote vote, boolean countIfConflicting) {
        int i = vote.validatorIndex();
        List<Vote> votes = byValidator.get(i);
        if (votes != null) {
            if (has(i, vote.blockId())) {
                return AddResult.DUPLICATE;
            }
            if (!countIfConflicting || votes.size() > MAX_CONFLICTING_PER_VALIDATOR) {
                return AddResult.CONFLICTING_IGNORED;
            }
            votes.add(vote);
            votersByBlock.computeIfAbsent(key(vote.blockId()), k -> new BitSet()).set(i);
            return AddResult.CONFLICTING_COUNTED;
        }
        votes = new ArrayList<>(1);
        votes.add(vote);
        byValidator.set(i, votes);
        voters.set(i);
        votersByBlock.computeIfAbsent(key(vote.blockId()), k -> new BitSet()).set(i);
        return AddResult.ADDED;
    }

    /** 2f+1 votes of any kind (the paper's {@code PREVOTE(h, r, *)}): distinct validators. */
    boolean hasQuorumAny() {
        return validators.isQuorum(power(voters));
    }

    boolean hasQuorumFor(Hash blockId) {
        BitSet set = votersByBlock.get(key(blockId));
        return set != null && validators.isQuorum(power(set));
    }

    boolean hasQuorumNil() {
        return hasQuorumFor(null);
    }

    /** The block id, not nil, that has 2f+1, if any (at most one can, with at most f faulty). */
    Optional<Hash> quorumBlock() {
        for (var e : votersByBlock.entrySet()) {
            if (!e.getKey().equals(NIL) && validators.isQuorum(power(e.getValue()))) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    List<Vote> votes() {
        List<Vote> all = new ArrayList<>();
        for (List<Vote> votes : byValidator) {
            if (votes != null) {
                all.addAll(votes);
            }
        }
        return all;
    }

    List<CommitCertificate.Signature> signaturesFor(Hash blockId) {
        List<CommitCertificate.Signature> sigs = new ArrayList<>();
        for (List<Vote> votes : byValidator) {
            if (votes == null) {
                continue;
            }
            for (Vote v : votes) {
                if (blockId.equals(v.blockId())) {
                    sigs.add(new CommitCertificate.Signature(v.validatorIndex(), v.signature()));
                }
            }
        }
        return sigs;
    }

    private long power(BitSet members) {
        long power = 0;
        for (int i = members.nextSetBit(0); i >= 0; i = members.nextSetBit(i + 1)) {
            power += validators.get(i).votingPower();
        }
        return power;
    }

    private static Hash key(Hash blockId) {
        return blockId == null ? NIL : blockId;
    }
}
