package io.aot.schemas.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.api.common.serialization.DeserializationSchema;

/**
 * Flink {@link DeserializationSchema} for single-object-encoded Avro. Bad bytes throw {@link AvroDecodeException}
 * (an IOException with a reason), which fails the source: use it only on topics whose writers are our own jobs. Jobs
 * reading untrusted topics read bytes and route {@link AvroCodec#decode} failures to the rejection topic.
 * Records travel between operators with Flink's Avro serializer, never Kryo.
 */
public final class FlinkAvroDeserializationSchema<T extends SpecificRecordBase> implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final AvroCodec<T> codec;

    public FlinkAvroDeserializationSchema(Class<T> type) {
        this.codec = AvroCodec.of(type);
    }

    @Override
    public T deserialize(byte[] message) throws AvroDecodeException {
        return codec.decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(codec.type());
    }
}
