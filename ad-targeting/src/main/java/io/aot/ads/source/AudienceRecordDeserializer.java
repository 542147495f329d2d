package io.aot.ads.source;

import io.aot.ads.profile.AudienceEvent;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.OptOut;
import io.aot.avro.PaymentMethod;
import io.aot.avro.TransactionKind;
import io.aot.ledger.privacy.CustomerPseudonyms;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;
import io.aot.schemas.serde.AvroRuntimeGuards;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads {@code aot.ledger.committed.v1} or {@code aot.ads.optout.v1} and pseudonymizes the customer right in the Kafka
 * source: the raw token never reaches an operator, its state, the network between tasks or any output. Only
 * transactions the ledger accepted teach a profile something; a record that does not decode comes out as bad, with
 * its reason, for the rejection topic.
 */
public final class AudienceRecordDeserializer implements KafkaRecordDeserializationSchema<AudienceRecord> {

    private static final long serialVersionUID = 1L;

    public enum Input { COMMITTED, OPT_OUT }

    private final Input input;
    private final CustomerPseudonyms pseudonyms;
    private final int maxRecordBytes;
    private transient AvroCodec<CommittedTransaction> committed;
    private transient AvroCodec<OptOut> optOuts;

    public AudienceRecordDeserializer(Input input, CustomerPseudonyms pseudonyms, int maxRecordBytes) {
        this.input = input;
        this.pseudonyms = pseudonyms;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<AudienceRecord> out) {
        AudienceRecord r = decode(record.topic(), record.partition(), record.offset(), record.value());
        if (r != null) {
            out.collect(r);
        }
    }

    /** Null when the record is fine but tells the profiles nothing. */
    public AudienceRecord decode(String topic, int partition, long offset, byte[] value) {
        if (committed == null) {
            AvroRuntimeGuards.install();
            committed = AvroCodec.of(CommittedTransaction.class, maxRecordBytes);
            optOuts = AvroCodec.of(OptOut.class, maxRecordBytes);
        }
        try {
            if (input == Input.OPT_OUT) {
                OptOut o = optOuts.decode(value);
                if (o.getCustomerToken().isEmpty()) {
                    return AudienceRecord.bad(topic, partition, offset, value, "EMPTY_CUSTOMER_TOKEN");
                }
                return AudienceRecord.ok(AudienceEvent.of(pseudonyms.of(o.getCustomerToken()),
                        o.getOptedOut() ? AudienceEvent.Kind.OPT_OUT : AudienceEvent.Kind.OPT_IN,
                        o.getRequestedAtMillis().toEpochMilli()));
            }
            AudienceEvent e = event(committed.decode(value), pseudonyms);
            return e == null ? null : AudienceRecord.ok(e);
        } catch (AvroDecodeException e) {
            return AudienceRecord.bad(topic, partition, offset, value, e.reasonCode());
        } catch (ArithmeticException e) {
            return AudienceRecord.bad(topic, partition, offset, value, "AMOUNT_NOT_AN_INTEGER");
        }
    }

    /** The profile event of a committed transaction, or null when it has none. */
    public static AudienceEvent event(CommittedTransaction t, CustomerPseudonyms pseudonyms) {
        String token = t.getCustomerToken() != null ? t.getCustomerToken() : t.getCustomerWallet();
        if (!"OK".equals(t.getResultCode()) || token == null) {
            return null;
        }
        String member = pseudonyms.of(token);
        long time = t.getEventTimeMillis().toEpochMilli();
        boolean krw = t.getAmount().getCurrency() == Currency.KRW;
        long amountKrw = krw ? t.getAmount().getAmountMinor().toBigIntegerExact().longValueExact() : 0;
        TransactionKind kind = t.getKind();
        if (kind == TransactionKind.PAYMENT && t.getMerchantId() != null) {
            return AudienceEvent.payment(member, time, t.getMerchantCategory().name(), t.getRegion().name(),
                    t.getMethod().name(), amountKrw, t.getMethod() == PaymentMethod.AOT_COIN
                            || t.getAmount().getCurrency() == Currency.AOT);
        }
        if (kind == TransactionKind.REFUND && t.getMerchantId() != null) {
            AudienceEvent e = AudienceEvent.of(member, AudienceEvent.Kind.REFUND, time);
            e.category = t.getMerchantCategory().name();
            e.amountKrw = amountKrw;
            return e;
        }
        if (kind == TransactionKind.POINT_SWAP) {
            return AudienceEvent.of(member, AudienceEvent.Kind.POINT_SWAP, time);
        }
        if (kind == TransactionKind.CHAIN_TRANSFER || kind == TransactionKind.REWARD) {
            return AudienceEvent.of(member, AudienceEvent.Kind.AOT_RECEIVED, time);
        }
        return null;
    }

    @Override
    public TypeInformation<AudienceRecord> getProducedType() {
        return TypeInformation.of(AudienceRecord.class);
    }
}
