package io.aot.jobs.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.ChainTransfer;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.avro.PaymentMethod;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.jobs.ingest.TestFleet;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalDirectory;
import io.aot.ledger.validation.PaymentLimits;
import io.aot.ledger.validation.PaymentValidation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every reason code of the pre-consensus checks, each on a payment that is valid except for that one defect. */
class PaymentValidationTest {

    private static final long SKEW_MS = 300_000;
    private final PaymentValidation validation = new PaymentValidation(PaymentLimits.defaults(), SKEW_MS);
    private final List<Terminal> registered = TestFleet.fleet(7).registrations(TestFleet.DAY);
    private final TerminalDirectory directory = TestFleet.mapDirectory(registered);

    private TerminalPayment cardPayment() {
        return TestFleet.payments(7, 200).stream()
                .filter(p -> p.getKind() == TransactionKind.PAYMENT && p.getAmount().getCurrency() == Currency.KRW)
                .findFirst().orElseThrow();
    }

    private String check(TerminalPayment p) {
        return validation.check(p, p.getCreatedAtMillis().toEpochMilli() + 1500, directory.find(p.getTerminalId()));
    }

    @Test
    void everySimulatedValidPaymentPasses() {
        for (TerminalPayment p : TestFleet.payments(7, 500)) {
            assertThat(check(p)).as(p.getTxId() + " " + p.getKind() + " " + p.getMethod()).isEqualTo("OK");
        }
    }

    @Test
    void aTamperedAmountBreaksTheDeviceSignature() {
        TerminalPayment p = cardPayment();
        p.setAmount(new Money(p.getAmount().getAmountMinor().add(BigDecimal.ONE), Currency.KRW));
        assertThat(check(p)).isEqualTo("BAD_SIGNATURE");
    }

    @Test
    void unknownRevokedAndMismatchedTerminalsAreRefused() {
        TerminalPayment p = cardPayment();
        assertThat(validation.check(p, p.getCreatedAtMillis().toEpochMilli(), Optional.empty()))
                .isEqualTo("UNKNOWN_TERMINAL");
        Terminal t = directory.find(p.getTerminalId()).orElseThrow();
        Terminal revoked = new Terminal(t.terminalId(), t.merchantId(), t.merchantName(), t.merchantCategory(), t.region(),
                t.acquirerId(), t.keyId(), t.algorithm(), t.publicKey(), Terminal.Status.REVOKED, t.registeredAt(),
                Instant.now());
        assertThat(validation.check(p, p.getCreatedAtMillis().toEpochMilli(), Optional.of(revoked)))
                .isEqualTo("TERMINAL_REVOKED");
        Terminal otherMerchant = new Terminal(t.terminalId(), "M999999", t.merchantName(), t.merchantCategory(),
                t.region(), t.acquirerId(), t.keyId(), t.algorithm(), t.publicKey(), Terminal.Status.ACTIVE,
                t.registeredAt(), null);
        assertThat(validation.check(p, p.getCreatedAtMillis().toEpochMilli(), Optional.of(otherMerchant)))
                .isEqualTo("MERCHANT_MISMATCH");
        p.setKeyId("rotated#2");
        assertThat(check(p)).isEqualTo("UNKNOWN_KEY");
    }

    @Test
    void clockSkewIsMeasuredAgainstTheBrokerTimestamp() {
        TerminalPayment p = cardPayment();
        long created = p.getCreatedAtMillis().toEpochMilli();
        assertThat(validation.check(p, created + SKEW_MS, directory.find(p.getTerminalId()))).isEqualTo("OK");
        assertThat(validation.check(p, created + SKEW_MS + 1, directory.find(p.getTerminalId()))).isEqualTo("CLOCK_SKEW");
        assertThat(validation.check(p, created - SKEW_MS - 1, directory.find(p.getTerminalId()))).isEqualTo("CLOCK_SKEW");
    }

