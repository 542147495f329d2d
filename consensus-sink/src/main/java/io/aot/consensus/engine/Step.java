package io.aot.consensus.engine;

/** Where a validator is within a height. NEW_HEIGHT: decided the previous height, waiting timeoutCommit. */
public enum Step {
    NEW_HEIGHT,
    PROPOSE,
    PREVOTE,
    PRECOMMIT
}
