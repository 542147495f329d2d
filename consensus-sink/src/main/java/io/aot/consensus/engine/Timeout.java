package io.aot.consensus.engine;

/** A timeout the engine asked for; delivered back to {@link TendermintEngine#onTimeout}. */
public record Timeout(long height, int round, Step step) {
}
