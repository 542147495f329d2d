package io.aot.jobs.kafka;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Rejection;
import io.aot.schemas.serde.AvroCodec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One of our Avro records into a topic: single-object encoding, a key taken from the record. No record time: the
 * catalog's derived topics take the broker's append time, so retention counts from the write even when a job replays
 * old blocks or event-time windows (every time a consumer needs is in the value).
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** The record's Kafka key. */
    @FunctionalInterface
    public interface KeyOf<T> extends Serializable {
        String key(T record);
    }

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> key;
    private transient AvroCodec<T> codec;

    public AvroRecordSerializer(String topic, Class<T> type, KeyOf<T> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    /** {@code aot.tx.rejected.v1}: key = tx id when known, else the rejection id (source coordinates and stage). */
    public static AvroRecordSerializer<Rejection> rejections(String topic) {
        return new AvroRecordSerializer<>(topic, Rejection.class,
                r -> (r.getTxId() != null ? r.getTxId() : r.getRejectionId()).toString());
    }

    /** {@code aot.ledger.committed.v1}: key = tx id (the block time is in the value). */
    public static AvroRecordSerializer<CommittedTransaction> committed(String topic) {
        return new AvroRecordSerializer<>(topic, CommittedTransaction.class, t -> t.getTxId().toString());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        return new ProducerRecord<>(topic, null, null, key.key(record).getBytes(StandardCharsets.UTF_8),
                codec.encode(record));
    }
}
