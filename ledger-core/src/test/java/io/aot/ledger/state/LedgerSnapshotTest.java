package io.aot.ledger.state;

import static io.aot.ledger.state.LedgerFixtures.AOT;
import static io.aot.ledger.state.LedgerFixtures.W1;
import static io.aot.ledger.state.LedgerFixtures.W2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.avro.Currency;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restart restores the ledger from {@link LedgerStateMachine#snapshot} instead of replaying the chain: the restored
 * ledger must be the same state (same bytes, app hash, height) and must answer every later block as the original does,
 * including the rules that read the remembered payments (refunds) and transaction ids (duplicates).
 */
class LedgerSnapshotTest {

    private static final String W3 = "0x3333333333333333333333333333333333333333";

    private static LedgerStateMachine.BlockOutcome block(LedgerStateMachine ledger, byte[]... txs) {
        LedgerStateMachine.BlockOutcome b = ledger.execute(ledger.height() + 1, 1_000L * (ledger.height() + 1),
                List.of(txs));
        ledger.commit();
        return b;
    }

    /** Every kind of state: balances, card and coin payment records, a partial refund, a swap, a chain transfer. */
    private static LedgerStateMachine withHistory() {
        LedgerStateMachine ledger = new LedgerStateMachine(LedgerFixtures.genesis());
        block(ledger, LedgerFixtures.card("p1", 4_500, W1), LedgerFixtures.coin("c1", AOT.multiply(BigInteger.TWO), W2));
        block(ledger, LedgerFixtures.refund("r1", "p1", Currency.KRW, BigInteger.valueOf(1_000)),
                LedgerFixtures.swap("s1", 500, W1), LedgerFixtures.card("p2", 3_000, null));
        block(ledger, LedgerFixtures.chain("k1", W1, W3, AOT, "0xfee", 10),
                LedgerFixtures.coin("c2", AOT.multiply(BigInteger.valueOf(100)), W2)); // refused: funds
        return ledger;
    }

    @Test
    void aRestoredLedgerIsTheSameStateAndAnswersLaterBlocksTheSame() {
        LedgerStateMachine original = withHistory();
        byte[] snapshot = original.snapshot();
        LedgerStateMachine restored = LedgerStateMachine.restore(LedgerFixtures.genesis(), snapshot);

        assertThat(restored.height()).isEqualTo(3);
        assertThat(restored.appHash()).isEqualTo(original.appHash());
        assertThat(restored.balances()).isEqualTo(original.balances());
        assertThat(restored.snapshot()).as("the same state gives the same bytes").isEqualTo(snapshot);

        // Later blocks that read every part of the state: refunds of payments before the snapshot (within and beyond
        // what is left), ids seen before it, balances.
        byte[][] later = {
            LedgerFixtures.refund("r2", "p1", Currency.KRW, BigInteger.valueOf(3_500)),
            LedgerFixtures.refund("r3", "p1", Currency.KRW, BigInteger.ONE),
            LedgerFixtures.refund("r4", "c1", Currency.AOT, AOT),
            LedgerFixtures.card("p1", 4_500, W1),
            LedgerFixtures.coin("c2", AOT, W2),
            LedgerFixtures.chain("k1", W1, W3, AOT, "0xfee", 10),
            LedgerFixtures.chain("k2", W3, W2, AOT, null, 0)};
        LedgerStateMachine.BlockOutcome a = block(original, later);
        LedgerStateMachine.BlockOutcome b = block(restored, later);
        assertThat(b.outcomes()).isEqualTo(a.outcomes());
        assertThat(a.outcomes()).extracting(LedgerStateMachine.Outcome::code)
                .containsExactly("OK", "REFUND_EXCEEDS_ORIGINAL", "OK", "DUPLICATE_TX", "DUPLICATE_TX", "DUPLICATE_TX", "OK");
        assertThat(b.appHash()).isEqualTo(a.appHash());
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    }

    @Test
    void theSameStateReachedByTwoLedgersGivesTheSameBytes() {
        assertThat(withHistory().snapshot()).isEqualTo(withHistory().snapshot());
        assertThat(new LedgerStateMachine(LedgerFixtures.genesis()).snapshot()).isNotEqualTo(withHistory().snapshot());
    }

    @Test
    void bytesThatAreNotACanonicalSnapshotAreRefusedWithTheReason() {
        byte[] good = withHistory().snapshot();
        assertThatThrownBy(() -> LedgerStateMachine.restore(LedgerFixtures.genesis(), Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> LedgerStateMachine.restore(LedgerFixtures.genesis(), Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
        byte[] notLedger = good.clone();
        notLedger[5] ^= 1; // inside the domain tag
        assertThatThrownBy(() -> LedgerStateMachine.restore(LedgerFixtures.genesis(), notLedger))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not aot/ledger/snapshot/v1");
        byte[] hugeCount = good.clone();
        int balancesCount = 4 + "aot/ledger/snapshot/v1".length() + 8 + 32;
        hugeCount[balancesCount] = 0x7f;
        assertThatThrownBy(() -> LedgerStateMachine.restore(LedgerFixtures.genesis(), hugeCount))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds what is left");
    }
}
