package io.aot.ads.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ProfileFunctionTest {

    static final String M = "k1:00aa";

    static KeyedOneInputStreamOperatorTestHarness<String, AudienceEvent, ProfileSnapshot> harness(int ttlDays)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ProfileFunction(ttlDays)),
                e -> e.member, Types.STRING);
        h.open();
        return h;
    }

    static StreamRecord<AudienceEvent> pay(String local, long krw) {
        long t = CustomerProfileTest.kst(local);
        return new StreamRecord<>(AudienceEvent.payment(M, t, "CAFE", "SEOUL", "IC_CHIP", krw, false), t);
    }

    @Test
    void aQuietCustomerAgesAtEachKoreanMidnightAndExpiresAfterTheTtl() throws Exception {
        try (var h = harness(90)) {
            h.processElement(pay("2026-11-23T10:00", 5_000));
            ProfileSnapshot first = h.extractOutputValues().get(0);
            assertThat(first.recencyDays).isZero();
            assertThat(first.previouslyCounted).isFalse();
            // The watermark passes three Korean midnights: one snapshot per day, recency growing.
            h.processWatermark(new Watermark(CustomerProfileTest.kst("2026-11-26T00:00:01")));
            List<ProfileSnapshot> out = h.extractOutputValues();
            assertThat(out).extracting(s -> s.recencyDays).containsExactly(0, 1, 2, 3);
            assertThat(out.get(1).previouslyCounted).isTrue();
            assertThat(out.get(1).previousRecencyDays).isZero();
            assertThat(out.get(3).frequency30).isEqualTo(1);
            // 31 days later the payment has left the 30-day window; 91 days later the profile is dropped.
            h.processWatermark(new Watermark(CustomerProfileTest.kst("2026-12-24T00:00:01")));
            out = h.extractOutputValues();
            assertThat(out.get(out.size() - 1).frequency30).isZero();
            assertThat(out.get(out.size() - 1).frequency90).isEqualTo(1);
            h.processWatermark(new Watermark(CustomerProfileTest.kst("2027-03-01T00:00:01")));
            out = h.extractOutputValues();
            ProfileSnapshot last = out.get(out.size() - 1);
            assertThat(last.expired).isTrue();
            assertThat(last.counted()).isFalse();
            assertThat(last.previouslyCounted).as("the distribution can take them out").isTrue();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).as("state dropped").isZero();
        }
    }

    @Test
    void anOptOutClearsTheProfileAndLaterPaymentsAreNotProfiled() throws Exception {
        try (var h = harness(180)) {
            h.processElement(pay("2026-11-23T10:00", 5_000));
            long t = CustomerProfileTest.kst("2026-11-23T11:00");
            h.processElement(new StreamRecord<>(AudienceEvent.of(M, AudienceEvent.Kind.OPT_OUT, t), t));
            h.processElement(pay("2026-11-23T12:00", 7_000));
            List<ProfileSnapshot> out = h.extractOutputValues();
            assertThat(out.get(1).optedOut).isTrue();
            assertThat(out.get(1).previouslyCounted).isTrue();
            assertThat(out.get(2).frequency90).isZero();
            assertThat(out.get(2).previouslyCounted).isFalse();
        }
    }
}
