package io.aot.jobs.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.crypto.MerkleTree;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.consensus.types.BlockHeader;
import io.aot.jobs.ingest.TestFleet;
import io.aot.ledger.state.LedgerGenesisFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The baseline's in-process ledger: blocks cut by size and by timer, a chained header per block, real ledger results. */
class SingleNodeLedgerFunctionTest {

    private static final long SEED = 5;
    private static final WireCodec WIRE = new WireCodec(WireCodec.Limits.defaults());

    @TempDir
    Path dir;

    private KeyedOneInputStreamOperatorTestHarness<Integer, byte[], CommittedTx> harness(int maxBlockTxs)
            throws Exception {
        Path genesis = dir.resolve("ledger-genesis.properties");
        LedgerGenesisFile.write(TestFleet.fleet(SEED).ledgerGenesis(1_000_000), genesis);
        KeySelector<byte[], Integer> constant = tx -> 0;
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SingleNodeLedgerFunction("bench", genesis, maxBlockTxs, 100)), constant,
                Types.INT);
    }

    private static List<byte[]> payments(int n) {
        var sim = TestFleet.simulator(SEED, n, 0);
        List<byte[]> out = new ArrayList<>();
        while (sim.hasNext()) {
            out.add(sim.next().value());
        }
        return out;
    }

    @Test
    void cutsFullBlocksAtOnceAndTheRestOnItsTimerAsAChainOfHeaders() throws Exception {
        List<byte[]> txs = payments(5);
        try (var h = harness(2)) {
            h.open();
            h.setProcessingTime(1_000);
            for (byte[] tx : txs) {
                h.processElement(new StreamRecord<>(tx));
            }
            assertThat(h.extractOutputValues()).hasSize(2 * 3); // two full blocks: a block record and two txs each
            h.setProcessingTime(1_099);
            assertThat(h.extractOutputValues()).hasSize(6);
            h.setProcessingTime(1_100); // the fifth waited blockIntervalMs for company
            h.processElement(new StreamRecord<>(txs.get(0))); // a replay of the first payment
            h.setProcessingTime(1_300); // its block at 1,200, then an empty one at 1,300

            List<CommittedTx> out = h.extractOutputValues();
            List<CommittedTx> blocks = out.stream().filter(CommittedTx::blockRecord).toList();
            assertThat(blocks).extracting(b -> b.height).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(blocks).extracting(b -> b.blockTxCount).containsExactly(2, 2, 1, 1, 0);
            assertThat(blocks).extracting(b -> b.blockTimeMillis).containsExactly(1_000L, 1_001L, 1_100L, 1_200L,
                    1_300L);
            BlockHeader previous = null;
            int next = 0;
            for (CommittedTx b : blocks) {
                BlockHeader header = WIRE.readHeader(new CanonicalReader(b.headerBytes));
                assertThat(header.height()).isEqualTo(b.height);
                assertThat(header.id().hex()).isEqualTo(b.blockHashHex);
                if (previous != null) {
                    assertThat(header.lastBlockId()).isEqualTo(previous.id());
                }
                List<byte[]> blockTxs = out.stream().filter(t -> !t.blockRecord() && t.height == b.height)
                        .map(t -> t.tx).toList();
                assertThat(header.txRoot()).isEqualTo(MerkleTree.root(blockTxs));
                previous = header;
                next += blockTxs.size();
            }
            assertThat(next).isEqualTo(6);

            List<CommittedTx> results = out.stream().filter(t -> !t.blockRecord()).toList();
            assertThat(results.subList(0, 5)).allSatisfy(t -> {
                assertThat(t.resultCode).isEqualTo("OK");
                assertThat(t.events).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith("transfer|"));
            });
            assertThat(results.subList(0, 5)).extracting(t -> t.tx).containsExactlyElementsOf(txs);
            assertThat(results.get(5).resultCode).isEqualTo("DUPLICATE_TX"); // the ledger's own replay rule
            assertThat(results).extracting(t -> t.index).containsExactly(0, 1, 0, 1, 0, 0);
        }
    }

    @Test
    void refusesToRestoreBecauseItsLedgerLivesInMemoryOnly() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(10)) {
            h.open();
            h.processElement(new StreamRecord<>(payments(1).get(0)));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(10)) {
            assertThatThrownBy(() -> {
                restored.initializeState(snapshot);
                restored.open();
            }).hasStackTraceContaining("cannot be restored");
        }
    }
}
