package io.aot.jobs.kafka;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Rejection;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The Kafka sinks of the ledger jobs' output topics, one definition each for every job that writes them. */
public final class LedgerTopicSinks {

    private LedgerTopicSinks() {
    }

    /**
     * {@code aot.tx.rejected.v1}, at least once with deterministic rejection ids: a refusal replayed after a failover
     * has the same id, so readers that key by it (and Cassandra upserts) see it once. Exactly-once here would hold every
     * rejection back until the checkpoint commits, for no gain to a log of refusals.
     */
    public static Sink<Rejection> rejections(String bootstrap, String topic) {
        return KafkaSink.<Rejection>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(AvroRecordSerializer.rejections(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * {@code aot.ledger.committed.v1}, exactly once: records become visible to read_committed consumers when the
     * checkpoint that holds them completes.
     */
    public static Sink<CommittedTransaction> committed(String bootstrap, String topic, String transactionalIdPrefix) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", "600000");
        return KafkaSink.<CommittedTransaction>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(AvroRecordSerializer.committed(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
