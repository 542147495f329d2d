package io.aot.consensus.engine;

/**
 * Timeouts grow linearly with the round, so that after the network stabilizes some round is long enough for an
 * honest proposer's block to gather its votes (the paper's partial-synchrony argument). {@code commitMs} is waited
 * after a decision before the next height starts, to let late precommits and more transactions arrive.
 */
public record TimeoutConfig(long proposeMs, long proposeDeltaMs, long prevoteMs, long prevoteDeltaMs, long precommitMs,
        long precommitDeltaMs, long commitMs) {

    public static TimeoutConfig defaults() {
        return new TimeoutConfig(1000, 500, 500, 250, 500, 250, 100);
    }

    public long proposeMs(int round) {
        return proposeMs + proposeDeltaMs * round;
    }

    public long prevoteMs(int round) {
        return prevoteMs + prevoteDeltaMs * round;
    }

    public long precommitMs(int round) {
        return precommitMs + precommitDeltaMs * round;
    }
}
