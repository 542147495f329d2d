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

    private static final Mempool.BatchResult ADDED = new Mempool.BatchResult(false, 1, 0, 0);
    private static final Mempool.BatchResult DUPLICATE = new Mempool.BatchResult(false, 0, 1, 0);
    private static final Mempool.BatchResult REFUSED = new Mempool.BatchResult(false, 0, 0, 1);
    private static final Mempool.BatchResult FULL = new Mempool.BatchResult(true, 0, 0, 0);

    private Mempool.BatchResult add(Mempool pool, String tx, String sender) {
        return pool.addBatch(List.of(tx(tx)), sender);
    }

    @Test
    void admitsDedupesAndRefuses() {
        assertThat(add(pool, "a1=x", "a")).isEqualTo(ADDED);
        assertThat(add(pool, "a1=x", "a")).isEqualTo(DUPLICATE);
        assertThat(add(pool, "no-equals-sign", "n")).as("the application's check").isEqualTo(REFUSED);
        assertThat(add(pool, "a=" + "x".repeat(20), "a")).as("over the size bound").isEqualTo(REFUSED);
        assertThat(pool.addBatch(List.of(new byte[0]), "a")).isEqualTo(REFUSED);
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void boundedInCountAndBytesWithBackPressure() {
        for (int i = 0; i < 5; i++) {
            assertThat(add(pool, "b" + i + "=x", "b")).isEqualTo(ADDED);
        }
        assertThat(add(pool, "c=x", "c")).isEqualTo(FULL);
        pool.update(List.of(tx("b0=x")));
        assertThat(add(pool, "c=x", "c")).isEqualTo(ADDED);

        Mempool small = new Mempool(new KeyValueApplication(), 100, 10, 16);
        assertThat(add(small, "k1=12345", "k")).isEqualTo(ADDED);
        assertThat(add(small, "k2=12345", "k")).isEqualTo(FULL);
        assertThat(small.bytes()).isEqualTo(8);
    }

    @Test
    void aBatchIsAdmittedWholeOrNotAtAllAndAHeldBatchNeedsNoRoom() {
        assertThat(pool.addBatch(List.of(tx("h0=x"), tx("h1=x"), tx("h2=x"), tx("bad"), tx("h0=x")), "h"))
                .isEqualTo(new Mempool.BatchResult(false, 3, 1, 1));
        assertThat(pool.addBatch(List.of(tx("n0=x"), tx("n1=x"), tx("n2=x")), "n"))
                .as("room for 2 of 3 new: none enters").isEqualTo(new Mempool.BatchResult(true, 0, 0, 0));
        assertThat(pool.size()).isEqualTo(3);
        assertThat(pool.addBatch(List.of(tx("n0=x"), tx("n1=x")), "n")).isEqualTo(new Mempool.BatchResult(false, 2, 0, 0));
        assertThat(pool.addBatch(List.of(tx("h0=x"), tx("n1=x"), tx("bad")), "h"))
                .as("a full pool still takes a batch it holds").isEqualTo(new Mempool.BatchResult(false, 0, 2, 1));
        pool.update(List.of(tx("h0=x")));
        assertThat(pool.addBatch(List.of(tx("h0=x")), "h")).as("committed recently")
                .isEqualTo(new Mempool.BatchResult(false, 0, 1, 0));
    }

    /**
     * Fault 6 of the Byzantine issue, as it was reproduced: one 200-transaction batch racing seven single ones against
     * room for 206 was answered "accepted" with none of its transactions held. Every batch is now all in or all out.
     */
    @Test
    void concurrentBatchesNeverLeaveOneHalfAdmitted() throws Exception {
        for (int run = 0; run < 50; run++) {
            Mempool pool = new Mempool(new KeyValueApplication(), 206, 1 << 20, 64);
            pool.addBatch(java.util.stream.IntStream.range(0, 6).mapToObj(i -> tx("pre" + i + "=x")).toList(), "p");
            List<List<byte[]>> batches = new java.util.ArrayList<>();
            batches.add(java.util.stream.IntStream.range(0, 200).mapToObj(i -> tx("big" + i + "=x")).toList());
            for (int i = 0; i < 7; i++) {
                batches.add(List.of(tx("one" + i + "=x")));
            }
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Mempool.BatchResult>> results = new java.util.ArrayList<>();
            for (List<byte[]> b : batches) {
                results.add(threads.submit(() -> {
                    go.await();
                    return pool.addBatch(b, "e");
                }));
            }
            go.countDown();
            int added = 0;
            for (int i = 0; i < batches.size(); i++) {
                Mempool.BatchResult r = results.get(i).get();
                if (r.full()) {
                    assertThat(r.added()).isZero();
                } else {
                    assertThat(r.added()).as("a batch not refused is held whole").isEqualTo(batches.get(i).size());
                    added += r.added();
                }
            }
            threads.shutdown();
            assertThat(pool.size()).isEqualTo(6 + added).isLessThanOrEqualTo(206);
        }
    }

    @Test
    void reapTakesSendersInTurnAndKeepsEachSendersOrder() {
        add(pool, "a1=x", "a");
        add(pool, "a2=x", "a");
        add(pool, "a3=x", "a");
        add(pool, "b1=x", "b");
        add(pool, "c1=x", "c");

        List<String> reaped = pool.reap(10, 1000).stream().map(t -> new String(t, StandardCharsets.UTF_8)).toList();

        assertThat(reaped).containsExactly("a1=x", "b1=x", "c1=x", "a2=x", "a3=x");
        assertThat(pool.reap(2, 1000)).hasSize(2);
        assertThat(pool.reap(10, 9)).hasSize(2); // 4 bytes each
    }

    @Test
    void aCommittedTransactionArrivingLateByGossipIsNotTakenAgain() {
        assertThat(add(pool, "g1=x", "g")).isEqualTo(ADDED);
        pool.update(List.of(tx("g1=x"), tx("g2=x"))); // g2 was committed from another validator's mempool
        assertThat(add(pool, "g1=x", "g")).isEqualTo(DUPLICATE);
        assertThat(add(pool, "g2=x", "g")).isEqualTo(DUPLICATE);
        assertThat(pool.size()).isZero();
    }

    @Test
    void aCheckThatReadsStateIsRepeatedAfterACommitAndDropsWhatTheNewStateRefuses() {
        WriteOnceKeys app = new WriteOnceKeys(true);
        Mempool stateful = new Mempool(app, 10, 1000, 16);
        add(stateful, "a=1", "s");
        add(stateful, "a=2", "t");
        add(stateful, "b=1", "t");
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
        add(stateless, "a=1", "s");
        add(stateless, "b=1", "s");
        add(stateless, "c=1", "s");

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

        @Override
        public byte[] snapshot() {
            throw new UnsupportedOperationException("the mempool tests take no snapshots");
        }
    }
}
