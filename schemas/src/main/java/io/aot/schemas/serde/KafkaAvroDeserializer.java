package io.aot.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer. Bad bytes throw {@link Failure}, a Kafka {@link SerializationException} whose cause is the
 * typed {@link AvroDecodeException}; the consumer then reports it as a {@code RecordDeserializationException} carrying
 * the partition and offset, so the caller can record a rejection and seek past it. Jobs that must never stop on bad
 * input read raw bytes and decode with {@link AvroCodec} instead.
 */
public final class KafkaAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** A value that is not a readable record, with the typed cause. */
    public static final class Failure extends SerializationException {
        private static final long serialVersionUID = 1L;

        Failure(String topic, AvroDecodeException cause) {
            super("cannot decode a value of topic " + topic + ": " + cause.getMessage(), cause);
        }

        public AvroDecodeException decodeError() {
            return (AvroDecodeException) getCause();
        }
    }

    private final AvroCodec<T> codec;

    public KafkaAvroDeserializer(Class<T> type) {
        this.codec = AvroCodec.of(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // a tombstone, not an error
        }
        try {
            return codec.decode(data);
        } catch (AvroDecodeException e) {
            throw new Failure(topic, e);
        }
    }
}
