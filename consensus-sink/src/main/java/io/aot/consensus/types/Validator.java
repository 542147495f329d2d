package io.aot.consensus.types;

import io.aot.consensus.crypto.Ed25519Keys.PublicKey;

/** A member of the validator set: its consensus key and voting power. */
public record Validator(PublicKey publicKey, long votingPower) {
    public Validator {
        if (votingPower <= 0 || votingPower > ValidatorSet.MAX_TOTAL_VOTING_POWER) {
            throw new IllegalArgumentException("voting power must be 1.." + ValidatorSet.MAX_TOTAL_VOTING_POWER + ": "
                    + votingPower);
        }
    }

    public String address() {
        return publicKey.address();
    }
}
