package io.aot.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple6;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Running balances from the opening balance, written once per interval of chain time with the newest position. */
class BalanceFunctionTest {

    private static final long FLUSH_MS = 1_000;
    private static final long T0 = 1_763_870_400_000L; // a whole second of chain time

    private static Tuple6<String, String, BigInteger, Long, Long, Long> posting(String account, long delta, long height,
            long writeTimestampMicros, long blockTime) {
        return Tuple6.of(account, "KRW", BigInteger.valueOf(delta), height, writeTimestampMicros, blockTime);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Tuple6<String, String, BigInteger, Long, Long, Long>, Row>
            harness() throws Exception {
        KeySelector<Tuple6<String, String, BigInteger, Long, Long, Long>, String> key = d -> d.f0 + "|" + d.f1;
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BalanceFunction(Map.of("merchant:M1|KRW", "100"), FLUSH_MS)), key,
                Types.STRING);
        h.open();
        return h;
    }

    @Test
    void writesTheLastBalanceOfEachIntervalOncePerAccount() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(posting("merchant:M1", 50, 1, 10, T0 + 100)));
            h.processElement(new StreamRecord<>(posting("merchant:M1", -30, 2, 20, T0 + 400)));
            h.processElement(new StreamRecord<>(posting("customer:C1", -20, 2, 21, T0 + 400)));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(T0 + FLUSH_MS - 1);
            List<Row> rows = h.extractOutputValues();
            assertThat(rows).hasSize(2);
            Row m = rows.stream().filter(r -> "merchant:M1".equals(r.getField(0))).findFirst().orElseThrow();
            assertThat(m.getField(1)).isEqualTo("KRW");
            assertThat(m.getField(2)).isEqualTo(BigInteger.valueOf(120)); // opening 100 + 50 - 30
            assertThat(m.getField(3)).isEqualTo(2L);
            assertThat(m.getField(5)).as("the write timestamp is the newest posting's").isEqualTo(20L);
            Row c = rows.stream().filter(r -> "customer:C1".equals(r.getField(0))).findFirst().orElseThrow();
            assertThat(c.getField(2)).isEqualTo(BigInteger.valueOf(-20)); // no opening balance

            h.processWatermark(T0 + 5 * FLUSH_MS);
            assertThat(h.extractOutputValues()).as("no new posting, no new row").hasSize(2);

            h.processElement(new StreamRecord<>(posting("merchant:M1", 5, 9, 90, T0 + 6 * FLUSH_MS + 1)));
            h.processWatermark(T0 + 7 * FLUSH_MS);
            rows = h.extractOutputValues();
            assertThat(rows).hasSize(3);
            assertThat(rows.get(2).getField(2)).isEqualTo(BigInteger.valueOf(125));
            assertThat(rows.get(2).getField(5)).isEqualTo(90L);
        }
    }

    @Test
    void intervalsEndOnWholeMultiplesOfTheFlushInterval() {
        assertThat(BalanceFunction.endOfInterval(T0, FLUSH_MS)).isEqualTo(T0 + 999);
        assertThat(BalanceFunction.endOfInterval(T0 + 999, FLUSH_MS)).isEqualTo(T0 + 999);
        assertThat(BalanceFunction.endOfInterval(T0 + 1_000, FLUSH_MS)).isEqualTo(T0 + 1_999);
    }
}
