package io.aot.consensus.engine;

import io.aot.consensus.evidence.EvidenceParams;

/**
 * Bounds and timing of one engine. {@code maxRoundsAhead}: messages for rounds further ahead than this are dropped, so
 * a faulty peer cannot make us compute proposers for round 2^31 or keep state for millions of rounds.
 * {@code synchrony}: the chain's PBTS bounds on block time (from genesis, the same on every validator).
 * {@code evidence}: the evidence max age (the same on every validator: it decides block validity) and pool bounds.
 */
public record EngineConfig(String chainId, TimeoutConfig timeouts, int maxBlockTxs, long maxBlockBytes,
        int maxBufferedFutureMessages, int maxRoundsAhead, SynchronyParams synchrony, EvidenceParams evidence) {

    /** With the default evidence bounds. */
    public EngineConfig(String chainId, TimeoutConfig timeouts, int maxBlockTxs, long maxBlockBytes,
            int maxBufferedFutureMessages, int maxRoundsAhead, SynchronyParams synchrony) {
        this(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead, synchrony,
                EvidenceParams.defaults());
    }

    public static EngineConfig defaults(String chainId) {
        return new EngineConfig(chainId, TimeoutConfig.defaults(), 10_000, 4L << 20, 10_000, 1_000,
                SynchronyParams.defaults());
    }

    public EngineConfig withTimeouts(TimeoutConfig t) {
        return new EngineConfig(chainId, t, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                synchrony, evidence);
    }

    public EngineConfig withSynchrony(SynchronyParams s) {
        return new EngineConfig(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                s, evidence);
    }

    public EngineConfig withEvidence(EvidenceParams e) {
        return new EngineConfig(chainId, timeouts, maxBlockTxs, maxBlockBytes, maxBufferedFutureMessages, maxRoundsAhead,
                synchrony, e);
    }
}