    @Test
    void amountsOutOfRangeOverTheLimitOrFractionalAreRefusedBeforeAnySignatureWork() {
        TerminalPayment p = cardPayment();
        p.setAmount(new Money(new BigDecimal(BigInteger.TEN.pow(37)), Currency.KRW));
        assertThat(check(p)).isEqualTo("AMOUNT_OVER_LIMIT");
        p.setAmount(new Money(BigDecimal.ZERO, Currency.KRW));
        assertThat(check(p)).isEqualTo("AMOUNT_OUT_OF_RANGE");
        p.setAmount(new Money(BigDecimal.valueOf(-5000), Currency.KRW));
        assertThat(check(p)).isEqualTo("AMOUNT_OUT_OF_RANGE");
        p.setAmount(new Money(new BigDecimal("1000.5"), Currency.KRW));
        assertThat(check(p)).isEqualTo("AMOUNT_NOT_INTEGER");
        p.setAmount(new Money(BigDecimal.valueOf(100_000_001), Currency.KRW));
        assertThat(check(p)).isEqualTo("AMOUNT_OVER_LIMIT");
        p.setAmount(new Money(BigDecimal.valueOf(5000), Currency.KLAY));
        assertThat(check(p)).isEqualTo("AMOUNT_OVER_LIMIT"); // KLAY is not payable at a terminal
    }

    @Test
    void structuralDefectsHaveTheirOwnCodes() {
        TerminalPayment p = cardPayment();
        p.setAmount(new Money(p.getAmount().getAmountMinor(), Currency.AOT));
        assertThat(check(p)).isEqualTo("CURRENCY_METHOD_MISMATCH");
        p = cardPayment();
        p.setTerminalSequence(0);
        assertThat(check(p)).isEqualTo("BAD_SEQUENCE");
        p = cardPayment();
        p.setTxId("spaces are not ids");
        assertThat(check(p)).isEqualTo("BAD_TX_ID");
        p = cardPayment();
        p.setKind(TransactionKind.REFUND);
        p.setOriginalTxId(null);
        assertThat(check(p)).isEqualTo("REFUND_WITHOUT_ORIGINAL");
        p = cardPayment();
        p.setKind(TransactionKind.REWARD); // rewards are the ledger's to create, never a terminal's
        assertThat(check(p)).isEqualTo("UNSUPPORTED_KIND");
        p = cardPayment();
        p.setMethod(PaymentMethod.AOT_COIN);
        assertThat(check(p)).isEqualTo("CURRENCY_METHOD_MISMATCH");
    }

    @Test
    void chainTransfers() {
        ChainTransfer c = ChainTransfer.newBuilder().setTransferId("0xabc:0").setTxHash("0xabc").setLogIndex(0)
                .setChainId(8217).setBlockNumber(1).setBlockHash("0xb").setTxIndex(0).setBlockTimeMillis(Instant.EPOCH)
                .setTxType("TxTypeFeeDelegatedSmartContractExecution").setTokenContract("0xtoken")
                .setFromAddress("0x1").setToAddress("0x2").setAmount(new Money(BigDecimal.TEN.pow(18), Currency.AOT))
                .setSender("0x1").setGasUsed(21000).setGasPricePeb(BigDecimal.valueOf(25_000_000_000L))
                .setFeeKlay(new Money(BigDecimal.ONE, Currency.KLAY)).setSucceeded(true).setConfirmations(12)
                .setObservedAtMillis(Instant.EPOCH).build();
        assertThat(validation.check(c)).isEqualTo("OK");
        c.setSucceeded(false);
        assertThat(validation.check(c)).isEqualTo("CHAIN_TX_FAILED");
        c.setSucceeded(true);
        c.setAmount(new Money(new BigDecimal(BigInteger.TEN.pow(38)), Currency.AOT));
        assertThat(validation.check(c)).isEqualTo("AMOUNT_OUT_OF_RANGE");
    }
}
