package io.aot.ingestion.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aot.avro.ChainTransfer;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chain follower against a local JSON-RPC node (recorded Klaytn answer shapes) and a real Kafka broker: every AOT
 * transfer published once, in block order, with the fee-delegation fields; a crash before a commit and a restart
 * leave no gap and no duplicate; an unreachable node and garbage answers are retried, never published.
 */
@ExtendWith(KafkaExtension.class)
class ChainFollowerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private record Topics(String transfers, String positions) {
    }

    private static Topics topics(KafkaBroker kafka) throws Exception {
        String ns = "chain" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        return new Topics(Topic.CHAIN_TX.nameIn(ns), Topic.CHAIN_FOLLOWER_POSITION.nameIn(ns));
    }

    /** Records what the follower reported. */
    private static final class Reports implements ChainFollower.Listener {
        final List<Long> publishedUpTo = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();

        @Override
        public void published(long fromBlock, long toBlock, int transfers, long headBlock) {
            publishedUpTo.add(toBlock);
        }

        @Override
        public void retrying(String problem, long delayMs) {
            problems.add(problem);
        }

        long last() {
            return publishedUpTo.isEmpty() ? -1 : publishedUpTo.get(publishedUpTo.size() - 1);
        }
    }

    private static FollowerSettings settings(long from) {
        return FollowerSettings.of(1001, FakeKlaytnNode.TOKEN, from, 0).withMaxBlocksPerCommit(4)
                .withPolling(Duration.ofMillis(50), Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /** Runs a follower in a thread until it published block {@code untilBlock} (or failed). */
    private static Thread follow(ChainFollower follower, Reports reports, long untilBlock, List<Throwable> failures) {
        Thread t = new Thread(() -> {
            try {
                follower.run(() -> reports.last() < untilBlock && !Thread.currentThread().isInterrupted());
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "follower");
        t.start();
        return t;
    }

    private static List<ChainTransfer> readTransfers(KafkaBroker kafka, String topic, int expected) throws Exception {
        Properties c = new Properties();
        c.putAll(kafka.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<ChainTransfer> codec = AvroCodec.of(ChainTransfer.class);
        List<ChainTransfer> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (got.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    ChainTransfer t = codec.decode(r.value());
                    assertThat(r.key()).isEqualTo(t.getTxHash());
                    got.add(t);
                }
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                got.add(codec.decode(r.value())); // anything beyond the expected count is a duplicate
            }
        }
        got.sort((a, b) -> a.getBlockNumber() != b.getBlockNumber() ? Long.compare(a.getBlockNumber(), b.getBlockNumber())
                : Integer.compare(a.getLogIndex(), b.getLogIndex()));
        return got;
    }

    /** Two AOT transfers per block (see FakeKlaytnNode): tx 0 log 0 and tx 1 log 2. */
    private static List<String> expectedIds(long from, long to) {
        List<String> ids = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            ids.add(FakeKlaytnNode.txHash(n, 0) + ":0");
            ids.add(FakeKlaytnNode.txHash(n, 1) + ":2");
        }
        return ids;
    }

    @Test
    void publishesEveryAotTransferOnceWithItsFeeDelegation(KafkaBroker kafka) throws Exception {
        Topics t = topics(kafka);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (FakeKlaytnNode node = new FakeKlaytnNode(9)) {
            Reports reports = new Reports();
            try (ChainFollower follower = new ChainFollower(new CaverKlaytnRpc(node.url(), 5_000), kafka.bootstrapServers(),
                    t.transfers(), t.positions(), settings(0), Clock.systemUTC(), reports)) {
                Thread run = follow(follower, reports, 9, failures);
                run.join(WAIT.toMillis());
                assertThat(failures).isEmpty();
                assertThat(follower.committedPosition().getNextBlock()).isEqualTo(10);
                assertThat(follower.committedPosition().getTransfersPublished()).isEqualTo(20);
            }
        }
        List<ChainTransfer> got = readTransfers(kafka, t.transfers(), 20);
        assertThat(got).extracting(ChainTransfer::getTransferId).containsExactlyElementsOf(expectedIds(0, 9));

        ChainTransfer delegated = got.get(0);
        assertThat(delegated.getTxType()).isEqualTo("TxTypeFeeDelegatedSmartContractExecutionWithRatio");
        assertThat(delegated.getFromAddress()).isEqualTo("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b");
        assertThat(delegated.getToAddress()).isEqualTo("0x7b65b75d204abed71587c9e519a89277766ee1d0");
        assertThat(delegated.getAmount().getAmountMinor()).isEqualByComparingTo(new BigDecimal("10000000000000000000"));
        assertThat(delegated.getFeePayer()).isEqualTo("0x5a0043070275d9f6054307ee7348bd660849d90f");
        assertThat(delegated.getFeeRatioPercent()).isEqualTo(30);
        assertThat(delegated.getGasUsed()).isEqualTo(0xd6d8);
        assertThat(delegated.getGasPricePeb()).isEqualByComparingTo(new BigDecimal(25_000_000_000L));
        assertThat(delegated.getFeeKlay().getAmountMinor()).isEqualByComparingTo(
                new BigDecimal(25_000_000_000L * 0xd6d8));
        // the case: 30 % of 1,375,000,000,000,000 peb is the fee payer's; the ledger charges only that
        assertThat(delegated.getFeePayerShareKlay().getAmountMinor())
                .isEqualByComparingTo(new BigDecimal("412500000000000"));
        assertThat(delegated.getChargesTxFee()).isTrue();
        assertThat(delegated.getSenderTxHash()).startsWith("0x").isNotEqualTo(delegated.getTxHash());
        assertThat(delegated.getBlockHash()).isEqualTo(FakeKlaytnNode.blockHash(0));
        assertThat(delegated.getSucceeded()).isTrue();

        ChainTransfer own = got.get(1);
        assertThat(own.getTxType()).isEqualTo("TxTypeSmartContractExecution");
        assertThat(own.getFeePayer()).isNull();
        assertThat(own.getFeeRatioPercent()).isNull();
        assertThat(own.getSenderTxHash()).isNull();
        assertThat(own.getFeePayerShareKlay()).isNull();
        assertThat(own.getChargesTxFee()).isTrue(); // its first AOT log (log 2; log 1 is another contract's)
        assertThat(own.getAmount().getAmountMinor()).isEqualByComparingTo(new BigDecimal("1000000000000000000"));
    }

    @Test
    void aCrashBeforeACommitAndARestartLeaveNoGapAndNoDuplicate(KafkaBroker kafka) throws Exception {
        Topics t = topics(kafka);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (FakeKlaytnNode node = new FakeKlaytnNode(15)) {
            Reports first = new Reports();
            ChainFollower crashing = new ChainFollower(new CaverKlaytnRpc(node.url(), 5_000), kafka.bootstrapServers(),
                    t.transfers(), t.positions(), settings(0), Clock.systemUTC(), first);
            crashing.crashBeforeCommitAtBlockForTest(9); // blocks 0-3 and 4-7 commit; 8-11 is written, not committed
            Thread run = follow(crashing, first, 15, failures);
            run.join(WAIT.toMillis());
            assertThat(failures).singleElement().isInstanceOf(ChainFollower.SimulatedCrash.class);
            assertThat(first.last()).isEqualTo(7);
            crashing.close(); // the process is gone; its open transaction stays open until fenced

            Reports second = new Reports();
            failures.clear();
            try (ChainFollower restarted = new ChainFollower(new CaverKlaytnRpc(node.url(), 5_000),
                    kafka.bootstrapServers(), t.transfers(), t.positions(), settings(0), Clock.systemUTC(), second)) {
                assertThat(restarted.committedPosition().getNextBlock()).isEqualTo(8);
                node.head(19); // the chain grew meanwhile
                Thread again = follow(restarted, second, 19, failures);
                again.join(WAIT.toMillis());
                assertThat(failures).isEmpty();
                assertThat(second.publishedUpTo.get(0)).isEqualTo(11); // resumed at 8, in ranges of 4
                assertThat(restarted.committedPosition().getTransfersPublished()).isEqualTo(40);
            }
        }
        assertThat(readTransfers(kafka, t.transfers(), 40)).extracting(ChainTransfer::getTransferId)
                .containsExactlyElementsOf(expectedIds(0, 19));
    }

    /** Where the garbage test's chain ends: beyond the head the last fault leaves (3 + 2 x its ordinal). */
    private static final int LAST = 3 + 2 * FakeKlaytnNode.Fault.values().length + 2;

    @Test
    void anUnreachableNodeAndGarbageAnswersAreRetriedNeverPublished(KafkaBroker kafka) throws Exception {
        Topics t = topics(kafka);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (FakeKlaytnNode node = new FakeKlaytnNode(3)) {
            Reports reports = new Reports();
            try (ChainFollower follower = new ChainFollower(new CaverKlaytnRpc(node.url(), 2_000), kafka.bootstrapServers(),
                    t.transfers(), t.positions(), settings(0), Clock.systemUTC(), reports)) {
                AtomicBoolean done = new AtomicBoolean();
                Thread run = new Thread(() -> {
                    try {
                        follower.run(() -> !done.get());
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                run.start();
                awaitPublished(reports, 3);

                for (FakeKlaytnNode.Fault fault : FakeKlaytnNode.Fault.values()) {
                    if (fault == FakeKlaytnNode.Fault.NONE) {
                        continue;
                    }
                    int before = reports.problems.size();
                    node.fault(fault);
                    node.head(3 + 2 * fault.ordinal()); // the chain grows while the node misbehaves
                    awaitProblems(reports, before + 2);
                    if (fault.compareTo(FakeKlaytnNode.Fault.PLUS_SIGN_QUANTITY) >= 0) {
                        assertThat(reports.problems.get(reports.problems.size() - 1)).as("%s", fault)
                                .containsPattern("^bad answer from the node: (receipt|log)[. ]");
                    }
                    long publishedBefore = reports.last();
                    Thread.sleep(300);
                    assertThat(reports.last()).as("nothing published while the node answers %s", fault)
                            .isEqualTo(publishedBefore);
                    node.fault(FakeKlaytnNode.Fault.NONE);
                    awaitPublished(reports, 3 + 2 * fault.ordinal());
                }

                node.stop();
                int before = reports.problems.size();
                awaitProblems(reports, before + 2);
                assertThat(reports.problems.get(reports.problems.size() - 1)).startsWith("node unreachable");
                node.head(LAST);
                node.restart();
                awaitPublished(reports, LAST);
                done.set(true);
                run.join(WAIT.toMillis());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(readTransfers(kafka, t.transfers(), 2 * (LAST + 1))).extracting(ChainTransfer::getTransferId)
                .containsExactlyElementsOf(expectedIds(0, LAST));
    }

    @Test
    void aNodeThatIsNotThereFailsTheFirstCallWithAnIoError() {
        CaverKlaytnRpc rpc = new CaverKlaytnRpc("http://127.0.0.1:1", 1_000);
        assertThatThrownBy(rpc::blockNumber).isInstanceOf(java.io.IOException.class);
        rpc.close();
    }

    private static void awaitPublished(Reports reports, long block) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (reports.last() < block && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(reports.last()).isGreaterThanOrEqualTo(block);
    }

    private static void awaitProblems(Reports reports, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (reports.problems.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(reports.problems.size()).as("retries reported: %s", reports.problems).isGreaterThanOrEqualTo(count);
    }
}
