package io.aot.ledger.state;

import static io.aot.ledger.state.LedgerFixtures.AOT;
import static io.aot.ledger.state.LedgerFixtures.W1;
import static io.aot.ledger.state.LedgerFixtures.W2;
import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.Currency;
import io.aot.avro.PaymentMethod;
import io.aot.avro.TransactionKind;
import io.aot.ledger.money.Asset;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerStateMachineTest {

    private final LedgerStateMachine ledger = new LedgerStateMachine(LedgerFixtures.genesis());

    private List<LedgerStateMachine.Outcome> block(byte[]... txs) {
        LedgerStateMachine.BlockOutcome b = ledger.execute(ledger.height() + 1, 1_000, List.of(txs));
        ledger.commit();
        return b.outcomes();
    }

    private List<String> codes(byte[]... txs) {
        return block(txs).stream().map(LedgerStateMachine.Outcome::code).toList();
    }

    @Test
    void aCardPaymentMakesTheAcquirerOweTheMerchantAndPaysCashback() {
        assertThat(codes(LedgerFixtures.card("p1", 4_500, W1))).containsExactly("OK");

        assertThat(ledger.balance(Accounts.merchant("M1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(4_500));
        assertThat(ledger.balance(Accounts.acquirerPayable("ACQ1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(-4_500));
        // 1 % of 4,500 KRW = 45 KRW = 0.045 AOT
        assertThat(ledger.balance(Accounts.wallet(W1), Asset.AOT))
                .isEqualTo(AOT.multiply(BigInteger.valueOf(1000)).add(AOT.multiply(BigInteger.valueOf(45)).divide(BigInteger.valueOf(1000))));
    }

    @Test
    void aCoinPaymentNeedsTheWalletsSignatureAndFunds() {
        assertThat(codes(LedgerFixtures.coin("c1", AOT.multiply(BigInteger.valueOf(3)), W2))).containsExactly("OK");
        assertThat(ledger.balance(Accounts.wallet(W2), Asset.AOT)).isEqualTo(AOT.multiply(BigInteger.valueOf(7)));
        assertThat(codes(LedgerFixtures.coin("c2", AOT.multiply(BigInteger.valueOf(8)), W2)))
                .containsExactly("INSUFFICIENT_FUNDS");
        assertThat(codes(LedgerFixtures.coin("c3", AOT, "0xunknown"))).containsExactly("UNKNOWN_WALLET");

        var tampered = LedgerFixtures.signed(LedgerFixtures.payment("c4", TransactionKind.PAYMENT, PaymentMethod.AOT_COIN,
                Currency.AOT, AOT).setCustomerWallet(W1).build());
        tampered.getAmount().setAmountMinor(new java.math.BigDecimal(AOT.multiply(BigInteger.valueOf(900))));
        assertThat(codes(LedgerFixtures.encode(tampered))).containsExactly("BAD_CUSTOMER_SIGNATURE");
        var unsigned = LedgerFixtures.payment("c5", TransactionKind.PAYMENT, PaymentMethod.AOT_COIN, Currency.AOT, AOT)
                .setCustomerWallet(W1).build();
        assertThat(codes(LedgerFixtures.encode(unsigned))).containsExactly("MISSING_WALLET_SIGNATURE");
        assertThat(ledger.balance(Accounts.wallet(W1), Asset.AOT)).isEqualTo(AOT.multiply(BigInteger.valueOf(1000)));
    }

    @Test
    void refundsAreLinkedBoundedAndReverseTheOriginal() {
        block(LedgerFixtures.card("p1", 10_000, null), LedgerFixtures.coin("c1", AOT, W1));

        assertThat(codes(
                LedgerFixtures.refund("r1", "p1", Currency.KRW, BigInteger.valueOf(6_000)),
                LedgerFixtures.refund("r2", "p1", Currency.KRW, BigInteger.valueOf(5_000)),
                LedgerFixtures.refund("r3", "p1", Currency.KRW, BigInteger.valueOf(4_000)),
                LedgerFixtures.refund("r4", "nope", Currency.KRW, BigInteger.ONE),
                LedgerFixtures.refund("r5", "c1", Currency.AOT, AOT)))
                .containsExactly("OK", "REFUND_EXCEEDS_ORIGINAL", "OK", "UNKNOWN_ORIGINAL", "OK");
        assertThat(ledger.balance(Accounts.merchant("M1"), Asset.KRW)).isZero();
        assertThat(ledger.balance(Accounts.wallet(W1), Asset.AOT)).isEqualTo(AOT.multiply(BigInteger.valueOf(1000)));
    }

    /**
     * Two terminals of one merchant refund one 10,000 KRW payment by 6,000 each, and both refunds reach the chain a
     * block before the payment (another partition). Their retries after the payment: exactly one is OK, the other
     * exceeds the original, and the id of a refused-too-early refund is not burnt.
     */
    @Test
    void aRefundBeforeItsOriginalDoesNotBurnItsIdAndExactlyOneOfTwoRacingRefundsIsOk() {
        byte[] r1 = LedgerFixtures.refund("r1", "p1", Currency.KRW, BigInteger.valueOf(6_000));
        byte[] r2 = LedgerFixtures.refund("r2", "p1", Currency.KRW, BigInteger.valueOf(6_000));
        LedgerStateMachine twin = new LedgerStateMachine(LedgerFixtures.genesis());

        assertThat(codes(r1, r2)).containsExactly("UNKNOWN_ORIGINAL", "UNKNOWN_ORIGINAL");
        assertThat(codes(LedgerFixtures.card("p1", 10_000, null))).containsExactly("OK");
        assertThat(codes(r2, r1)).containsExactly("OK", "REFUND_EXCEEDS_ORIGINAL");
        assertThat(codes(r1, r2)).containsExactly("DUPLICATE_TX", "DUPLICATE_TX"); // final refusals take the id

        assertThat(ledger.balance(Accounts.merchant("M1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(4_000));
        assertThat(ledger.balance(Accounts.acquirerPayable("ACQ1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(-4_000));
        assertThat(ledger.totals()).isEqualTo(twin.totals());
        // Replay determinism: the same blocks give the same app hash.
        for (List<byte[]> b : List.of(List.of(r1, r2), List.of(LedgerFixtures.card("p1", 10_000, null)), List.of(r2, r1),
                List.of(r1, r2))) {
            twin.execute(twin.height() + 1, 1_000, b);
            twin.commit();
        }
        assertThat(twin.appHash()).isEqualTo(ledger.appHash());
    }

    @Test
    void pointsSwapAtTheCompanysRateFromItsReserve() {
        assertThat(codes(LedgerFixtures.swap("s1", 500, W2))).containsExactly("OK");
        // 500 points x 0.01 AOT
        assertThat(ledger.balance(Accounts.wallet(W2), Asset.AOT)).isEqualTo(AOT.multiply(BigInteger.valueOf(15)));
        assertThat(ledger.balance(Accounts.pointsRetired(LedgerFixtures.POINT_CO), Asset.points(LedgerFixtures.POINT_CO)))
                .isEqualTo(BigInteger.valueOf(500));
        assertThat(codes(LedgerFixtures.swap("s2", 1_000_000, W2))).containsExactly("INSUFFICIENT_RESERVE");
    }

    @Test
    void feeDelegatedChainTransfersChargeTheSenderInAot() {
        assertThat(codes(LedgerFixtures.chain("t1", W1, W2, AOT, "0xfeepayer", 1_000))).containsExactly("OK");

        assertThat(ledger.balance(Accounts.wallet(W2), Asset.AOT)).isEqualTo(AOT.multiply(BigInteger.valueOf(11)));
        assertThat(ledger.balance(Accounts.feePayer("0xfeepayer"), Asset.AOT)).isEqualTo(BigInteger.valueOf(2_000));
        assertThat(codes(LedgerFixtures.chain("t1", W1, W2, AOT, null, 0))).containsExactly("DUPLICATE_TX");
    }

    @Test
    void badInputIsARecordedRefusalWithAReason() {
        byte[] good = LedgerFixtures.card("p1", 1_000, null);
        assertThat(codes(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(good, good.length - 3), new byte[0],
                LedgerFixtures.card("p0", 0, null), LedgerFixtures.encode(LedgerFixtures.payment("p2",
                        TransactionKind.PAYMENT, PaymentMethod.IC_CHIP, Currency.KRW, BigInteger.valueOf(-5)).build()),
                LedgerFixtures.encode(LedgerFixtures.payment("p3", TransactionKind.PAYMENT, PaymentMethod.IC_CHIP,
                        Currency.KLAY, BigInteger.TEN).build())))
                .containsExactly("DECODE_BAD_HEADER", "DECODE_TRUNCATED", "DECODE_EMPTY", "AMOUNT_OUT_OF_RANGE",
                        "AMOUNT_OUT_OF_RANGE", "CURRENCY_NOT_ACCEPTED");
        assertThat(ledger.check(new byte[] {9})).isEqualTo("DECODE_BAD_HEADER");
        // Avro itself refuses to write more than 38 digits; a forged 40-digit amount is checked on read (Amounts.inRange).
        assertThat(io.aot.ledger.money.Amounts.inRange(BigInteger.TEN.pow(39))).isFalse();
        assertThat(ledger.check(good)).isEqualTo("OK");
        // Admission refuses only bytes that are no transaction: an out-of-range amount is admitted, then recorded
        // as refused in its block (an admission refusal is recorded nowhere, and the payment would vanish).
        assertThat(ledger.check(LedgerFixtures.encode(LedgerFixtures.payment("p4", TransactionKind.PAYMENT,
                PaymentMethod.IC_CHIP, Currency.KRW, BigInteger.valueOf(-5)).build()))).isEqualTo("OK");
    }

    @Test
    void aTransactionIdPostsOnceEvenWhenRepeatedInTheSameBlock() {
        byte[] p = LedgerFixtures.card("p1", 5_000, null);
        assertThat(codes(p, p)).containsExactly("OK", "DUPLICATE_TX");
        assertThat(codes(p)).containsExactly("DUPLICATE_TX");
        assertThat(ledger.balance(Accounts.merchant("M1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(5_000));
    }

    @Test
    void theAppHashDependsOnEveryOutcomeAndNothingElse() {
        LedgerStateMachine a = new LedgerStateMachine(LedgerFixtures.genesis());
        LedgerStateMachine b = new LedgerStateMachine(LedgerFixtures.genesis());
        byte[] tx = LedgerFixtures.card("p1", 5_000, W1);
        byte[] ha = a.execute(1, 7, List.of(tx)).appHash();
        byte[] hb = b.execute(1, 7, List.of(tx)).appHash();
        assertThat(ha).isEqualTo(hb);
        assertThat(new LedgerStateMachine(LedgerFixtures.genesis()).execute(1, 8, List.of(tx)).appHash()).isNotEqualTo(ha);
        assertThat(new LedgerStateMachine(LedgerFixtures.genesis())
                .execute(1, 7, List.of(LedgerFixtures.card("p1", 5_001, W1))).appHash()).isNotEqualTo(ha);
        // an uncommitted block leaves the committed state alone
        assertThat(a.balance(Accounts.merchant("M1"), Asset.KRW)).isZero();
        a.commit();
        assertThat(a.balance(Accounts.merchant("M1"), Asset.KRW)).isEqualTo(BigInteger.valueOf(5_000));
        assertThat(ByteBuffer.wrap(a.appHash())).isEqualTo(ByteBuffer.wrap(ha));
    }
}
