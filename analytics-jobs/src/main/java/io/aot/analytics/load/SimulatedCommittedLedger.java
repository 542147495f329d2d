package io.aot.analytics.load;

import io.aot.avro.CommittedTransaction;
import io.aot.consensus.app.LedgerApplication;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.jobs.store.CommittedRecords;
import io.aot.ledger.state.LedgerStateMachine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded committed ledger without running consensus: the simulator's market (one simulated Seoul day) executed by
 * the validators' own state machine in blocks, each outcome turned into a {@link CommittedTransaction} by the store
 * job's own record builder. What the analytics and ad jobs would read from {@code aot.ledger.committed.v1}, with real
 * refusals, rewards, point swaps and refunds; same seed, same records. For tests and benchmarks of the readers.
 */
public final class SimulatedCommittedLedger {

    public static final String CHAIN_ID = "aot-simulated";

    private SimulatedCommittedLedger() {
    }

    /**
     * {@code count} records of the day starting at {@code dayStart}, in commit order, {@code blockTxs} per block.
     * Blocks commit 2 s after the payment time of their first transaction.
     */
    public static List<CommittedTransaction> generate(Fleet fleet, long seed, int count, Instant dayStart,
            int blockTxs) {
        PaymentSimulator simulator = new PaymentSimulator(fleet, seed, count, dayStart, 0);
        LedgerStateMachine ledger = new LedgerStateMachine(fleet.ledgerGenesis(10_000));
        CommittedRecords records = new CommittedRecords(CHAIN_ID);
        List<CommittedTransaction> out = new ArrayList<>(count);
        long height = 0;
        while (simulator.hasNext()) {
            List<PaymentSimulator.SimulatedTx> block = new ArrayList<>(blockTxs);
            while (simulator.hasNext() && block.size() < blockTxs) {
                block.add(simulator.next());
            }
            height++;
            long blockTime = block.get(0).payment().getCreatedAtMillis().toEpochMilli() + 2_000;
            List<byte[]> txs = block.stream().map(PaymentSimulator.SimulatedTx::value).toList();
            LedgerStateMachine.BlockOutcome outcome = ledger.execute(height, blockTime, txs);
            ledger.commit();
            String blockHash = HexFormat.of().formatHex(outcome.appHash());
            for (int i = 0; i < txs.size(); i++) {
                LedgerStateMachine.Outcome o = outcome.outcomes().get(i);
                out.add(records.toRecord(new CommittedTx(height, i, txs.size(), blockHash, blockTime, o.code(),
                        LedgerApplication.events(o).toArray(new String[0]), txs.get(i))));
            }
        }
        return out;
    }

    /**
     * The same records in a realistic arrival order: walking from the end, each is swapped with one at most
     * {@code maxDisplacement} places before it (chains of swaps can carry a record further, rarely), and every
     * {@code lateEvery}-th one (when > 0) arrives {@code lateBy} places after its turn, as a terminal that was offline
     * would deliver it. Deterministic per seed.
     */
    public static <T> List<T> disorder(List<T> inOrder, long seed, int maxDisplacement, int lateEvery, int lateBy) {
        List<T> out = new ArrayList<>(inOrder);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = Math.max(0, i - random.nextInt(maxDisplacement + 1));
            T t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        if (lateEvery > 0) {
            for (int i = out.size() - 1 - lateBy; i >= 0; i -= lateEvery) {
                out.add(i + lateBy, out.remove(i));
            }
        }
        return out;
    }
}
