package io.aot.jobs.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.avro.Rejection;
import io.aot.jobs.ingest.model.LedgerTx;
import io.aot.jobs.ingest.model.SourceRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Dedupe and per-terminal ordering in Flink's keyed operator harness, including restore from a snapshot. */
class KeyedOperatorsTest {

    private static LedgerTx tx(String terminal, long seq) {
        return tx(terminal + "-" + seq, terminal, seq);
    }

    private static LedgerTx tx(String id, String terminal, long seq) {
        return new LedgerTx(id, terminal, seq, id.getBytes(), new SourceRecord("t", 0, seq, 0, terminal, new byte[0]));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, LedgerTx, LedgerTx> dedupe() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeByTxIdFunction(Duration.ofHours(1))), t -> t.orderKey, Types.STRING);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, LedgerTx, LedgerTx> order(long holdMs, int maxHeld)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TerminalSequenceOrderFunction(holdMs, maxHeld)), t -> t.orderKey,
                Types.STRING);
    }

    private static List<String> ids(KeyedOneInputStreamOperatorTestHarness<String, LedgerTx, LedgerTx> h) {
        return h.extractOutputValues().stream().map(t -> t.txId).toList();
    }

    private static List<String> rejections(KeyedOneInputStreamOperatorTestHarness<String, LedgerTx, LedgerTx> h) {
        List<String> out = new ArrayList<>();
        if (h.getSideOutput(Rejections.TAG) != null) {
            for (StreamRecord<Rejection> r : h.getSideOutput(Rejections.TAG)) {
                out.add(r.getValue().getTxId() + ":" + r.getValue().getReasonCode());
            }
        }
        return out;
    }

    @Test
    void aTxIdPassesOnceAndTheMemorySurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = dedupe()) {
            h.open();
            h.processElement(tx("a", "T1", 1), 0);
            h.processElement(tx("b", "T1", 2), 0);
            h.processElement(tx("a", "T1", 1), 0);
            assertThat(ids(h)).containsExactly("a", "b");
            assertThat(rejections(h)).containsExactly("a:DUPLICATE_TX");
            snapshot = h.snapshot(1, 10);
        }
        try (var h = dedupe()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(tx("b", "T1", 2), 0);
            h.processElement(tx("c", "T1", 3), 0);
            assertThat(ids(h)).containsExactly("c");
            assertThat(rejections(h)).containsExactly("b:DUPLICATE_TX");
        }
    }

    /**
     * A terminal's retry of a transaction under its next sequence passes (the ledger decides it by id: it executes a
     * retry of a refund refused UNKNOWN_ORIGINAL); the same submission again is a duplicate; chain transfers, which
     * have no sequence, dedupe by id alone.
     */
    @Test
    void aRetryUnderANewSequencePassesAndTheSameSubmissionDoesNot() throws Exception {
        try (var h = dedupe()) {
            h.open();
            h.processElement(tx("refund-1", "T1", 1), 0);
            h.processElement(tx("refund-1", "T1", 2), 0);
            h.processElement(tx("refund-1", "T1", 2), 0);
            h.processElement(tx("chain-1", "chain:0xa", LedgerTx.UNSEQUENCED), 0);
            h.processElement(tx("chain-1", "chain:0xa", LedgerTx.UNSEQUENCED), 0);
            assertThat(ids(h)).containsExactly("refund-1", "refund-1", "chain-1");
            assertThat(rejections(h)).containsExactly("refund-1:DUPLICATE_TX", "chain-1:DUPLICATE_TX");
        }
    }

    @Test
    void outOfOrderArrivalsAreReleasedInSequenceOrder() throws Exception {
        try (var h = order(5_000, 100)) {
            h.open();
            for (long s : new long[] {3, 1, 2, 6, 4, 5}) {
                h.processElement(tx("T1", s), 0);
            }
            h.processElement(tx("T2", 1), 0);
            assertThat(ids(h)).containsExactly("T1-1", "T1-2", "T1-3", "T1-4", "T1-5", "T1-6", "T2-1");
            assertThat(rejections(h)).isEmpty();
        }
    }

    @Test
    void aReusedSequenceIsRefusedWhetherReleasedOrHeld() throws Exception {
        try (var h = order(5_000, 100)) {
            h.open();
            h.processElement(tx("T1", 1), 0);
            h.processElement(tx("other-1", "T1", 1), 0);
            h.processElement(tx("T1", 3), 0);
            h.processElement(tx("other-3", "T1", 3), 0);
            assertThat(ids(h)).containsExactly("T1-1");
            assertThat(rejections(h)).containsExactly("other-1:SEQUENCE_REUSED", "other-3:SEQUENCE_REUSED");
        }
    }

    @Test
    void aGapIsSkippedAfterTheHoldTimeAndHeldOnesSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = order(5_000, 100)) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(tx("T1", 1), 0);
            h.processElement(tx("T1", 4), 0);
            h.processElement(tx("T1", 5), 0);
            h.setProcessingTime(5_999);
            assertThat(ids(h)).containsExactly("T1-1");
            snapshot = h.snapshot(1, 6_000);
        }
        try (var h = order(5_000, 100)) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(6_000); // the restored timer fires: 2 and 3 never came
            assertThat(ids(h)).containsExactly("T1-4", "T1-5");
            h.processElement(tx("T1", 2), 0); // too late now
            h.processElement(tx("T1", 6), 0);
            assertThat(ids(h)).containsExactly("T1-4", "T1-5", "T1-6");
            assertThat(rejections(h)).containsExactly("T1-2:SEQUENCE_REUSED");
        }
    }

    @Test
    void theHoldIsBoundedPerTerminal() throws Exception {
        try (var h = order(60_000, 3)) {
            h.open();
            for (long s = 10; s <= 13; s++) {
                h.processElement(tx("T1", s), 0);
            }
            // the fourth held transaction exceeds the bound: the gap 1..9 is given up at once
            assertThat(ids(h)).containsExactly("T1-10", "T1-11", "T1-12", "T1-13");
        }
    }

    @Test
    void unsequencedChainTransfersPassAsTheyCome() throws Exception {
        try (var h = order(5_000, 3)) {
            h.open();
            h.processElement(tx("0xb:0", "chain:0x1", LedgerTx.UNSEQUENCED), 0);
            h.processElement(tx("0xa:0", "chain:0x1", LedgerTx.UNSEQUENCED), 0);
            assertThat(ids(h)).containsExactly("0xb:0", "0xa:0");
        }
    }
}
