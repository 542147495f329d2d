package io.aot.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Collection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the catalog's topics idempotently: existing topics are left alone and checked, missing ones created. */
public final class TopicAdmin {

    /**
     * Broker topic configs since Kafka 3.6 (the brokers here run 4.1); the kafka-clients the Flink connector pins has
     * no constant for them.
     */
    static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";

    /** What happened to one topic. */
    public record Outcome(String topic, boolean created, int partitions) {
    }

    private TopicAdmin() {
    }

    public static NewTopic newTopic(Topic topic, String namespace, short replicationFactor) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG,
                topic.retention() == null ? "-1" : Long.toString(topic.retention().toMillis()));
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topic.MAX_MESSAGE_BYTES));
        // Acknowledged writes survive one broker loss wherever there are brokers to spare.
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, replicationFactor >= 3 ? "2" : "1");
        configs.putAll(timestampConfigs(topic));
        return new NewTopic(topic.nameIn(namespace), topic.partitions(), replicationFactor).configs(configs);
    }

    /**
     * The record-timestamp settings of a catalog topic (see {@link Topic#producerTimed()}): they decide when retention
     * deletes a record, so {@link #ensureTopics} also applies them to topics that already exist.
     */
    public static Map<String, String> timestampConfigs(Topic topic) {
        Map<String, String> configs = new LinkedHashMap<>();
        if (topic.producerTimed()) {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
            configs.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                    Long.toString(Topic.MAX_RECORD_TIMESTAMP_AGE.toMillis()));
            configs.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                    Long.toString(Topic.MAX_RECORD_TIMESTAMP_LEAD.toMillis()));
        } else {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        return configs;
    }

    /**
     * Creates every catalog topic in the namespace that does not exist yet, and sets the catalog's record-timestamp
     * configs ({@link #timestampConfigs}) on the ones that do.
     */
    public static List<Outcome> ensureTopics(Admin admin, String namespace, short replicationFactor, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        Map<String, NewTopic> wanted = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            NewTopic t = newTopic(topic, namespace, replicationFactor);
            wanted.put(t.name(), t);
        }
        var result = admin.createTopics(wanted.values(),
                new CreateTopicsOptions().timeoutMs((int) Math.max(1, timeout.toMillis())));
        Map<String, Boolean> created = new LinkedHashMap<>();
        for (String name : wanted.keySet()) {
            try {
                result.values().get(name).get(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
                created.put(name, true);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
                }
                created.put(name, false);
            }
        }
        Map<String, TopicDescription> described = describeWhenVisible(admin, wanted.keySet(), deadlineNanos);
        List<Outcome> outcomes = new ArrayList<>();
        for (var entry : created.entrySet()) {
            int partitions = described.get(entry.getKey()).partitions().size();
            int expected = wanted.get(entry.getKey()).numPartitions();
            if (partitions < expected) {
                throw new IllegalStateException("topic " + entry.getKey() + " exists with " + partitions
                        + " partitions, the catalog wants " + expected + ": add partitions before deploying");
            }
            outcomes.add(new Outcome(entry.getKey(), entry.getValue(), partitions));
        }
        Map<ConfigResource, Collection<AlterConfigOp>> timestamps = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            String name = topic.nameIn(namespace);
            if (!created.get(name)) {
                timestamps.put(new ConfigResource(ConfigResource.Type.TOPIC, name),
                        timestampConfigs(topic).entrySet().stream().map(e -> new AlterConfigOp(
                                new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList());
            }
        }
        if (!timestamps.isEmpty()) {
            try {
                admin.incrementalAlterConfigs(timestamps).all().get(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot set the record-timestamp configs of existing topics: "
                        + e.getCause(), e);
            }
        }
        return outcomes;
    }

    /** A topic just created can take a moment to reach the broker's metadata cache: retry until the deadline. */
    private static Map<String, TopicDescription> describeWhenVisible(Admin admin, java.util.Collection<String> names,
            long deadlineNanos) throws InterruptedException, TimeoutException {
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames()
                        .get(remainingNanos(deadlineNanos), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topics: " + e.getCause(), e);
                }
                Thread.sleep(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadlineNanos)))));
            }
        }
    }

    private static long remainingNanos(long deadlineNanos) throws TimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("topic creation did not finish in time");
        }
        return left;
    }
}
