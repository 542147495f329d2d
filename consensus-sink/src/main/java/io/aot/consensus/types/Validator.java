package io.aot.consensus.types;

import io.aot.consensus.crypto.Ed25519Keys.PublicKey;

/** A member of the validator set: its consensus key and voting power. */
public record Validator(PublicKey publicKey, long votingPower) {
    public Validator {
        if (votingPower <= 0) {
            throw new IllegalArgumentException("voting power must be positive: " + votingPower);
        }
    }

    public String address() {
        return publicKey.address();
    }
}
