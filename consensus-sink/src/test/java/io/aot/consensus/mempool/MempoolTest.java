package io.aot.consensus.mempool;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.Application;
import io.aot.consensus.app.KeyValueApplication;
import io.aot.consensus.crypto.Hash;
import io.aot.consensus.types.BlockHeader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MempoolTest {

    private static byte[] tx(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private final Mempool pool = new Mempool(new KeyValueApplication(), 5, 40, 16);

    @Test
    void admitsDedupesAndRefusesWithReasons() {
        assertThat(pool.add(tx("a1=x"), "a").admission()).isEqualTo(Mempool.Admission.ADDED);
        assertThat(pool.add(tx("a1=x"), "a").admission()).isEqualTo(Mempool.Admission.DUPLICATE);
        assertThat(pool.add(tx("no-equals-sign"), "n")).isEqualTo(new Mempool.Result(Mempool.Admission.REJECTED, "MALFORMED"));
        assertThat(pool.add(tx("a=" + "x".repeat(20)), "a")).isEqualTo(new Mempool.Result(Mempool.Admission.REJECTED, "TX_SIZE"));
        assertThat(pool.add(new byte[0], "a").admission()).isEqualTo(Mempool.Admission.REJECTED);
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void boundedInCountAndBytesWithBackPressure() {
        for (int i = 0; i < 5; i++) {
            assertThat(pool.add(tx("b" + i + "=x"), "b").admission()).isEqualTo(Mempool.Admission.ADDED);
        }
        assertThat(pool.add(tx("c=x"), "c").admission()).isEqualTo(Mempool.Admission.FULL);
        pool.update(List.of(tx("b0=x")));
        assertThat(pool.add(tx("c=x"), "c").admission()).isEqualTo(Mempool.Admission.ADDED);

        Mempool small = new Mempool(new KeyValueApplication(), 100, 10, 16);
        assertThat(small.add(tx("k1=12345"), "k").admission()).isEqualTo(Mempool.Admission.ADDED);
        assertThat(small.add(tx("k2=12345"), "k").admission()).isEqualTo(Mempool.Admission.FULL);
        assertThat(small.bytes()).isEqualTo(8);
    }

    @Test
    void aFullPoolStillKnowsWhatItHolds() {
        for (int i = 0; i < 5; i++) {
            pool.add(tx("h" + i + "=x"), "h");
        }
        assertThat(pool.hasRoomFor(1, 4)).isFalse();
        assertThat(pool.holdsAll(List.of(tx("h0=x"), tx("h4=x")))).isTrue();
        assertThat(pool.holdsAll(List.of(tx("h0=x"), tx("new=x")))).isFalse();
        pool.update(List.of(tx("h0=x")));
        assertThat(pool.holdsAll(List.of(tx("h0=x")))).as("committed recently").isTrue();
    }

    @Test
    void reapTakesSendersInTurnAndKeepsEachSendersOrder() {
        pool.add(tx("a1=x"), "a");
        pool.add(tx("a2=x"), "a");
        pool.add(tx("a3=x"), "a");
        pool.add(tx("b1=x"), "b");
        pool.add(tx("c1=x"), "c");

        List<String> reaped = pool.reap(10, 1000).stream().map(t -> new String(t, StandardCharsets.UTF_8)).toList();

        assertThat(reaped).containsExactly("a1=x", "b1=x", "c1=x", "a2=x", "a3=x");
        assertThat(pool.reap(2, 1000)).hasSize(2);
        assertThat(pool.reap(10, 9)).hasSize(2); // 4 bytes each
    }

    @Test
    void aCommittedTransactionArrivingLateByGossipIsNotTakenAgain() {
        assertThat(pool.add(tx("g1=x"), "g").admission()).isEqualTo(Mempool.Admission.ADDED);
        pool.update(List.of(tx("g1=x"), tx("g2=x"))); // g2 was committed from another validator's mempool
        assertThat(pool.add(tx("g1=x"), "g").admission()).isEqualTo(Mempool.Admission.DUPLICATE);
        assertThat(pool.add(tx("g2=x"), "g").admission()).isEqualTo(Mempool.Admission.DUPLICATE);
        assertThat(pool.size()).isZero();
    }

    @Test
    void aCheckThatReadsStateIsRepeatedAfterACommitAndDropsWhatTheNewStateRefuses() {
        WriteOnceKeys app = new WriteOnceKeys(true);
        Mempool stateful = new Mempool(app, 10, 1000, 16);
        stateful.add(tx("a=1"), "s");
        stateful.add(tx("a=2"), "t");
        stateful.add(tx("b=1"), "t");
        assertThat(app.checks).isEqualTo(3);

        app.committedKeys.add("a");
        stateful.update(List.of(tx("a=1")));

        assertThat(app.checks).isEqualTo(5); // a=2 and b=1 checked again
        assertThat(stateful.reap(10, 1000)).extracting(t -> new String(t, StandardCharsets.UTF_8)).containsExactly("b=1");
    }

    @Test
    void aStatelessCheckIsNotRepeatedAfterACommit() {
        WriteOnceKeys app = new WriteOnceKeys(false);
        Mempool stateless = new Mempool(app, 10, 1000, 16);
        stateless.add(tx("a=1"), "s");
        stateless.add(tx("b=1"), "s");
        stateless.add(tx("c=1"), "s");

        stateless.update(List.of(tx("a=1")));

        assertThat(app.checks).isEqualTo(3);
        assertThat(stateless.size()).isEqualTo(2);
    }

    /** Refuses a key once a committed block set it; counts its checks; says whether its check reads state. */
    private static final class WriteOnceKeys implements Application {
        final Set<String> committedKeys = new HashSet<>();
        final boolean readsState;
        int checks;

        WriteOnceKeys(boolean readsState) {
            this.readsState = readsState;
        }

        @Override
        public TxCheck checkTx(byte[] tx) {
            checks++;
            String key = new String(tx, StandardCharsets.UTF_8).split("=", 2)[0];
            return committedKeys.contains(key) ? TxCheck.refused("KEY_TAKEN") : TxCheck.OK;
        }

        @Override
        public boolean checkTxReadsState() {
            return readsState;
        }

        @Override
        public List<byte[]> prepareProposal(long height, List<byte[]> candidates, long maxBytes) {
            return candidates;
        }

        @Override
        public boolean processProposal(BlockHeader header, List<byte[]> txs) {
            return true;
        }

        @Override
        public BlockResult finalizeBlock(BlockHeader header, List<byte[]> txs) {
            throw new UnsupportedOperationException("the mempool never executes blocks");
        }

        @Override
        public void commit() {
            throw new UnsupportedOperationException("the mempool never commits");
        }

        @Override
        public Hash lastAppHash() {
            throw new UnsupportedOperationException("the mempool never reads the app hash");
        }

        @Override
        public long lastCommittedHeight() {
            return 0;
        }
    }
}
