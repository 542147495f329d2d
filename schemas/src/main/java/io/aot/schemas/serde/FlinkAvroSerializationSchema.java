package io.aot.schemas.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink {@link SerializationSchema} writing single-object-encoded Avro (for KafkaSink record serializers). */
public final class FlinkAvroSerializationSchema<T extends SpecificRecordBase> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final AvroCodec<T> codec;

    public FlinkAvroSerializationSchema(Class<T> type) {
        this.codec = AvroCodec.of(type);
    }

    @Override
    public byte[] serialize(T element) {
        return codec.encode(element);
    }
}
