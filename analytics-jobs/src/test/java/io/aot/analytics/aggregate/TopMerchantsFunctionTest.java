package io.aot.analytics.aggregate;

import static io.aot.analytics.MarketEventsForTests.payment;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

class TopMerchantsFunctionTest {

    private static final Instant T = Instant.parse("2026-11-23T03:00:00Z");

    @Test
    void ranksMerchantsOfARegionDayByKrwGrossThenIdAndRewritesRanksAsTheyChange() throws Exception {
        TopMerchantsFunction.Ranking ranking = TopMerchantsFunction.Ranking.BY_REGION;
        KeySelector<Fact, String> key = ranking::key;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TopMerchantsFunction(ranking, 2, 3_600_000, 1_000)), key, Types.STRING)) {
            h.setup(TotalsFunctionTest.rows(ranking.table()));
            h.open();
            h.setProcessingTime(0);
            for (var e : List.of(payment("a", "M1", "c", 5_000, T), payment("b", "M2", "c", 7_000, T),
                    payment("c", "M3", "c", 7_000, T), payment("d", "M1", "c", 1_000, T))) {
                for (Fact f : ranking.facts(e)) {
                    h.processElement(new StreamRecord<>(f, f.eventTimeMillis));
                }
            }
            h.setProcessingTime(1_000);
            List<Row> rows = h.extractOutputValues();
            assertThat(rows).extracting(r -> r.getField(2) + ":" + r.getField(3) + ":" + r.getField(5))
                    .containsExactly("1:M2:7000", "2:M3:7000");
            for (Fact f : ranking.facts(payment("e", "M1", "c", 2_000, T))) {
                h.processElement(new StreamRecord<>(f, f.eventTimeMillis));
            }
            h.setProcessingTime(2_000);
            rows = h.extractOutputValues().subList(2, h.extractOutputValues().size());
            assertThat(rows).extracting(r -> r.getField(2) + ":" + r.getField(3) + ":" + r.getField(5))
                    .containsExactly("1:M1:8000", "2:M2:7000");
            assertThat(rows.get(0).getField(0)).isEqualTo("SEOUL");
            assertThat(rows.get(0).getField(6)).as("M1's payments").isEqualTo(3L);
            assertThat(rows.get(0).getField(5)).isEqualTo(BigInteger.valueOf(8_000));
        }
    }
}
