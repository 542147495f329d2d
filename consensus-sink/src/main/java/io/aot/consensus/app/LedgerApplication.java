package io.aot.consensus.app;

import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.BlockHeader;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.ledger.state.LedgerStateMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * The payment ledger as the validators' application: {@link LedgerStateMachine} behind the ABCI++-shaped interface.
 * The ledger re-verifies per transaction only what moves a customer's own funds (wallet signatures); batches were
 * endorsed at submission and device signatures stay in the blocks for audit (docs/architecture.md, trust model).
 */
public final class LedgerApplication implements Application {

    private final LedgerStateMachine ledger;
    private final int maxTxBytes;

    public LedgerApplication(LedgerGenesis genesis, int maxTxBytes) {
        this(new LedgerStateMachine(genesis), maxTxBytes);
    }

    private LedgerApplication(LedgerStateMachine ledger, int maxTxBytes) {
        this.ledger = ledger;
        this.maxTxBytes = maxTxBytes;
    }

    /**
     * The ledger at a snapshot's height ({@link #snapshot}), over the same genesis.
     *
     * @throws IllegalArgumentException if the bytes are not a canonical ledger snapshot (says why)
     */
    public static LedgerApplication restore(LedgerGenesis genesis, int maxTxBytes, byte[] snapshot) {
        return new LedgerApplication(LedgerStateMachine.restore(genesis, snapshot), maxTxBytes);
    }

    @Override
    public TxCheck checkTx(byte[] tx) {
        if (tx.length == 0 || tx.length > maxTxBytes) {
            return TxCheck.refused("TX_SIZE");
        }
        String code = ledger.check(tx);
        return "OK".equals(code) ? TxCheck.OK : TxCheck.refused(code);
    }

    /** The ledger's admission only decodes the transaction (every other rule is a recorded outcome): no state read. */
    @Override
    public boolean checkTxReadsState() {
        return false;
    }

    @Override
    public List<byte[]> prepareProposal(long height, List<byte[]> candidates, long maxBytes) {
        List<byte[]> chosen = new ArrayList<>();
        long bytes = 0;
        for (byte[] tx : candidates) {
            if (bytes + tx.length <= maxBytes && checkTx(tx).accepted()) {
                chosen.add(tx);
                bytes += tx.length;
            }
        }
        return chosen;
    }

    /**
     * A proposal is valid when every transaction would pass admission. Stateful refusals (funds, refund bounds) are
     * not a reason to reject a block: they are deterministic results recorded in it.
     */
    @Override
    public boolean processProposal(BlockHeader header, List<byte[]> txs) {
        for (byte[] tx : txs) {
            if (!checkTx(tx).accepted()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public BlockResult finalizeBlock(BlockHeader header, List<byte[]> txs) {
        LedgerStateMachine.BlockOutcome out = ledger.execute(header.height(), header.timeMillis(), txs);
        List<TxResult> results = new ArrayList<>(out.outcomes().size());
        for (LedgerStateMachine.Outcome o : out.outcomes()) {
            results.add(new TxResult(o.code(), events(o)));
        }
        return new BlockResult(results, Hash.of(out.appHash()));
    }

    /** The outcome's ledger events, {@code transfer|from|to|asset|amount} per transfer, as followers read them. */
    public static List<String> events(LedgerStateMachine.Outcome o) {
        List<String> events = new ArrayList<>(o.transfers().size());
        o.transfers().forEach(t -> events.add("transfer|" + t.from() + "|" + t.to() + "|" + t.asset() + "|" + t.amount()));
        return events;
    }

    @Override
    public void commit() {
        ledger.commit();
    }

    @Override
    public Hash lastAppHash() {
        return Hash.of(ledger.appHash());
    }

    @Override
    public long lastCommittedHeight() {
        return ledger.height();
    }

    /** {@link LedgerStateMachine#snapshot}: balances, payment records, results by transaction id, app hash, height. */
    @Override
    public byte[] snapshot() {
        return ledger.snapshot();
    }

    /** Read access for queries and tests. */
    public LedgerStateMachine ledger() {
        return ledger;
    }
}
