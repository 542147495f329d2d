package io.aot.cli.audit;

import io.aot.avro.TerminalPayment;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.types.Evidence;
import io.aot.consensus.types.ValidatorSet;
import io.aot.ledger.state.LedgerTxCodec;
import io.aot.ledger.terminal.DeviceCheck;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-verifies committed blocks off the commit path (docs/architecture.md, trust model): each block's commit
 * certificate against the genesis validator set, its link to the previous block and its transaction root, and every
 * terminal payment's device signature against the key the registry holds for that terminal. A revoked terminal's key
 * still verifies its earlier payments; a payment it signed after the revocation is a finding. Evidence of validator
 * misbehaviour committed in the blocks is verified again and listed by height: it is a record, not a finding, unless
 * it does not verify or the header does not commit to it.
 */
public final class ChainAuditor {

    /** Something wrong in a committed block. {@code index} is -1 for a block-level finding. */
    public record Finding(long height, int index, String txId, String code, String detail) {
    }

    /**
     * A piece of evidence committed in the block at {@code height}: {@code validator} (its address) committed
     * {@code offence} ({@link Evidence#offence}: kind/validator index/height/round[/vote type]) at
     * {@code offenceHeight}.
     */
    public record CommittedEvidence(long height, long offenceHeight, String validator, String offence,
            String description) {
    }

    /** Totals of one audit. */
    public record Report(long blocks, long payments, long chainTransfers, List<Finding> findings,
            List<CommittedEvidence> evidence) {
        public boolean clean() {
            return findings.isEmpty();
        }
    }

    private final Genesis genesis;
    private final TerminalDirectory terminals;
    private final LedgerTxCodec codec = new LedgerTxCodec();

    public ChainAuditor(Genesis genesis, TerminalDirectory terminals) {
        this.genesis = genesis;
        this.terminals = terminals;
    }

    /** @param previous the block before the first one audited, or null when auditing from height 1 */
    public Report audit(WireCodec.CommittedBlock previous, List<WireCodec.CommittedBlock> blocks) {
        List<Finding> findings = new ArrayList<>();
        List<CommittedEvidence> evidence = new ArrayList<>();
        ValidatorSet validators = genesis.validatorSet();
        long paymentCount = 0;
        long chainCount = 0;
        Hash previousId = previous == null ? null : previous.block().id();
        for (WireCodec.CommittedBlock c : blocks) {
            long h = c.block().height();
            String certificate = c.certificate().verify(genesis.chainId(), genesis.validatorSet(), h, c.block().id());
            if (certificate != null) {
                findings.add(new Finding(h, -1, null, "BAD_CERTIFICATE", certificate));
            }
            if (!c.block().txsMatchHeader()) {
                findings.add(new Finding(h, -1, null, "TX_ROOT_MISMATCH", "transactions do not hash to the header root"));
            }
            if (!c.block().header().evidenceHash().equals(Evidence.listHash(c.block().evidence()))) {
                findings.add(new Finding(h, -1, null, "EVIDENCE_HASH_MISMATCH",
                        "evidence does not hash to the header's evidence hash"));
            }
            for (Evidence e : c.block().evidence()) {
                String why = e.verify(genesis.chainId(), validators);
                if (why != null) {
                    findings.add(new Finding(h, -1, null, "BAD_EVIDENCE", e.offence() + ": " + why));
                }
                String validator = e.validatorIndex() >= 0 && e.validatorIndex() < validators.size()
                        ? validators.get(e.validatorIndex()).address() : "index " + e.validatorIndex();
                evidence.add(new CommittedEvidence(h, e.height(), validator, e.offence(), e.toString()));
            }
            if (previousId != null && !previousId.equals(c.block().header().lastBlockId())) {
                findings.add(new Finding(h, -1, null, "BROKEN_LINK", "does not point at block " + (h - 1)));
            }
            previousId = c.block().id();
            List<byte[]> txs = c.block().txs();
            for (int i = 0; i < txs.size(); i++) {
                LedgerTxCodec.Decoded tx = codec.decode(txs.get(i));
                if (tx.payment() != null) {
                    TerminalPayment p = tx.payment();
                    paymentCount++;
                    String code = checkDevice(p);
                    if (code != null) {
                        findings.add(new Finding(h, i, p.getTxId(), code, "terminal " + p.getTerminalId()));
                    }
                } else if (tx.chainTransfer() != null) {
                    chainCount++; // signed on Klaytn, checked there; nothing of ours to re-verify
                } else {
                    findings.add(new Finding(h, i, null, "UNDECODABLE", tx.refusal()));
                }
            }
        }
        return new Report(blocks.size(), paymentCount, chainCount, List.copyOf(findings), List.copyOf(evidence));
    }

    private String checkDevice(TerminalPayment p) {
        Optional<Terminal> registered = terminals.find(p.getTerminalId());
        if (registered.isEmpty()) {
            return "UNKNOWN_TERMINAL";
        }
        Terminal t = registered.get();
        if (!t.merchantId().equals(p.getMerchantId())) {
            return "MERCHANT_MISMATCH";
        }
        String signature = DeviceCheck.checkSignature(p, t);
        if (!DeviceCheck.OK.equals(signature)) {
            return signature;
        }
        if (t.revokedAt() != null && p.getCreatedAtMillis().isAfter(t.revokedAt())) {
            return "SIGNED_AFTER_REVOCATION";
        }
        return null;
    }
}
