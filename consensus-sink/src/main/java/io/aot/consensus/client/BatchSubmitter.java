package io.aot.consensus.client;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.node.ValidatorClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Submits endorsed batches to the validator network until one validator accepts them: on a connection failure it
 * fails over to the next validator; on "mempool full" or "not yet replicated" it backs off (5 ms doubling to 500 ms)
 * and submits the same batch again; it gives up after {@code maxWait}. Submitting again is safe: validators dedupe by
 * transaction id, so at-least-once submission yields each transaction's effect once.
 *
 * <p>A validator acknowledges a batch only once f of its peers confirmed they hold it (f + 1 holders), so an
 * acknowledged batch survives the loss of any f validators and nothing needs to be sent again after a failover. (It
 * used to acknowledge as soon as the batch was in its own mempool: one killed right after that took the batch with it,
 * and this class had to resubmit its recent batches after every failover.)
 *
 * <p>The Flink ConsensusSink calls this from its writer. Not thread-safe: one submitter per writer.
 */
public final class BatchSubmitter implements AutoCloseable {

    static final long MIN_BACKOFF_MS = 5;
    static final long MAX_BACKOFF_MS = 500;

    private final String chainId;
    private final List<InetSocketAddress> validators;
    private final KeyPair endorser;
    private final Duration maxWait;
    private int current;
    private ValidatorClient client;
    private long failovers;
    private long retries;

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
                }
                ValidatorClient.SubmitResult r = client.submitBatch(txs, endorser);
                if (r.accepted()) {
                    return r;
                }
                if (!r.retryable()) {
                    throw new IOException("validator refused the batch with status " + r.status()
                            + " (bad endorsement or malformed): not retrying");
                }
                retries++;
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

    private void failOver() {
        closeQuietly();
        current = (current + 1) % validators.size();
        failovers++;
    }

    public long failovers() {
        return failovers;
    }

    /** Answers "mempool full" or "not yet replicated", each followed by the same batch again after a pause. */
    public long retries() {
        return retries;
    }

    /** Index (in the list given) of the validator batches go to now. */
    public int currentValidator() {
        return current;
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
