package io.aot.jobs.ingest;

import io.aot.consensus.crypto.Ed25519Keys.KeyPair;
import io.aot.consensus.node.NodeConfig;
import io.aot.ledger.validation.PaymentLimits;
import io.aot.schemas.topics.Topic;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.api.java.utils.ParameterTool;

/**
 * Everything {@link LedgerIngestJob} reads from its program arguments ({@code --name value}), with defaults that fit
 * the local stack. {@code aot} and tests build it in code; {@code flink run} passes arguments.
 */
public record IngestSettings(
        String bootstrapServers,
        String terminalTopic,
        String chainTopic,
        String rejectedTopic,
        String consumerGroup,
        String chainId,
        List<String> validators,
        String endorserSeedHex,
        String cassandraContactPoint,
        String cassandraDatacenter,
        String ledgerKeyspace,
        String cassandraConsistency,
        int parallelism,
        long checkpointIntervalMs,
        int maxBatchTxs,
        long maxBatchBytes,
        Duration maxWaitPerBatch,
        int maxRecordBytes,
        long maxClockSkewMs,
        Duration dedupeTtl,
        long maxGapHoldMs,
        int maxHeldPerTerminal,
        Duration terminalCacheTtl,
        int maxCachedTerminals,
        String limits) implements Serializable {

    public IngestSettings {
        try {
            com.datastax.oss.driver.api.core.DefaultConsistencyLevel.valueOf(cassandraConsistency);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("--cassandra-consistency " + cassandraConsistency
                    + ": one of LOCAL_QUORUM, QUORUM, EACH_QUORUM, LOCAL_ONE, ONE, ALL");
        }
        validators = List.copyOf(validators);
        if (validators.isEmpty()) {
            throw new IllegalArgumentException("--validators host:port[,host:port...] is required");
        }
        if (parallelism < 1 || checkpointIntervalMs < 100 || maxRecordBytes < 1024) {
            throw new IllegalArgumentException("parallelism >= 1, checkpointIntervalMs >= 100, maxRecordBytes >= 1024");
        }
        PaymentLimits.parse(limits); // fail at submission, not in a task manager
    }

    public static IngestSettings fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        String seed = p.get("endorser-seed-hex", null);
        String keyFile = p.get("endorser-key", null);
        if (seed == null) {
            if (keyFile == null) {
                throw new IllegalArgumentException("--endorser-key FILE (or --endorser-seed-hex) is required");
            }
            try {
                KeyPair key = NodeConfig.readKey(Path.of(keyFile));
                seed = HexFormat.of().formatHex(key.seed());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read endorser key " + keyFile, e);
            }
        }
        IngestSettings settings = new IngestSettings(
                p.get("bootstrap-servers", "127.0.0.1:9092"),
                p.get("terminal-topic", Topic.TERMINAL_TX.baseName()),
                p.get("chain-topic", Topic.CHAIN_TX.baseName()),
                p.get("rejected-topic", Topic.TX_REJECTED.baseName()),
                p.get("group", "aot-ledger-ingest"),
                p.getRequired("chain-id"),
                Arrays.stream(p.getRequired("validators").split(",")).map(String::trim).toList(),
                seed,
                p.get("cassandra", "127.0.0.1:9042"),
                p.get("cassandra-datacenter", "datacenter1"),
                p.get("ledger-keyspace", "aot_ledger"),
                p.get("cassandra-consistency", "LOCAL_QUORUM"),
                p.getInt("parallelism", 2),
                p.getLong("checkpoint-interval-ms", 2_000),
                p.getInt("max-batch-txs", 2_000),
                p.getLong("max-batch-bytes", 4L << 20),
                Duration.ofMillis(p.getLong("max-wait-per-batch-ms", 60_000)),
                p.getInt("max-record-bytes", 64 * 1024),
                p.getLong("max-clock-skew-ms", 300_000),
                Duration.ofHours(p.getLong("dedupe-ttl-hours", 48)),
                p.getLong("max-gap-hold-ms", 5_000),
                p.getInt("max-held-per-terminal", 1_000),
                Duration.ofMillis(p.getLong("terminal-cache-ttl-ms", 10_000)),
                p.getInt("max-cached-terminals", 200_000),
                p.get("limits", "KRW=100000000,AOT=1000000000000000000000000,POINT=10000000,KLAY=0"));
        io.aot.jobs.deploy.JobArgs.refuseUnknown(p, "LedgerIngestJob");
        return settings;
    }
}
