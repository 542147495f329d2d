package io.aot.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.MerchantCategory;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.TransactionKind;
import io.aot.avro.WalletProvider;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Daily settlement totals on known sequences, the settlement day's cut-off, and a restore from a snapshot. */
class SettlementFunctionTest {

    private static final Instant DAY1 = Instant.parse("2026-11-23T02:00:00Z"); // 11:00 in Seoul, 2026-11-23
    private static final Instant DAY2 = Instant.parse("2026-11-23T15:30:00Z"); // 00:30 in Seoul, 2026-11-24
    private static final long FLUSH_MS = 1_000;
    private static final org.apache.flink.api.common.typeutils.TypeSerializer<Row> ROWS =
            LedgerTableRows.DAILY_SETTLEMENT.rowType().createSerializer(
                    new org.apache.flink.api.common.serialization.SerializerConfigImpl());

    private static CommittedTransaction tx(String id, TransactionKind kind, String result, long krw, Instant at, long height) {
        return CommittedTransaction.newBuilder().setTxId(id).setKind(kind).setResultCode(result).setChainId("c")
                .setHeight(height).setIndexInBlock(0).setBlockHash("h").setBlockTimeMillis(at).setEventTimeMillis(at)
                .setTerminalId("M1-T0").setMerchantId("M1").setMerchantCategory(MerchantCategory.CAFE)
                .setRegion(Region.SEOUL).setAcquirerId("ACQ-1").setMethod(PaymentMethod.IC_CHIP)
                .setWalletProvider(WalletProvider.NONE).setAmount(new Money(BigDecimal.valueOf(krw), Currency.KRW))
                .setPostings(List.of()).build();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CommittedTransaction, Row> harness() throws Exception {
        KeySelector<CommittedTransaction, String> key = SettlementFunction::key;
        KeyedOneInputStreamOperatorTestHarness<String, CommittedTransaction, Row> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SettlementFunction(FLUSH_MS)), key,
                        Types.STRING);
        h.setup(ROWS); // as the job declares them (returns(rowType)): the day is a LocalDate, not a Kryo generic
        h.open();
        return h;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, CommittedTransaction, Row> h,
            CommittedTransaction t) throws Exception {
        if (SettlementFunction.key(t) != null) { // the job filters these out before keyBy
            h.processElement(new StreamRecord<>(t));
        }
    }

    private static Row last(KeyedOneInputStreamOperatorTestHarness<String, CommittedTransaction, Row> h) {
        List<Row> rows = h.extractOutputValues();
        return rows.get(rows.size() - 1);
    }

    @Test
    void paymentsAndRefundsOfACommitDayAddUpAndRefusalsAndSwapsDoNot() throws Exception {
        try (var h = harness()) {
            feed(h, tx("a", TransactionKind.PAYMENT, "OK", 4_500, DAY1, 1));
            feed(h, tx("b", TransactionKind.PAYMENT, "OK", 12_000, DAY1, 2));
            feed(h, tx("c", TransactionKind.PAYMENT, "INSUFFICIENT_FUNDS", 99_000, DAY1, 3));
            feed(h, tx("d", TransactionKind.POINT_SWAP, "OK", 500, DAY1, 4));
            feed(h, tx("e", TransactionKind.REFUND, "OK", 2_000, DAY1, 5));
            assertThat(h.extractOutputValues()).as("nothing before chain time passes the interval").isEmpty();
            h.processWatermark(DAY1.toEpochMilli() + FLUSH_MS - 2);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(DAY1.toEpochMilli() + FLUSH_MS - 1);
            Row r = last(h);
            assertThat(r.getField(0)).isEqualTo("M1");
            assertThat(r.getField(1)).hasToString("2026-11-23");
            assertThat(r.getField(4)).isEqualTo(2L);
            assertThat(r.getField(5)).isEqualTo(BigInteger.valueOf(16_500));
            assertThat(r.getField(6)).isEqualTo(1L);
            assertThat(r.getField(7)).isEqualTo(BigInteger.valueOf(2_000));
            assertThat(r.getField(9)).isEqualTo(BigInteger.valueOf(14_500));
            assertThat(r.getField(10)).isEqualTo(5L);
            assertThat(h.extractOutputValues()).as("three sales, one row for the interval").hasSize(1);

            feed(h, tx("f", TransactionKind.PAYMENT, "OK", 3_000, DAY2, 6)); // after midnight in Seoul: the next day
            h.processWatermark(DAY2.toEpochMilli() + FLUSH_MS);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(last(h).getField(1)).hasToString("2026-11-24");
            assertThat(last(h).getField(4)).isEqualTo(1L);
        }
    }

    @Test
    void aRestoredOperatorContinuesFromItsSnapshotNotFromZero() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            feed(h, tx("a", TransactionKind.PAYMENT, "OK", 1_000, DAY1, 1));
            snapshot = h.snapshot(1, 1);
            feed(h, tx("b", TransactionKind.PAYMENT, "OK", 2_000, DAY1, 2)); // lost with the failure; replayed below
        }
        KeySelector<CommittedTransaction, String> key = SettlementFunction::key;
        try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SettlementFunction(FLUSH_MS)), key, Types.STRING)) {
            restored.setup(ROWS);
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark(DAY1.toEpochMilli() + FLUSH_MS - 1);
            assertThat(last(restored).getField(4)).as("the timer pending at the snapshot survives it").isEqualTo(1L);
            feed(restored, tx("b", TransactionKind.PAYMENT, "OK", 2_000, DAY1, 2));
            restored.processWatermark(DAY1.toEpochMilli() + 2 * FLUSH_MS);
            assertThat(restored.extractOutputValues()).hasSize(2);
            assertThat(last(restored).getField(4)).isEqualTo(2L);
            assertThat(last(restored).getField(5)).isEqualTo(BigInteger.valueOf(3_000));
        }
    }
}
