package io.aot.analytics.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.AlertSeverity;
import io.aot.avro.MarketAlert;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The alert budget: an hour of one rule passes at most the budget, and a storm is summarized once (issue #19 item 9). */
class AlertBudgetFunctionTest {

    private static final long HOUR = 3_600_000L;
    private static final long T = Instant.parse("2026-11-23T03:00:00Z").toEpochMilli(); // 12:00 in Seoul

    private static KeyedOneInputStreamOperatorTestHarness<String, MarketAlert, MarketAlert> harness(int budget)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlertBudgetFunction(budget, 60_000)), a -> a.getRule().toString(),
                Types.STRING);
    }

    private static MarketAlert alert(String rule, int n, long raisedAt) {
        return Alerts.of(rule + "|s" + n, rule, "customer", "s" + n, AlertSeverity.WARNING, raisedAt - 1_000, raisedAt,
                "x", "y", List.of());
    }

    @Test
    void anHourOfOneRulePassesTheBudgetAndSummarizesTheRest() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(3)) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement(new StreamRecord<>(alert("CUSTOMER_VELOCITY", i, T + i * 1_000), T + i * 1_000));
            }
            h.processElement(new StreamRecord<>(alert("TERMINAL_BURST", 0, T), T));
            h.processElement(new StreamRecord<>(alert("CUSTOMER_VELOCITY", 9, T + HOUR), T + HOUR)); // next hour
            assertThat(h.extractOutputValues()).extracting(a -> a.getAlertId().toString()).containsExactly(
                    "CUSTOMER_VELOCITY|s0", "CUSTOMER_VELOCITY|s1", "CUSTOMER_VELOCITY|s2", "TERMINAL_BURST|s0",
                    "CUSTOMER_VELOCITY|s9");
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(3)) {
            h.initializeState(snapshot); // the hour's count survives a restore
            h.open();
            h.processElement(new StreamRecord<>(alert("CUSTOMER_VELOCITY", 7, T + 10_000), T + 10_000));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T + HOUR - 1 + 60_000); // the hour and its lateness have passed
            List<MarketAlert> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(s -> {
                assertThat(s.getRule()).isEqualTo(AlertBudgetFunction.SUPPRESSED_RULE);
                assertThat(s.getSubjectId()).isEqualTo("CUSTOMER_VELOCITY");
                assertThat(s.getObserved()).isEqualTo("3 alerts of CUSTOMER_VELOCITY held back");
                // raised at the hour's last millisecond: the same (day, hour) partition as the alerts it stands for
                assertThat(Alerts.row(s).getField(1)).isEqualTo(Alerts.row(alert("X", 0, T)).getField(1));
            });
            h.processWatermark(T + 3 * HOUR);
            assertThat(h.extractOutputValues()).hasSize(1); // the next hour stayed within budget: no summary
        }
    }

    @Test
    void theBudgetTheTableBoundRestsOn() {
        // schemas' PartitionBoundsTest bounds an hour of alerts by 4 rules x (10,000 + 1 summary).
        assertThat(AlertThresholds.MAX_ALERTS_PER_RULE_PER_HOUR).isEqualTo(10_000);
    }
}
