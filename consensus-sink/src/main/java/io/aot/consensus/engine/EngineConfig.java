package io.aot.consensus.engine;

import io.aot.consensus.evidence.EvidenceParams;

/**
 * Bounds and timing of one engine. {@code maxRoundsAhead}: messages for rounds further ahead than this are dropped, so
 * a faulty peer cannot make us compute proposers for round 2^31 or keep state for millions of rounds.
 * {@code maxBufferedFutureMessages} and {@code maxBufferedFutureBytes}: next-height messages held before their
 * signatures can be checked, in items and in bytes (a proposal counts its transaction bytes and 1 KiB, a vote 256);
 * a validator process derives the bytes from its heap ({@code MemoryBudget}).
 * {@code synchrony}: the chain's PBTS bounds on block time (from genesis, the same on every validator).
 * {@code evidence}: the evidence max age (the same on every validator: it decides block validity) and pool bounds.
 */
public record EngineConfig(String chainId, TimeoutConfig timeouts, int maxBlockTxs, long maxBlockBytes,
        int maxBufferedFutureMessages, int maxRoundsAhead, SynchronyParams synchrony, EvidenceParams evidence,
        long maxBufferedFutureBytes) {

    /** Next-height bytes held when not told otherwise (the simulation, tests): a few full proposals and votes. */
    public static final long DEFAULT_MAX_BUFFERED_FUTURE_BYTES = 64L << 20;

    public EngineConfig {
        if (maxBufferedFutureBytes < 1) {
            throw new IllegalArgumentException("maxBufferedFutureBytes must be positive, got " + maxBufferedFutureBytes);
        }
    }

    /** With the default evidence bounds and next-height bytes. */
    public EngineConfig(String chainId, TimeoutConfig timeouts, int maxBlockTxs, long maxBlockBytes,
            int maxBufferedFutureMessages, int maxRoundsAhead, SynchronyParams synchrony) {
        this(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead, synchrony,
                EvidenceParams.defaults(), DEFAULT_MAX_BUFFERED_FUTURE_BYTES);
    }

    public static EngineConfig defaults(String chainId) {
        return new EngineConfig(chainId, TimeoutConfig.defaults(), 10_000, 4L << 20, 10_000, 1_000,
                SynchronyParams.defaults());
    }

    public EngineConfig withTimeouts(TimeoutConfig t) {
        return new EngineConfig(chainId, t, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                synchrony, evidence, maxBufferedFutureBytes);
    }

    public EngineConfig withSynchrony(SynchronyParams s) {
        return new EngineConfig(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                s, evidence, maxBufferedFutureBytes);
    }

    public EngineConfig withEvidence(EvidenceParams e) {
        return new EngineConfig(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                synchrony, e, maxBufferedFutureBytes);
    }

    public EngineConfig withMaxBufferedFutureBytes(long bytes) {
        return new EngineConfig(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                synchrony, evidence, bytes);
    }
}
