package io.aot.consensus.types;

import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.crypto.Ed25519Keys.PublicKey;
import io.aot.consensus.crypto.Hash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The validators of a height, ordered by address, with CometBFT's proposer priorities: each round every validator's
 * priority grows by its power, the highest becomes proposer (ties to the lower address) and loses the total power. So
 * over many rounds each validator proposes in proportion to its power (weighted round-robin), deterministically.
 * Priorities start at 0 and their sum stays 0; with a fixed set they stay within +-total power * size.
 */
public final class ValidatorSet {

    /** Bound on validators: keeps vote sets, certificates and priority arithmetic small. */
    public static final int MAX_VALIDATORS = 150;
    /**
     * Bound on the total voting power, CometBFT's {@code MaxTotalVotingPower} (MaxInt64 / 8): quorum products
     * ({@code power * 3}) and proposer priorities (within +-2 total per validator) then never overflow a long.
     */
    public static final long MAX_TOTAL_VOTING_POWER = Long.MAX_VALUE / 8;

    private final List<Validator> validators;
    private final long[] priorities;
    private final long totalPower;
    private final Hash hash;

    private ValidatorSet(List<Validator> validators, long[] priorities) {
        this.validators = validators;
        this.priorities = priorities;
        long total = 0;
        for (Validator v : validators) {
            total += v.votingPower(); // each <= MAX_TOTAL_VOTING_POWER, at most 150: no overflow
        }
        if (total > MAX_TOTAL_VOTING_POWER) {
            throw new IllegalArgumentException("total voting power " + total + " above " + MAX_TOTAL_VOTING_POWER
                    + " (MaxInt64 / 8, as CometBFT bounds it)");
        }
        this.totalPower = total;
        CanonicalWriter w = CanonicalWriter.domain("aot/validator-set/v1").i32(validators.size());
        for (Validator v : validators) {
            w.bytes(v.publicKey().encoded()).i64(v.votingPower());
        }
        this.hash = w.sha256();
    }

    public static ValidatorSet of(List<Validator> validators) {
        if (validators.isEmpty() || validators.size() > MAX_VALIDATORS) {
            throw new IllegalArgumentException("a validator set has 1.." + MAX_VALIDATORS + " members, got "
                    + validators.size());
        }
        List<Validator> sorted = new ArrayList<>(validators);
        sorted.sort(Comparator.comparing(Validator::address));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).publicKey().equals(sorted.get(i - 1).publicKey())) {
                throw new IllegalArgumentException("duplicate validator " + sorted.get(i).address());
            }
        }
        return new ValidatorSet(List.copyOf(sorted), new long[sorted.size()]);
    }

    public int size() {
        return validators.size();
    }

    public Validator get(int index) {
        return validators.get(index);
    }

    public List<Validator> validators() {
        return validators;
    }

    /** Index of the validator with this key, or -1. */
    public int indexOf(PublicKey key) {
        for (int i = 0; i < validators.size(); i++) {
            if (validators.get(i).publicKey().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    public long totalPower() {
        return totalPower;
    }

    /**
     * More than two thirds of the total power: a quorum (2f+1 of 3f+1 equal validators). {@code power} is a sum of
     * distinct members' powers, so at most the total: both products stay below 3/8 of MaxInt64.
     */
    public boolean isQuorum(long power) {
        assert power >= 0 && power <= totalPower : "a sum of distinct members' powers";
        return power * 3 > totalPower * 2;
    }

    /** More than one third: at least one honest validator is among them (f+1). */
    public boolean isOneThirdPlus(long power) {
        assert power >= 0 && power <= totalPower : "a sum of distinct members' powers";
        return power * 3 > totalPower;
    }

    /** Commits to the members and powers (not the priorities), for block headers. */
    public Hash hash() {
        return hash;
    }

    /** Index of the proposer of round {@code round} of the height this set belongs to. */
    public int proposerIndex(int round) {
        if (round < 0) {
            throw new IllegalArgumentException("round " + round);
        }
        long[] p = priorities.clone();
        int proposer = -1;
        for (int r = 0; r <= round; r++) {
            proposer = incrementOnce(p);
        }
        return proposer;
    }

    /** The set for the next height: priorities advanced by one round, as CometBFT does after each commit. */
    public ValidatorSet forNextHeight() {
        long[] p = priorities.clone();
        incrementOnce(p);
        return new ValidatorSet(validators, p);
    }

    private int incrementOnce(long[] p) {
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] += validators.get(i).votingPower();
            if (p[i] > p[best]) {
                best = i; // strict: ties go to the lower index, which is the lower address
            }
        }
        p[best] -= totalPower;
        return best;
    }

    @Override
    public String toString() {
        return "ValidatorSet(" + validators.size() + " validators, power " + totalPower + ", " + hash.shortHex() + ")";
    }
}
