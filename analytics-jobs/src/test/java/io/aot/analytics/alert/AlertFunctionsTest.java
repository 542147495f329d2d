package io.aot.analytics.alert;

import static io.aot.analytics.MarketEventsForTests.in;
import static io.aot.analytics.MarketEventsForTests.payment;
import static org.assertj.core.api.Assertions.assertThat;

import io.aot.analytics.model.MarketEvent;
import io.aot.avro.MarketAlert;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Each alert rule on sequences that must raise it once, and on ones just under its threshold that must not. */
class AlertFunctionsTest {

    private static final Instant T = Instant.parse("2026-11-23T03:00:00Z");
    private static final AlertThresholds THRESHOLDS = new AlertThresholds(4, 600_000, 150, 1_800_000, 3.0, 20, 5);

    private static List<MarketAlert> run(KeyedProcessFunction<String, MarketEvent, MarketAlert> f, KeySelector<MarketEvent, String> key,
            List<MarketEvent> events) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), key, Types.STRING)) {
            h.setup();
            h.open();
            for (MarketEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.eventTimeMillis));
            }
            return h.extractOutputValues();
        }
    }

    private static MarketEvent at(int minute, String txId, String customer) {
        return payment(txId, "M1", customer, 5_000, T.plusSeconds(60L * minute));
    }

    @Test
    void velocityFiresOncePerWindowAtTheThreshold() throws Exception {
        List<MarketAlert> alerts = run(new CustomerPatternFunction(THRESHOLDS), e -> e.customer,
                List.of(at(0, "a", "c1"), at(1, "b", "c1"), at(2, "c", "c1"), at(3, "d", "c1"), at(4, "e", "c1"),
                        at(0, "x", "c2"), at(1, "y", "c2"), at(2, "z", "c2"), at(30, "w", "c2")));
        assertThat(alerts).extracting(a -> a.getRule() + ":" + a.getSubjectId())
                .containsExactly("CUSTOMER_VELOCITY:c1");
        assertThat(alerts.get(0).getTxIds()).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(alerts.get(0).getAlertId()).startsWith("CUSTOMER_VELOCITY|c1|");
        assertThat(alerts.get(0).getWindowEndMillis()).isEqualTo(T.plusSeconds(180));
        Row row = Alerts.row(alerts.get(0));
        assertThat(row.getField(2)).isEqualTo(java.util.Date.from(T.plusSeconds(180)));
        assertThat(row.getField(1)).as("the Seoul hour").isEqualTo(
                T.plusSeconds(180).atZone(java.time.ZoneId.of("Asia/Seoul")).getHour());
        assertThat(row.getField(0)).hasToString("2026-11-23");
    }

    @Test
    void distantRegionsFireForSeoulThenBusanWithinTheWindowButNotForNeighbours() throws Exception {
        List<MarketAlert> alerts = run(new CustomerPatternFunction(THRESHOLDS), e -> e.customer,
                List.of(in(at(0, "s", "c1"), "SEOUL"), in(at(20, "b", "c1"), "BUSAN"),
                        in(at(0, "s2", "c2"), "SEOUL"), in(at(10, "g2", "c2"), "GYEONGGI"),
                        in(at(0, "s3", "c3"), "SEOUL"), in(at(45, "b3", "c3"), "BUSAN")));
        assertThat(alerts).extracting(a -> a.getRule() + ":" + a.getSubjectId() + ":" + a.getTxIds())
                .containsExactly("CUSTOMER_DISTANT_REGIONS:c1:[b, s]");
        assertThat(alerts.get(0).getObserved()).contains("SEOUL -> BUSAN").contains("km");
    }

    @Test
    void aTicketFarOutsideTheMerchantsUsualRangeFiresAfterEnoughSamples() throws Exception {
        List<MarketEvent> events = new java.util.ArrayList<>();
        events.add(payment("early-huge", "M1", "c", 5_000_000, T)); // before min samples: no alert
        for (int i = 0; i < 30; i++) {
            events.add(payment("n" + i, "M1", "c", 4_000 + 100 * (i % 10), T.plusSeconds(i)));
        }
        events.add(payment("normal", "M1", "c", 4_600, T.plusSeconds(100)));
        events.add(payment("huge", "M1", "c", 900_000, T.plusSeconds(101)));
        List<MarketAlert> alerts = run(new TicketOutlierFunction(THRESHOLDS), e -> e.merchantId + "|" + e.currency, events);
        assertThat(alerts).extracting(a -> a.getRule() + ":" + a.getTxIds())
                .containsExactly("TICKET_OUTLIER:[huge]");
    }

    @Test
    void aTerminalBurstFiresOncePerMinuteAboveTheLimit() throws Exception {
        List<MarketEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            events.add(payment("b" + i, "M1", "c" + i, 1_000, T.plusSeconds(i)));
        }
        for (int i = 0; i < 5; i++) {
            events.add(payment("q" + i, "M1", "c" + i, 1_000, T.plusSeconds(120 + i)));
        }
        List<MarketAlert> alerts = run(new TerminalBurstFunction(THRESHOLDS), e -> e.terminalId, events);
        assertThat(alerts).extracting(a -> a.getRule() + ":" + a.getSubjectId() + ":" + a.getTxIds())
                .containsExactly("TERMINAL_BURST:M1-T0:[b5]");
    }
}
