package io.aot.jobs.ingest.kafka;

import io.aot.avro.Rejection;
import io.aot.schemas.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** {@code aot.tx.rejected.v1}: key = tx id when known, else the rejection id (source coordinates and stage). */
public final class RejectionSerializer implements KafkaRecordSerializationSchema<Rejection> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroCodec<Rejection> codec;

    public RejectionSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rejection r, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(Rejection.class);
        }
        String key = r.getTxId() != null ? r.getTxId() : r.getRejectionId();
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), codec.encode(r));
    }
}
