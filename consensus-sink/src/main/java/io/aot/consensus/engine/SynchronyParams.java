package io.aot.consensus.engine;

/**
 * The synchrony bounds of proposer-based timestamps (PBTS, CometBFT v1's {@code SynchronyParams}; ADR-071): a block's
 * time is the proposer's clock, and a validator prevotes a new proposal (valid round -1, not locked) only if it is
 * timely: {@code receiveTime - precisionMs - messageDelayMs(round) <= blockTime <= receiveTime + precisionMs}. So with
 * honest clocks within {@code precisionMs} of each other, a decided block's time is within those bounds of real time,
 * and a Byzantine proposer cannot push block time to the far future (which froze it: the next block must be later) or
 * to an overflow. Chain-wide values, from genesis.
 *
 * @param precisionMs    bound on the difference between two honest validators' clocks
 * @param messageDelayMs bound on a proposal's end-to-end delay in round 0; it grows by 10 % per round, as CometBFT's
 *                       does, so that a value set too small costs rounds, not liveness
 */
public record SynchronyParams(long precisionMs, long messageDelayMs) {

    /** Loopback and a LAN: clocks kept by NTP within half a second, proposals delivered within 3 s. */
    public static SynchronyParams defaults() {
        return new SynchronyParams(500, 3_000);
    }

    public SynchronyParams {
        if (precisionMs < 0 || precisionMs > 3_600_000 || messageDelayMs < 0 || messageDelayMs > 3_600_000) {
            throw new IllegalArgumentException("precision and message delay are 0..3600000 ms, got " + precisionMs
                    + " and " + messageDelayMs);
        }
    }

    /** The message delay bound of {@code round}: +10 % per round, capped at 10x so that the arithmetic stays small. */
    public long messageDelayMs(int round) {
        return messageDelayMs * (10 + Math.min(round, 90)) / 10;
    }

    /** PBTS's timeliness of a block time, against this validator's clock when the proposal arrived. */
    public boolean isTimely(long blockTimeMs, long receivedAtMs, int round) {
        return blockTimeMs <= receivedAtMs + precisionMs
                && blockTimeMs >= receivedAtMs - precisionMs - messageDelayMs(round);
    }
}
