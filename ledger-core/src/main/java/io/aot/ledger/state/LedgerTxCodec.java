package io.aot.ledger.state;

import io.aot.avro.ChainTransfer;
import io.aot.avro.TerminalPayment;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;

/**
 * What a ledger transaction's bytes are: a {@link TerminalPayment} or a {@link ChainTransfer} (single-object Avro,
 * told apart by the schema fingerprint), or a refusal code. The one decoder of the validators, the store job, the
 * auditor and receipts, so they all read a transaction the same way.
 */
public final class LedgerTxCodec {

    /** Exactly one of the three is set. */
    public record Decoded(TerminalPayment payment, ChainTransfer chainTransfer, String refusal) {
        /** The transaction id, or null when the bytes were refused. */
        public String txId() {
            if (payment != null) {
                return payment.getTxId();
            }
            return chainTransfer != null ? chainTransfer.getTransferId() : null;
        }
    }

    private final AvroCodec<TerminalPayment> payments = AvroCodec.of(TerminalPayment.class);
    private final AvroCodec<ChainTransfer> chainTransfers = AvroCodec.of(ChainTransfer.class);

    /** A payment's own decode error is its refusal; only a foreign fingerprint is tried as a chain transfer. */
    public Decoded decode(byte[] tx) {
        try {
            return new Decoded(payments.decode(tx), null, null);
        } catch (AvroDecodeException e) {
            if (e.reason() != AvroDecodeException.Reason.UNKNOWN_FINGERPRINT) {
                return new Decoded(null, null, e.reasonCode());
            }
        }
        try {
            return new Decoded(null, chainTransfers.decode(tx), null);
        } catch (AvroDecodeException e) {
            return new Decoded(null, null,
                    e.reason() == AvroDecodeException.Reason.UNKNOWN_FINGERPRINT ? "UNKNOWN_TX_TYPE" : e.reasonCode());
        }
    }
}
