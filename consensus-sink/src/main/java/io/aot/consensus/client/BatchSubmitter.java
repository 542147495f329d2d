package io.aot.consensus.client;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.node.ValidatorClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Submits endorsed batches to the validator network until one validator accepts them: on a connection failure it
 * fails over to the next validator, on "mempool full" it backs off (5 ms doubling to 500 ms) and retries, and it gives
 * up after {@code maxWait}. Resubmitting after a failover is safe: validators dedupe by transaction id, so at-least-once
 * submission yields each transaction's effect once.
 *
 * <p>A validator acknowledges a batch once it is in its own mempool, before its gossip reaches the peers: a validator
 * lost right after an acknowledgement can take the batch with it (a CI run lost one batch of 30 that way). So the
 * batches acknowledged in the last {@link #RESUBMIT_WINDOW} (at most {@link #MAX_RECENT_BATCHES}) are resubmitted to
 * the next validator on every failover, before anything new; its mempool drops what it already holds or committed.
 *
 * <p>The Flink ConsensusSink calls this from its writer. Not thread-safe: one submitter per writer.
 */
public final class BatchSubmitter implements AutoCloseable {

    static final long MIN_BACKOFF_MS = 5;
    static final long MAX_BACKOFF_MS = 500;
    /** Far longer than gossip takes, and than a block takes to commit, on a healthy network. */
    static final Duration RESUBMIT_WINDOW = Duration.ofSeconds(10);
    static final int MAX_RECENT_BATCHES = 256;

    private record Acknowledged(List<byte[]> txs, long atNanos) {
    }

    private final String chainId;
    private final List<InetSocketAddress> validators;
    private final KeyPair endorser;
    private final Duration maxWait;
    private int current;
    private ValidatorClient client;
    private long failovers;
    private long fullRetries;
    private long resubmittedBatches;
    private final java.util.ArrayDeque<Acknowledged> recent = new java.util.ArrayDeque<>();

    public BatchSubmitter(String chainId, List<InetSocketAddress> validators, KeyPair endorser, Duration maxWait) {
        if (validators.isEmpty()) {
            throw new IllegalArgumentException("no validator to submit to");
        }
        this.chainId = chainId;
        this.validators = List.copyOf(validators);
        this.endorser = endorser;
        this.maxWait = maxWait;
    }

    /** Returns once a validator accepted the batch; throws if none did within {@code maxWait}. */
    public ValidatorClient.SubmitResult submit(List<byte[]> txs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long backoff = MIN_BACKOFF_MS;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (client == null) {
                    client = new ValidatorClient(chainId, validators.get(current));
                    if (failovers > 0) {
                        resubmitRecent(deadline);
                    }
                }
                ValidatorClient.SubmitResult r = client.submitBatch(txs, endorser);
                if (r.accepted()) {
                    remember(txs);
                    return r;
                }
                refuseUnlessFull(r);
                fullRetries++;
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().contains("not retrying")) {
                    throw e;
                }
                last = e;
                failOver();
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
        throw new IOException("no validator accepted the batch within " + maxWait, last);
    }

    /** The recently acknowledged batches, to the validator just connected to: each until it is accepted. */
    private void resubmitRecent(long deadline) throws IOException, InterruptedException {
        trimRecent();
        for (Acknowledged a : List.copyOf(recent)) {
            long backoff = MIN_BACKOFF_MS;
            ValidatorClient.SubmitResult r;
            while (!(r = client.submitBatch(a.txs(), endorser)).accepted()) {
                refuseUnlessFull(r);
                if (System.nanoTime() > deadline) {
                    throw new IOException("resubmitting recent batches after a failover took longer than " + maxWait);
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
            resubmittedBatches++;
        }
    }

    private static void refuseUnlessFull(ValidatorClient.SubmitResult r) throws IOException {
        if (!r.fullRetry()) {
            throw new IOException("validator refused the batch with status " + r.status()
                    + " (bad endorsement or malformed): not retrying");
        }
    }

    private void remember(List<byte[]> txs) {
        recent.addLast(new Acknowledged(txs, System.nanoTime()));
        trimRecent();
    }

    private void trimRecent() {
        long oldest = System.nanoTime() - RESUBMIT_WINDOW.toNanos();
        while (!recent.isEmpty() && (recent.size() > MAX_RECENT_BATCHES || recent.peekFirst().atNanos() < oldest)) {
            recent.removeFirst();
        }
    }

    private void failOver() {
        closeQuietly();
        current = (current + 1) % validators.size();
        failovers++;
    }

    public long failovers() {
        return failovers;
    }

    public long fullRetries() {
        return fullRetries;
    }

    /** Index (in the list given) of the validator batches go to now. */
    public int currentValidator() {
        return current;
    }

    /** Batches sent again to a new validator after failovers. */
    public long resubmittedBatches() {
        return resubmittedBatches;
    }

    private void closeQuietly() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // already broken
            }
            client = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
