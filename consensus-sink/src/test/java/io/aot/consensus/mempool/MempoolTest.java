package io.aot.consensus.mempool;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.consensus.app.KeyValueApplication;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
}
