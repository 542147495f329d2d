package io.aot.consensus.flink;

import io.aot.consensus.node.HostPort;
import io.aot.consensus.client.BatchSubmitter;
import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import io.aot.consensus.node.ValidatorClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink Sink V2 that commits transactions through the validators' consensus. Each writer collects transactions into
 * batches of at most {@code maxBatchTxs}, endorses each batch with the ingestion endorser key, and submits it with a
 * {@link BatchSubmitter} (fail-over between validators, back-off on "mempool full"). Submission is synchronous, so one
 * batch per writer is in flight and a full network back-pressures the job. {@link SinkWriter#flush} runs before every
 * checkpoint: the checkpoint completes only once every transaction before its barrier was accepted by a validator.
 * After a failure Flink replays from the last checkpoint, so some transactions are submitted twice; validators dedupe
 * by transaction id, and the ledger records a replay as {@code DUPLICATE_TX} without posting it again.
 */
public final class ConsensusSink implements Sink<byte[]> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConsensusSink.class);

    /** Where and how to submit. Serializable: shipped to the task managers with the job. */
    public record Settings(String chainId, List<String> validatorHostPorts, String endorserSeedHex, int maxBatchTxs,
            long maxBatchBytes, Duration maxWaitPerBatch) implements Serializable {
        public Settings {
            if (maxBatchTxs < 1 || maxBatchTxs > 10_000) {
                throw new IllegalArgumentException("maxBatchTxs 1..10000 (the RPC batch limit), got " + maxBatchTxs);
            }
            validatorHostPorts = List.copyOf(validatorHostPorts);
        }
    }

    private final Settings settings;

    public ConsensusSink(Settings settings) {
        this.settings = settings;
    }

    @Override
    @SuppressWarnings("deprecation") // Flink 1.20 still requires the InitContext variant
    public SinkWriter<byte[]> createWriter(InitContext context) {
        return new Writer(settings, context.metricGroup().counter("txRefusedAtAdmission"));
    }

    static final class Writer implements SinkWriter<byte[]> {
        private final Settings settings;
        private final BatchSubmitter submitter;
        private final List<byte[]> batch = new ArrayList<>();
        private long batchBytes;
        private final Counter refusedAtAdmission;

        Writer(Settings settings, Counter refusedAtAdmission) {
            this.settings = settings;
            this.refusedAtAdmission = refusedAtAdmission;
            List<InetSocketAddress> addresses = settings.validatorHostPorts().stream().map(HostPort::parse).toList();
            this.submitter = new BatchSubmitter(settings.chainId(), addresses,
                    KeyPair.fromSeed(HexFormat.of().parseHex(settings.endorserSeedHex())), settings.maxWaitPerBatch());
        }

        @Override
        public void write(byte[] tx, Context context) throws IOException, InterruptedException {
            if (!batch.isEmpty() && (batch.size() >= settings.maxBatchTxs()
                    || batchBytes + tx.length > settings.maxBatchBytes())) {
                submitBatch();
            }
            batch.add(tx);
            batchBytes += tx.length;
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            if (!batch.isEmpty()) {
                submitBatch();
            }
        }

        private void submitBatch() throws IOException, InterruptedException {
            ValidatorClient.SubmitResult result = submitter.submit(List.copyOf(batch));
            if (result.rejected() > 0) {
                // Admission refuses only bytes that decode to no transaction, which the ingest job never forwards:
                // a refusal here is recorded in no block, so it is counted and logged, never silent.
                refusedAtAdmission.inc(result.rejected());
                LOG.warn("validators refused {} of {} transactions at admission: not recorded in any block",
                        result.rejected(), batch.size());
            }
            batch.clear();
            batchBytes = 0;
        }

        @Override
        public void close() {
            submitter.close();
        }
    }
}
