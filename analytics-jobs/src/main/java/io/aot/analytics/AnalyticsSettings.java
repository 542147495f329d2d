package io.aot.analytics;

import io.aot.analytics.alert.AlertThresholds;
import io.aot.ledger.privacy.CustomerPseudonyms;
import io.aot.schemas.topics.Topic;
import java.io.Serializable;
import io.aot.jobs.deploy.JobArgs;
import org.apache.flink.api.java.utils.ParameterTool;

/**
 * Everything {@link MarketAnalyticsJob} is configured with. Time figures in event time unless named otherwise.
 *
 * @param pseudonymKey       {@code keyId:hexkey}, the HMAC key customer tokens are pseudonymized with
 * @param outOfOrdernessMs   how far behind the newest event of a Kafka partition an event may be and still be on time
 * @param allowedLatenessMs  how long after its window's end a late event still corrects the window's rows
 * @param flushEveryMs       processing time between two upserts of a changing row
 */
public record AnalyticsSettings(String bootstrapServers, String committedTopic, String consumerGroup,
        String rejectedTopic, String cassandraContactPoint, String keyspace, String pseudonymKey, long outOfOrdernessMs,
        long partitionIdleMs, long allowedLatenessMs, long flushEveryMs, int topK, AlertThresholds alerts,
        long checkpointIntervalMs, int parallelism, int maxRecordBytes) implements Serializable {

    /** For local runs only (--demo): a fixed, public key. A deployment passes its own with --pseudonym-key-file. */
    public static final String DEMO_PSEUDONYM_KEY = io.aot.ledger.privacy.CustomerPseudonyms.DEMO_KEY;

    public AnalyticsSettings {
        if (outOfOrdernessMs < 0 || allowedLatenessMs < 0 || flushEveryMs < 1 || partitionIdleMs < 1 || topK < 1
                || checkpointIntervalMs < 10 || parallelism < 1 || maxRecordBytes < 1) {
            throw new IllegalArgumentException("analytics settings out of range: " + this);
        }
    }

    /** Defaults for the local stack under the topic and keyspace base names. */
    static AnalyticsSettings local(String bootstrapServers, String cassandraContactPoint) {
        return new AnalyticsSettings(bootstrapServers, Topic.LEDGER_COMMITTED.baseName(), "aot-analytics",
                Topic.TX_REJECTED.baseName(), cassandraContactPoint, "aot_analytics", DEMO_PSEUDONYM_KEY, 60_000,
                60_000, 3_600_000, 1_000, 10, AlertThresholds.defaults(), 10_000, 2, Topic.MAX_MESSAGE_BYTES);
    }

    /**
     * {@code --bootstrap-servers --committed-topic --group --rejected-topic --cassandra --keyspace
     * --pseudonym-key-file ...}: the one way to configure the job, for {@code flink run} and for the demo and benchmark
     * that embed it. The pseudonym key is required and the public demo key refused unless {@code --demo} is given
     * ({@link CustomerPseudonyms#deploymentKey}). An option nothing asked for is refused, with the known ones
     * ({@link JobArgs}); the job's {@code main} reads {@code --alerts-topic} and {@code --cassandra-consistency} first.
     */
    public static AnalyticsSettings fromArgs(ParameterTool p) {
        AnalyticsSettings d = local(p.get("bootstrap-servers", "127.0.0.1:9092"), p.get("cassandra", "127.0.0.1:9042"));
        AlertThresholds a = d.alerts();
        AnalyticsSettings settings = new AnalyticsSettings(d.bootstrapServers(), p.get("committed-topic", d.committedTopic()),
                p.get("group", d.consumerGroup()), p.get("rejected-topic", d.rejectedTopic()),
                d.cassandraContactPoint(), p.get("keyspace", d.keyspace()),
                CustomerPseudonyms.deploymentKey(p.get("pseudonym-key"),
                        p.has("pseudonym-key-file") ? java.nio.file.Path.of(p.get("pseudonym-key-file")) : null,
                        p.has("demo")),
                p.getLong("out-of-orderness-ms", d.outOfOrdernessMs()),
                p.getLong("partition-idle-ms", d.partitionIdleMs()),
                p.getLong("allowed-lateness-ms", d.allowedLatenessMs()), p.getLong("flush-every-ms", d.flushEveryMs()),
                p.getInt("top-k", d.topK()),
                new AlertThresholds(p.getInt("velocity-max-payments", a.velocityMaxPayments()),
                        p.getLong("velocity-window-ms", a.velocityWindowMs()),
                        p.getDouble("distant-regions-km", a.distantRegionsKm()),
                        p.getLong("distant-regions-window-ms", a.distantRegionsWindowMs()),
                        p.getDouble("ticket-outlier-sigmas", a.ticketOutlierSigmas()),
                        p.getInt("ticket-min-samples", a.ticketMinSamples()),
                        p.getInt("terminal-max-per-minute", a.terminalMaxPerMinute())),
                p.getLong("checkpoint-interval-ms", d.checkpointIntervalMs()), p.getInt("parallelism", d.parallelism()),
                p.getInt("max-record-bytes", d.maxRecordBytes()));
        JobArgs.refuseUnknown(p, "MarketAnalyticsJob");
        return settings;
    }
}
