package io.aot.analytics.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.analytics.AnalyticsSettings;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import io.aot.ledger.privacy.CustomerPseudonyms;
import io.aot.schemas.serde.AvroCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad bytes become bad records with a reason, never exceptions; the raw customer token never leaves the source. */
class CommittedRecordDeserializerTest {

    private static final CustomerPseudonyms KEY = CustomerPseudonyms.parse(AnalyticsSettings.DEMO_PSEUDONYM_KEY);
    private final CommittedRecordDeserializer deserializer = new CommittedRecordDeserializer(KEY, 4096);

    static CommittedTransaction tx(String token, BigDecimal amount) {
        Instant at = Instant.parse("2026-11-23T03:00:00Z");
        return CommittedTransaction.newBuilder().setTxId("t1").setKind(TransactionKind.PAYMENT).setResultCode("OK")
                .setChainId("c").setHeight(1).setIndexInBlock(0).setBlockHash("h").setBlockTimeMillis(at)
                .setEventTimeMillis(at).setTerminalId("M1-T0").setMerchantId("M1")
                .setMerchantCategory(MerchantCategory.CAFE).setRegion(Region.SEOUL).setAcquirerId("ACQ-1")
                .setMethod(PaymentMethod.IC_CHIP).setWalletProvider(WalletProvider.NONE)
                .setAmount(new Money(amount, Currency.KRW)).setCustomerToken(token).setPostings(List.of()).build();
    }

    @Test
    void decodesAndPseudonymizesTheCustomer() {
        byte[] bytes = AvroCodec.of(CommittedTransaction.class).encode(tx("tok-secret-1", BigDecimal.valueOf(4500)));
        MarketRecord r = deserializer.decode("t", 0, 7, bytes);
        assertThat(r.event).isNotNull();
        assertThat(r.event.customer).isEqualTo(KEY.of("tok-secret-1")).doesNotContain("tok-secret-1");
        assertThat(r.event.amountMinor).hasToString("4500");
        assertThat(r.eventTimeOrMin()).isEqualTo(Instant.parse("2026-11-23T03:00:00Z").toEpochMilli());
    }

    @Test
    void everyKindOfBadBytesIsABadRecordWithItsReasonAndCoordinates() {
        byte[] good = AvroCodec.of(CommittedTransaction.class).encode(tx("tok", BigDecimal.valueOf(4500)));
        byte[] oversized = new byte[5000];
        System.arraycopy(good, 0, oversized, 0, good.length);
        for (Object[] c : new Object[][] {
                {null, "DECODE_EMPTY"},
                {"garbage".getBytes(StandardCharsets.US_ASCII), "DECODE_BAD_HEADER"},
                {Arrays.copyOf(good, good.length - 5), "DECODE_TRUNCATED"},
                {oversized, "DECODE_TOO_LARGE"}}) {
            MarketRecord r = deserializer.decode("t", 2, 42, (byte[]) c[0]);
            assertThat(r.event).as((String) c[1]).isNull();
            assertThat(r.badReason).isEqualTo(c[1]);
            assertThat(r.partition).isEqualTo(2);
            assertThat(r.offset).isEqualTo(42);
            assertThat(r.eventTimeOrMin()).as("never moves the watermark").isEqualTo(Long.MIN_VALUE);
        }
    }
}
