package io.aot.analytics.source;

import io.aot.analytics.model.MarketEvents;
import io.aot.avro.CommittedTransaction;
import io.aot.ledger.privacy.CustomerPseudonyms;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;
import io.aot.schemas.serde.AvroRuntimeGuards;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes {@code aot.ledger.committed.v1} records in the source, so that event-time watermarks are per Kafka
 * partition (a partition read ahead of another does not make the other's events late), and pseudonymizes the customer
 * right there: the raw token never reaches an operator, its state or the network between tasks.
 */
public final class CommittedRecordDeserializer implements KafkaRecordDeserializationSchema<MarketRecord> {

    private static final long serialVersionUID = 1L;

    private final CustomerPseudonyms pseudonyms;
    private final int maxRecordBytes;
    private transient AvroCodec<CommittedTransaction> codec;

    public CommittedRecordDeserializer(CustomerPseudonyms pseudonyms, int maxRecordBytes) {
        this.pseudonyms = pseudonyms;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<MarketRecord> out) {
        out.collect(decode(record.topic(), record.partition(), record.offset(), record.value()));
    }

    MarketRecord decode(String topic, int partition, long offset, byte[] value) {
        if (codec == null) {
            AvroRuntimeGuards.install();
            codec = AvroCodec.of(CommittedTransaction.class, maxRecordBytes);
        }
        try {
            return MarketRecord.ok(MarketEvents.from(codec.decode(value), pseudonyms));
        } catch (AvroDecodeException e) {
            return MarketRecord.bad(topic, partition, offset, value, e.reasonCode());
        } catch (ArithmeticException e) {
            return MarketRecord.bad(topic, partition, offset, value, "AMOUNT_NOT_AN_INTEGER");
        }
    }

    @Override
    public TypeInformation<MarketRecord> getProducedType() {
        return TypeInformation.of(MarketRecord.class);
    }
}
