package io.aot.ads;

import io.aot.ads.segment.PublicationFunction;
import io.aot.schemas.topics.Topic;
import java.io.Serializable;
import io.aot.jobs.deploy.JobArgs;
import org.apache.flink.api.java.utils.ParameterTool;

/**
 * Everything {@link AudienceJob} is configured with; {@link #fromArgs} is the one way to set it.
 *
 * @param pseudonymKey       {@code keyId:hexkey}: the HMAC key customer tokens become pseudonyms under (docs: rotation)
 * @param segmentsFile       the segment definitions (JSON), watched for changes every {@code definitionPollMs}
 * @param k                  minimum members of a published segment (default 100, never below 50)
 * @param profileTtlDays     event-time days without activity after which a profile is dropped
 * @param quintilesEveryMs   processing time between two publications of the RFM quintiles (each re-scores everyone)
 * @param checkpointDir      where checkpoints go ({@code file:///...}); null leaves it to the cluster's
 *                           {@code state.checkpoints.dir}. Profiles outgrow the JobManager's 5 MB in-memory default
 *                           at a few thousand customers per task.
 */
public record AudienceSettings(String bootstrapServers, String committedTopic, String optOutTopic, String segmentsTopic,
        String rejectedTopic, String consumerGroup, String cassandraContactPoint, String keyspace, String pseudonymKey,
        String segmentsFile, int k, int profileTtlDays, long outOfOrdernessMs, long partitionIdleMs,
        long quintilesEveryMs, long statusEveryMs, long definitionPollMs, long checkpointIntervalMs, String checkpointDir,
        int parallelism, int maxRecordBytes) implements Serializable {

    /** For local runs only (--demo): the same public key as the analytics demo. A deployment passes its own. */
    public static final String DEMO_PSEUDONYM_KEY = io.aot.ledger.privacy.CustomerPseudonyms.DEMO_KEY;

    public AudienceSettings {
        if (k < PublicationFunction.MIN_K) {
            throw new IllegalArgumentException("--k " + k + ": a published segment needs at least "
                    + PublicationFunction.MIN_K + " members (default " + PublicationFunction.DEFAULT_K + ")");
        }
        if (segmentsFile == null) {
            throw new IllegalArgumentException("--segments FILE is required (the segment definitions)");
        }
        if (outOfOrdernessMs < 0 || partitionIdleMs < 1 || quintilesEveryMs < 1 || statusEveryMs < 1
                || definitionPollMs < 1 || checkpointIntervalMs < 10 || parallelism < 1 || maxRecordBytes < 1) {
            throw new IllegalArgumentException("audience settings out of range: " + this);
        }
    }

    public static AudienceSettings fromArgs(ParameterTool p) {
        AudienceSettings settings = new AudienceSettings(p.get("bootstrap-servers", "127.0.0.1:9092"),
                p.get("committed-topic", Topic.LEDGER_COMMITTED.baseName()),
                p.get("opt-out-topic", Topic.ADS_OPT_OUT.baseName()),
                p.get("segments-topic", Topic.AUDIENCE_SEGMENTS.baseName()),
                p.get("rejected-topic", Topic.TX_REJECTED.baseName()), p.get("group", "aot-audience"),
                p.get("cassandra", "127.0.0.1:9042"), p.get("keyspace", "aot_ads"),
                io.aot.ledger.privacy.CustomerPseudonyms.deploymentKey(p.get("pseudonym-key"),
                        p.has("pseudonym-key-file") ? java.nio.file.Path.of(p.get("pseudonym-key-file")) : null,
                        p.has("demo")),
                p.get("segments"),
                p.getInt("k", PublicationFunction.DEFAULT_K), p.getInt("profile-ttl-days", 180),
                p.getLong("out-of-orderness-ms", 60_000), p.getLong("partition-idle-ms", 60_000),
                p.getLong("quintiles-every-ms", 10_000), p.getLong("status-every-ms", 1_000),
                p.getLong("definition-poll-ms", 2_000), p.getLong("checkpoint-interval-ms", 10_000),
                p.get("checkpoint-dir"), p.getInt("parallelism", 2), p.getInt("max-record-bytes", Topic.MAX_MESSAGE_BYTES));
        JobArgs.refuseUnknown(p, "AudienceJob");
        return settings;
    }
}
