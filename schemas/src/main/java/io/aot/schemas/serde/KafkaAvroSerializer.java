package io.aot.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer: single-object-encoded Avro. Pass an instance to the producer's constructor. */
public final class KafkaAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final AvroCodec<T> codec;

    public KafkaAvroSerializer(Class<T> type) {
        this.codec = AvroCodec.of(type);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        return record == null ? null : codec.encode(record);
    }
}
