package io.aot.jobs.store;

import io.aot.avro.CommittedTransaction;
import io.aot.schemas.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** {@code aot.ledger.committed.v1}: key = tx id, value = single-object Avro; record time = block time. */
public final class CommittedTransactionSerializer implements KafkaRecordSerializationSchema<CommittedTransaction> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroCodec<CommittedTransaction> codec;

    public CommittedTransactionSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(CommittedTransaction t, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(CommittedTransaction.class);
        }
        return new ProducerRecord<>(topic, null, t.getBlockTimeMillis().toEpochMilli(),
                t.getTxId().getBytes(StandardCharsets.UTF_8), codec.encode(t));
    }
}
