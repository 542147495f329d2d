package io.aot.jobs.kafka;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Rejection;
import io.aot.schemas.serde.AvroCodec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** One of our Avro records into a topic: single-object encoding, a key taken from the record, optionally its time. */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** The record's Kafka key. */
    @FunctionalInterface
    public interface KeyOf<T> extends Serializable {
        String key(T record);
    }

    /** The record's Kafka timestamp in epoch millis, or null to let the producer stamp it. */
    @FunctionalInterface
    public interface TimeOf<T> extends Serializable {
        Long millis(T record);
    }

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> key;
    private final TimeOf<T> time;
    private transient AvroCodec<T> codec;

    public AvroRecordSerializer(String topic, Class<T> type, KeyOf<T> key, TimeOf<T> time) {
        this.topic = topic;
        this.type = type;
        this.key = key;
        this.time = time;
    }

    /** {@code aot.tx.rejected.v1}: key = tx id when known, else the rejection id (source coordinates and stage). */
    public static AvroRecordSerializer<Rejection> rejections(String topic) {
        return new AvroRecordSerializer<>(topic, Rejection.class,
                r -> (r.getTxId() != null ? r.getTxId() : r.getRejectionId()).toString(), r -> null);
    }

    /** {@code aot.ledger.committed.v1}: key = tx id, record time = block time. */
    public static AvroRecordSerializer<CommittedTransaction> committed(String topic) {
        return new AvroRecordSerializer<>(topic, CommittedTransaction.class, t -> t.getTxId().toString(),
                t -> t.getBlockTimeMillis().toEpochMilli());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        return new ProducerRecord<>(topic, null, time.millis(record), key.key(record).getBytes(StandardCharsets.UTF_8),
                codec.encode(record));
    }
}
