package io.aot.consensus.types;

/** The two voting steps of a Tendermint round. */
public enum VoteType {
    PREVOTE(1),
    PRECOMMIT(2);

    private final int code;

    VoteType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
