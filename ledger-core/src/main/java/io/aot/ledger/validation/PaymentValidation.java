package io.aot.ledger.validation;

import io.aot.avro.ChainTransfer;
import io.aot.avro.Currency;
import io.aot.avro.PaymentMethod;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.ledger.money.Amounts;
import io.aot.ledger.terminal.DeviceCheck;
import io.aot.ledger.terminal.Terminal;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks a transaction passes before it may reach consensus, as a pure function returning a stable reason code
 * ({@link DeviceCheck#OK} when it passes). Cheap checks run first so that a flood of junk costs no signature
 * verification. The clock check compares the terminal's timestamp with the broker's record timestamp (when the
 * gateway received it), never with the wall clock, so a replay from a checkpoint decides exactly as the first run did.
 */
public final class PaymentValidation implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:#-]{0,127}");

    private final PaymentLimits limits;
    private final long maxClockSkewMs;

    public PaymentValidation(PaymentLimits limits, long maxClockSkewMs) {
        if (maxClockSkewMs <= 0) {
            throw new IllegalArgumentException("maxClockSkewMs must be > 0, got " + maxClockSkewMs);
        }
        this.limits = limits;
        this.maxClockSkewMs = maxClockSkewMs;
    }

    public String check(TerminalPayment p, long receivedAtMillis, Optional<Terminal> terminal) {
        if (!ID.matcher(p.getTxId()).matches()) {
            return "BAD_TX_ID";
        }
        if (p.getTerminalSequence() < 1) {
            return "BAD_SEQUENCE";
        }
        if (p.getKind() == TransactionKind.REFUND && (p.getOriginalTxId() == null || p.getOriginalTxId().isEmpty())) {
            return "REFUND_WITHOUT_ORIGINAL";
        }
        if (p.getKind() != TransactionKind.PAYMENT && p.getKind() != TransactionKind.REFUND
                && p.getKind() != TransactionKind.POINT_SWAP) {
            return "UNSUPPORTED_KIND";
        }
        String amount = amount(p.getAmount().getAmountMinor(), p.getAmount().getCurrency());
        if (!DeviceCheck.OK.equals(amount)) {
            return amount;
        }
        boolean coin = p.getMethod() == PaymentMethod.AOT_COIN;
        Currency currency = p.getAmount().getCurrency();
        if (p.getKind() != TransactionKind.POINT_SWAP && coin != (currency == Currency.AOT)) {
            return "CURRENCY_METHOD_MISMATCH";
        }
        if (Math.abs(p.getCreatedAtMillis().toEpochMilli() - receivedAtMillis) > maxClockSkewMs) {
            return "CLOCK_SKEW";
        }
        return DeviceCheck.check(p, terminal);
    }

    public String check(ChainTransfer c) {
        if (!ID.matcher(c.getTransferId()).matches()) {
            return "BAD_TX_ID";
        }
        if (!c.getSucceeded()) {
            return "CHAIN_TX_FAILED";
        }
        return amount(c.getAmount().getAmountMinor(), c.getAmount().getCurrency());
    }

    private String amount(BigDecimal minor, Currency currency) {
        BigInteger exact;
        try {
            exact = minor.toBigIntegerExact();
        } catch (ArithmeticException e) {
            return "AMOUNT_NOT_INTEGER";
        }
        if (!Amounts.inRange(exact)) {
            return "AMOUNT_OUT_OF_RANGE";
        }
        return exact.compareTo(limits.maxMinor(currency)) > 0 ? "AMOUNT_OVER_LIMIT" : DeviceCheck.OK;
    }
}
