package io.aot.analytics.aggregate;

import static io.aot.analytics.MarketEventsForTests.as;
import static io.aot.analytics.MarketEventsForTests.payment;
import static org.assertj.core.api.Assertions.assertThat;

import io.aot.analytics.model.MarketEvent;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/**
 * Window totals on known sequences: what counts, exact unique customers, one upsert per flush while a row changes,
 * late events that correct a row, events too late to, and a restore from a snapshot.
 */
class TotalsFunctionTest {

    // 10:15 and 10:40 in Seoul on 2026-11-23 (UTC+9)
    private static final Instant T1 = Instant.parse("2026-11-23T01:15:00Z");
    private static final Instant T2 = Instant.parse("2026-11-23T01:40:00Z");
    private static final long HOUR_END = Instant.parse("2026-11-23T02:00:00Z").toEpochMilli();
    private static final long LATENESS_MS = 600_000;
    private static final long FLUSH_MS = 1_000;

    private static KeyedOneInputStreamOperatorTestHarness<String, Fact, Row> harness(AggregateShape shape)
            throws Exception {
        KeySelector<Fact, String> key = shape::key;
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TotalsFunction(shape, LATENESS_MS, FLUSH_MS)), key, Types.STRING);
        h.setup(rows(shape.table())); // the job's declared row type: days are LocalDate, not a Kryo generic
        h.open();
        return h;
    }

    static org.apache.flink.api.common.typeutils.TypeSerializer<Row> rows(io.aot.jobs.cassandra.CassandraTable table) {
        return table.rowType().createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Fact, Row> h, AggregateShape shape,
            MarketEvent e) throws Exception {
        for (Fact f : shape.facts(e)) {
            h.processElement(new StreamRecord<>(f, f.eventTimeMillis));
        }
    }

    @Test
    void paymentsRefundsAndUniqueCustomersOfAMerchantHourUpsertOncePerFlush() throws Exception {
        AggregateShape shape = AggregateShape.MERCHANT_SALES_HOURLY;
        try (var h = harness(shape)) {
            h.setProcessingTime(0);
            feed(h, shape, payment("a", "M1", "c1", 4_500, T1));
            feed(h, shape, payment("b", "M1", "c2", 12_000, T2));
            feed(h, shape, payment("c", "M1", "c1", 3_000, T2));
            feed(h, shape, as(payment("d", "M1", "c3", 99_000, T2), "PAYMENT", "INSUFFICIENT_FUNDS"));
            feed(h, shape, as(payment("e", "M1", "c1", 2_000, T2), "REFUND", "OK"));
            assertThat(h.extractOutputValues()).as("nothing before the flush").isEmpty();
            h.setProcessingTime(FLUSH_MS);
            List<Row> rows = h.extractOutputValues();
            assertThat(rows).hasSize(1);
            Row r = rows.get(0);
            assertThat(r.getField(0)).isEqualTo("M1");
            assertThat(r.getField(1)).hasToString("2026-11-23");
            assertThat(((java.util.Date) r.getField(2)).toInstant()).isEqualTo(Instant.parse("2026-11-23T01:00:00Z"));
            assertThat(r.getField(3)).isEqualTo("KRW");
            assertThat(r.getField(4)).as("payments").isEqualTo(3L);
            assertThat(r.getField(5)).as("gross").isEqualTo(BigInteger.valueOf(19_500));
            assertThat(r.getField(6)).as("refunds").isEqualTo(1L);
            assertThat(r.getField(7)).isEqualTo(BigInteger.valueOf(2_000));
            assertThat(r.getField(8)).as("unique customers").isEqualTo(2L);
            assertThat(r.getField(9)).as("average ticket").isEqualTo(BigInteger.valueOf(6_500));
            h.setProcessingTime(5 * FLUSH_MS);
            assertThat(h.extractOutputValues()).as("no upsert while nothing changed").hasSize(1);
        }
    }

    @Test
    void aLateEventCorrectsTheRowAndOneTooLateIsSetAsideNotWritten() throws Exception {
        AggregateShape shape = AggregateShape.MERCHANT_SALES_HOURLY;
        try (var h = harness(shape)) {
            h.setProcessingTime(0);
            feed(h, shape, payment("a", "M1", "c1", 4_500, T1));
            h.processWatermark(new Watermark(HOUR_END + 60_000)); // the hour is over; lateness still allows
            feed(h, shape, payment("late", "M1", "c2", 500, T2));
            h.setProcessingTime(FLUSH_MS);
            Row corrected = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
            assertThat(corrected.getField(4)).isEqualTo(2L);
            assertThat(corrected.getField(5)).isEqualTo(BigInteger.valueOf(5_000));

            h.processWatermark(new Watermark(HOUR_END + LATENESS_MS)); // state dropped
            int written = h.extractOutputValues().size();
            feed(h, shape, payment("too-late", "M1", "c3", 700, T2));
            h.setProcessingTime(10 * FLUSH_MS);
            assertThat(h.extractOutputValues()).as("no partial row overwrites the final one").hasSize(written);
            assertThat(h.getSideOutput(TotalsFunction.TOO_LATE)).extracting(r -> r.getValue().txId)
                    .containsExactly("too-late");
        }
    }

    @Test
    void aRestoredSnapshotKeepsTotalsAndCustomers() throws Exception {
        AggregateShape shape = AggregateShape.MERCHANT_SALES_DAILY;
        OperatorSubtaskState snapshot;
        try (var h = harness(shape)) {
            h.setProcessingTime(0);
            feed(h, shape, payment("a", "M1", "c1", 4_500, T1));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TotalsFunction(shape, LATENESS_MS, FLUSH_MS)),
                (KeySelector<Fact, String>) shape::key, Types.STRING)) {
            h.setup(rows(shape.table()));
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(0);
            feed(h, shape, payment("b", "M1", "c1", 1_500, T2));
            h.setProcessingTime(FLUSH_MS);
            Row r = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
            assertThat(r.getField(3)).as("category").isEqualTo("CAFE");
            assertThat(r.getField(5)).isEqualTo(2L);
            assertThat(r.getField(6)).isEqualTo(BigInteger.valueOf(6_000));
            assertThat(r.getField(9)).as("c1 again: still one customer").isEqualTo(1L);
        }
    }

    @Test
    void tokenFlowsSplitAPaymentsRewardAndAChainTransfersFee() throws Exception {
        MarketEvent coin = payment("coin", "M1", "c1", 0, T1);
        coin.currency = "AOT";
        coin.amountMinor = new BigInteger("5000000000000000000");
        MarketEvent card = payment("card", "M1", "c1", 10_000, T1);
        card.rewardAotMinor = BigInteger.valueOf(77);
        MarketEvent chain = as(payment("chain", null, null, 0, T1), "CHAIN_TRANSFER", "OK");
        chain.currency = "AOT";
        chain.amountMinor = BigInteger.TEN;
        chain.feeAotMinor = BigInteger.TWO;
        AggregateShape shape = AggregateShape.TOKEN_FLOW_DAILY;
        assertThat(shape.facts(coin)).extracting(f -> f.dims[0] + "=" + f.amount)
                .containsExactly("COIN_PAYMENT=5000000000000000000");
        assertThat(shape.facts(card)).extracting(f -> f.dims[0] + "=" + f.amount).containsExactly("REWARD=77");
        assertThat(shape.facts(chain)).extracting(f -> f.dims[0] + "=" + f.amount)
                .containsExactly("CHAIN_TRANSFER=10", "FEE_DELEGATION=2");
        assertThat(shape.facts(as(payment("x", "M1", "c1", 10_000, T1), "PAYMENT", "INSUFFICIENT_FUNDS"))).isEmpty();
    }
}
