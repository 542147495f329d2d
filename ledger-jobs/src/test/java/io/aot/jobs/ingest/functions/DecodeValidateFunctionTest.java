package io.aot.jobs.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.Rejection;
import io.aot.avro.TerminalPayment;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.jobs.ingest.TestFleet;
import io.aot.jobs.ingest.model.LedgerTx;
import io.aot.jobs.ingest.model.SourceRecord;
import io.aot.ledger.validation.PaymentLimits;
import io.aot.ledger.validation.PaymentValidation;
import io.aot.schemas.serde.AvroCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The decode + validate operator in Flink's test harness: bad bytes never throw, they become rejections. */
class DecodeValidateFunctionTest {

    private static final String TOPIC = "aot.terminal.tx.v1";
    private static final int MAX_RECORD_BYTES = 64 * 1024;

    private OneInputStreamOperatorTestHarness<SourceRecord, LedgerTx> harness() throws Exception {
        var f = new DecodeValidateFunction(TOPIC, MAX_RECORD_BYTES,
                new PaymentValidation(PaymentLimits.defaults(), 300_000), TestFleet.directory(11));
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(f));
        h.open();
        return h;
    }

    private static SourceRecord record(long offset, byte[] value, long timestampMillis) {
        return new SourceRecord(TOPIC, 0, offset, timestampMillis, "k", value);
    }

    @Test
    void simulatedTrafficSplitsIntoValidTransactionsAndReasonedRejections() throws Exception {
        PaymentSimulator sim = TestFleet.simulator(11, 2_000, 0.2);
        List<PaymentSimulator.SimulatedTx> sent = new ArrayList<>();
        try (var h = harness()) {
            while (sim.hasNext()) {
                PaymentSimulator.SimulatedTx tx = sim.next();
                sent.add(tx);
                h.processElement(new StreamRecord<>(record(tx.index(), tx.value(), sim.timeOf(tx.index()).toEpochMilli())));
            }
            List<LedgerTx> out = h.extractOutputValues();
            List<Rejection> rejected = new ArrayList<>();
            h.getSideOutput(Rejections.TAG).forEach(r -> rejected.add(r.getValue()));

            long valid = sent.stream().filter(t -> t.kind() == PaymentSimulator.Kind.VALID).count();
            long replays = sent.stream().filter(t -> t.kind() == PaymentSimulator.Kind.REPLAY).count();
            for (Rejection r : rejected) {
                PaymentSimulator.SimulatedTx origin = sent.get((int) (long) r.getSourceOffset());
                assertThat(r.getOriginalBytes().remaining()).isEqualTo(origin.value().length);
                assertThat(r.getRejectionId().toString()).isEqualTo(TOPIC + "/0/" + r.getSourceOffset() + "/"
                        + r.getStage());
                // A tampered copy or a replay arrives later than the original was signed: past the skew bound the clock
                // check (which runs before any signature work) refuses it first.
                switch (origin.kind()) {
                    case BAD_SIGNATURE -> assertThat(r.getReasonCode().toString()).isIn("BAD_SIGNATURE", "CLOCK_SKEW");
                    case REPLAY -> assertThat(r.getReasonCode().toString()).isEqualTo("CLOCK_SKEW");
                    case UNKNOWN_TERMINAL -> assertThat(r.getReasonCode().toString()).isEqualTo("UNKNOWN_TERMINAL");
                    case MALFORMED -> assertThat(r.getReasonCode().toString()).startsWith("DECODE_");
                    default -> throw new AssertionError("a " + origin.kind() + " record was rejected: " + r);
                }
            }
            // Timely replays are valid bytes: this stage passes them, the dedupe stage refuses them.
            long lateReplays = rejected.stream().filter(r -> "CLOCK_SKEW".contentEquals(r.getReasonCode())
                    && sent.get((int) (long) r.getSourceOffset()).kind() == PaymentSimulator.Kind.REPLAY).count();
            assertThat(out).hasSize((int) (valid + replays - lateReplays));
            assertThat(out.size() + rejected.size()).isEqualTo(sent.size());
            assertThat(rejected).extracting(r -> r.getReasonCode().toString())
                    .contains("BAD_SIGNATURE", "UNKNOWN_TERMINAL");
        }
    }

    @Test
    void garbageEmptyHugeAndForeignRecordsAreRejectedWithTheirCause() throws Exception {
        TerminalPayment p = TestFleet.payments(11, 1).get(0);
        byte[] valid = AvroCodec.of(TerminalPayment.class).encode(p);
        byte[] junk = new byte[300];
        new SplittableRandom(1).nextBytes(junk);
        byte[] huge = new byte[MAX_RECORD_BYTES + 1];
        System.arraycopy(valid, 0, huge, 0, valid.length);
        byte[] foreignFingerprint = valid.clone();
        foreignFingerprint[5] ^= 0x5a;
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 3);
        long t = p.getCreatedAtMillis().toEpochMilli();
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(record(0, junk, t)));
            h.processElement(new StreamRecord<>(record(1, new byte[0], t)));
            h.processElement(new StreamRecord<>(record(2, huge, t)));
            h.processElement(new StreamRecord<>(record(3, foreignFingerprint, t)));
            h.processElement(new StreamRecord<>(record(4, java.util.Arrays.copyOf(valid, valid.length - 7), t)));
            h.processElement(new StreamRecord<>(record(5, trailing, t)));
            h.processElement(new StreamRecord<>(record(6, valid, t + 600_000)));
            h.processElement(new StreamRecord<>(record(7, valid, t)));
            List<String> codes = new ArrayList<>();
            h.getSideOutput(Rejections.TAG).forEach(r -> codes.add(r.getValue().getReasonCode().toString()));
            assertThat(codes).containsExactly("DECODE_BAD_HEADER", "DECODE_EMPTY", "DECODE_TOO_LARGE",
                    "DECODE_UNKNOWN_FINGERPRINT", "DECODE_TRUNCATED", "DECODE_TRAILING_BYTES", "CLOCK_SKEW");
            assertThat(h.extractOutputValues()).singleElement().satisfies(tx -> {
                assertThat(tx.txId).isEqualTo(p.getTxId());
                assertThat(tx.orderKey).isEqualTo(p.getTerminalId());
                assertThat(tx.sequence).isEqualTo(p.getTerminalSequence());
                assertThat(tx.bytes).isEqualTo(valid);
                assertThat(tx.sourceOffset).isEqualTo(7);
            });
        }
    }
}
