package io.aot.ingestion.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.avro.TerminalPayment;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ledger.terminal.TerminalSigning;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The gateway's pure parts: the JSON mapping, the replay guard and the per-terminal rate limit. */
class GatewayGuardsTest {

    @Test
    void everySimulatedPaymentSurvivesTheJsonRoundTripWithItsSignedBytes() {
        PaymentSimulator sim = new PaymentSimulator(Fleet.generate(2, 30, 300), 2, 2000,
                Instant.parse("2026-11-22T15:00:00Z"), 0);
        while (sim.hasNext()) {
            TerminalPayment p = sim.next().payment();
            TerminalPayment back = PaymentJson.parse(new JsonObject(PaymentJson.toJson(p).encode()));
            assertThat(TerminalSigning.signBytes(back)).isEqualTo(TerminalSigning.signBytes(p));
            assertThat(back.getSignature()).isEqualTo(p.getSignature());
        }
    }

    @Test
    void aSequenceIsUsedOnceReleasedOnFailureAndOldOnesAreRefused() {
        SequenceGuard guard = new SequenceGuard(4, 10);
        guard.reserve("T1", 1, "T1-1", 11);
        assertThatThrownBy(() -> guard.reserve("T1", 1, "T1-1", 11)).extracting(e -> ((GatewayError) e).code())
                .isEqualTo("IN_FLIGHT");
        guard.acknowledged("T1", 1);
        assertThatThrownBy(() -> guard.reserve("T1", 1, "T1-1", 11)).extracting(e -> ((GatewayError) e).code())
                .isEqualTo("ALREADY_ACCEPTED");
        assertThatThrownBy(() -> guard.reserve("T1", 1, "T1-1", 12)).extracting(e -> ((GatewayError) e).code())
                .isEqualTo("SEQUENCE_REUSED");
        guard.reserve("T2", 1, "T2-1", 11); // sequences are per terminal

        guard.reserve("T1", 2, "T1-2", 20);
        guard.release("T1", 2); // Kafka failed: the terminal may retry
        guard.reserve("T1", 2, "T1-2", 20);

        for (long s = 3; s <= 20; s++) {
            guard.reserve("T1", s, "T1-" + s, (int) s);
            guard.acknowledged("T1", s);
        }
        assertThat(guard.remembered("T1")).isLessThanOrEqualTo(8); // bounded by 2 x window
        assertThatThrownBy(() -> guard.reserve("T1", 16, "T1-16x", 1)).extracting(e -> ((GatewayError) e).code())
                .isEqualTo("SEQUENCE_TOO_OLD");
        assertThatThrownBy(() -> guard.reserve("T1", 18, "T1-18x", 1)).extracting(e -> ((GatewayError) e).code())
                .isEqualTo("SEQUENCE_REUSED");
    }

    @Test
    void theGuardForgetsTerminalsBeyondItsBound() {
        SequenceGuard guard = new SequenceGuard(4, 3);
        for (int t = 0; t < 10; t++) {
            guard.reserve("T" + t, 1, "x", 1);
        }
        assertThat(guard.trackedTerminals()).isLessThanOrEqualTo(3);
    }

    @Test
    void aTerminalGetsItsBurstThenItsRate() {
        AtomicLong now = new AtomicLong();
        TerminalRateLimiter limiter = new TerminalRateLimiter(2, 3, 100, now::get);
        assertThat(limiter.tryAcquire("T1")).isTrue();
        assertThat(limiter.tryAcquire("T1")).isTrue();
        assertThat(limiter.tryAcquire("T1")).isTrue();
        assertThat(limiter.tryAcquire("T1")).isFalse();
        assertThat(limiter.tryAcquire("T2")).isTrue(); // another terminal has its own bucket
        now.addAndGet(500_000_000L); // half a second at 2/s: one token back
        assertThat(limiter.tryAcquire("T1")).isTrue();
        assertThat(limiter.tryAcquire("T1")).isFalse();
        now.addAndGet(60_000_000_000L); // a long pause refills to the burst, not beyond
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("T1")).isTrue();
        }
        assertThat(limiter.tryAcquire("T1")).isFalse();
    }
}
