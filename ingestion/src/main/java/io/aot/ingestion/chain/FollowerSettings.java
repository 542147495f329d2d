package io.aot.ingestion.chain;

import java.time.Duration;

/**
 * How a chain follower runs. Every bound has its unit in the name.
 *
 * @param fromBlock          where to start when the follower has no position yet (-1: the current head)
 * @param confirmations      blocks that must be on top of a block before it is published (Klaytn's finality is
 *                           immediate, so 0 is safe there; kept for nodes behind a load balancer that may lag)
 * @param maxBlocksPerCommit blocks per Kafka transaction (the transfers and the position move together)
 */
public record FollowerSettings(String followerId, long chainId, String tokenContract, long fromBlock, int confirmations,
        int maxBlocksPerCommit, long pollIntervalMs, long retryInitialMs, long retryMaxMs) {

    public FollowerSettings {
        if (confirmations < 0 || maxBlocksPerCommit < 1 || pollIntervalMs < 1 || retryInitialMs < 1
                || retryMaxMs < retryInitialMs) {
            throw new IllegalArgumentException("follower bounds must be positive (retryMaxMs >= retryInitialMs)");
        }
    }

    public static FollowerSettings of(long chainId, String tokenContract, long fromBlock, int confirmations) {
        return new FollowerSettings(chainId + ":" + tokenContract.toLowerCase(), chainId, tokenContract, fromBlock,
                confirmations, 100, 1_000, 200, 30_000);
    }

    public FollowerSettings withPolling(Duration poll, Duration retryInitial, Duration retryMax) {
        return new FollowerSettings(followerId, chainId, tokenContract, fromBlock, confirmations, maxBlocksPerCommit,
                poll.toMillis(), retryInitial.toMillis(), retryMax.toMillis());
    }

    public FollowerSettings withMaxBlocksPerCommit(int n) {
        return new FollowerSettings(followerId, chainId, tokenContract, fromBlock, confirmations, n, pollIntervalMs,
                retryInitialMs, retryMaxMs);
    }
}
