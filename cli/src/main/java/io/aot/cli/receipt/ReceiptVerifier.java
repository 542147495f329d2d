package io.aot.cli.receipt;

import io.aot.consensus.node.Genesis;
import io.aot.ledger.state.LedgerTxCodec;

/**
 * Checks a receipt against the genesis alone, in the order a verifier trusts things: the certificate proves the header
 * was committed by more than 2/3 of the genesis voting power; the Merkle proof puts the transaction under that header;
 * the transaction is the one the receipt names.
 */
public final class ReceiptVerifier {

    /** {@code ok} or the first check that failed, with why. */
    public record Verdict(boolean ok, String check, String reason) {
        static Verdict pass() {
            return new Verdict(true, "ALL", "certificate, proof and transaction hold");
        }

        static Verdict fail(String check, String reason) {
            return new Verdict(false, check, reason);
        }
    }

    private ReceiptVerifier() {
    }

    public static Verdict verify(Receipt r, Genesis genesis) {
        if (!genesis.chainId().equals(r.header().chainId())) {
            return Verdict.fail("CHAIN", "header is of chain " + r.header().chainId() + ", genesis of " + genesis.chainId());
        }
        if (r.header().height() != r.height()) {
            return Verdict.fail("HEIGHT", "receipt says height " + r.height() + ", header " + r.header().height());
        }
        String certificate = r.certificate().verify(genesis.chainId(), genesis.validatorSet(), r.height(),
                r.header().id());
        if (certificate != null) {
            return Verdict.fail("CERTIFICATE", certificate);
        }
        if (r.proof().index() != r.index() || !r.proof().verify(r.header().txRoot(), r.tx())) {
            return Verdict.fail("MERKLE_PROOF", "the transaction is not at index " + r.index() + " under the header's "
                    + "transaction root");
        }
        String id = txId(r.tx());
        if (!r.txId().equals(id)) {
            return Verdict.fail("TX_ID", "the proven transaction is " + id + ", the receipt names " + r.txId());
        }
        return Verdict.pass();
    }

    static String txId(byte[] tx) {
        LedgerTxCodec.Decoded d = new LedgerTxCodec().decode(tx);
        return d.refusal() == null ? d.txId() : "(undecodable: " + d.refusal() + ")";
    }
}
