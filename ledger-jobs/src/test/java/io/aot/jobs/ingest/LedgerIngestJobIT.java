package io.aot.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.avro.ChainTransfer;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import io.aot.avro.Rejection;
import io.aot.avro.SignatureAlgorithm;
import io.aot.avro.TerminalPayment;
import io.aot.avro.TransactionKind;
import io.aot.consensus.codec.WireCodec;
import io.aot.consensus.flink.source.BlockSource;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.types.ValidatorSet;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.jobs.store.LedgerStoreJob;
import io.aot.ledger.state.LedgerStateMachine;
import io.aot.ledger.state.LedgerTxCodec;
import io.aot.ledger.terminal.Terminal;
import io.aot.ledger.terminal.TerminalSigning;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * LedgerIngestJob end to end on the real stack: Kafka broker, Cassandra terminal registry, 4 validator processes,
 * Flink MiniCluster. Seeded simulator traffic with every kind of bad record goes in; exactly the valid transactions are
 * committed, each once, in order per terminal; each bad one is in the rejection topic with its reason; the committed
 * chain, replayed, conserves every currency. Then the same with a task failure, and with a validator killed.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class LedgerIngestJobIT {

    private static final long SEED = 21;
    private static final int SIMULATED = 2_500;
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final Instant DAY = TestFleet.DAY;
    private static final Fleet FLEET = TestFleet.fleet(SEED);
    private static final String REVOKED_TERMINAL = "M000000-T8";
    private static final String ORPHAN_REFUND = "orphan-refund-1";
    private static final Ed25519PrivateKeyParameters REVOKED_KEY = new Ed25519PrivateKeyParameters(new byte[32], 0);

    /** One injected failure in each region of the job: the ingest pipeline's sink and the store job's topic writer. */
    static final AtomicBoolean INGEST_FAIL_ONCE = new AtomicBoolean();
    static final AtomicLong INGEST_WRITES_BEFORE_FAILURE = new AtomicLong();
    /** Every write the failing ingest sink saw: names the cause if the injection ever does not fire again. */
    static final AtomicLong INGEST_WRITES_SEEN = new AtomicLong();
    static final AtomicBoolean STORE_FAIL_ONCE = new AtomicBoolean();
    static final AtomicLong STORE_WRITES_BEFORE_FAILURE = new AtomicLong();

    private static String keyspace;

    @TempDir
    Path dir;

    @BeforeAll
    static void registry(CassandraNode cassandra) {
        keyspace = "aot_ledger_ingest_" + Long.toHexString(System.nanoTime());
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace, Replication.simple(1), s::execute);
            TerminalRegistry registry = new TerminalRegistry(s, keyspace);
            FLEET.registrations(DAY).forEach(registry::register);
            Fleet.Merchant m = FLEET.merchants().get(0);
            registry.register(new Terminal(REVOKED_TERMINAL, m.id(), "stolen", m.category().name(), m.region().name(),
                    m.acquirerId(), REVOKED_TERMINAL + "#1", SignatureAlgorithm.ED25519,
                    REVOKED_KEY.generatePublicKey().getEncoded(), Terminal.Status.ACTIVE, DAY, null));
            registry.revoke(REVOKED_TERMINAL, DAY);
        }
    }

    enum Fault { NONE, TASK_FAILURES, VALIDATOR_KILLED }

    @Test
    void exactlyTheValidTransactionsAreCommittedOnceInTerminalOrder(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        run(kafka, cassandra, Fault.NONE);
    }

    /**
     * A task failure in each region, in one run: the ingest pipeline's consensus sink throws a third of the way, and
     * the store job's exactly-once topic writer throws halfway. Each region restarts from its last checkpoint (the
     * ingest side's Kafka offsets and order state; the store side's BlockSource height, settlement and balance state,
     * Kafka transaction) and the chain, the topic and the tables still hold every transaction once. (Two scenarios
     * until the CI time asked for one: the regions restart independently.)
     */
    @Test
    void taskFailuresInBothRegionsStillCommitAndStoreEachTransactionOnce(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        run(kafka, cassandra, Fault.TASK_FAILURES);
    }

    @Test
    void aValidatorKilledAndRestartedMidStreamStillCommitsEachTransactionOnce(KafkaBroker kafka,
            CassandraNode cassandra) throws Exception {
        run(kafka, cassandra, Fault.VALIDATOR_KILLED);
    }

    /**
     * Issue #19 item 5, end to end: a refund that reaches the chain before its payment (two terminals of one merchant)
     * is refused UNKNOWN_ORIGINAL; the terminal's retry under its next sequence, once the payment has committed, passes
     * the ingest job (which keyed its dedupe by transaction id alone and dropped the retry as DUPLICATE_TX for an hour)
     * and commits; and of two 6,000 KRW partial refunds racing against the 10,000 KRW payment exactly one is OK.
     */
    @Test
    void aRefundRefusedBeforeItsPaymentCommitsOnItsRetryAndRacingRefundsCannotExceedIt(KafkaBroker kafka)
            throws Exception {
        String ns = "refund" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        // A card payment of a merchant with two terminals, as the template for every record of the scenario.
        PaymentSimulator sim = new PaymentSimulator(FLEET, SEED, SIMULATED, DAY, 0);
        TerminalPayment template = null;
        while (template == null && sim.hasNext()) {
            TerminalPayment p = sim.next().payment();
            if (p != null && p.getKind() == TransactionKind.PAYMENT && p.getAmount().getCurrency() == Currency.KRW
                    && p.getCustomerWallet() == null && merchantOf(p).terminals().size() >= 2) {
                template = p;
            }
        }
        assertThat(template).as("a KRW card payment of a merchant with two terminals").isNotNull();
        Fleet.Merchant merchant = merchantOf(template);
        Fleet.Terminal a = merchant.terminals().get(0);
        Fleet.Terminal b = merchant.terminals().get(1);
        String payment = "pay-" + ns;
        String refund1 = "refund-" + ns + "-1";
        String refund2 = "refund-" + ns + "-2";

        try (ValidatorTestnet net = new ValidatorTestnet(dir, FLEET.ledgerGenesis(10_000));
                var producer = new KafkaProducer<>(producerProperties(kafka), new StringSerializer(),
                        new ByteArraySerializer())) {
            IngestSettings settings = new IngestSettings(kafka.bootstrapServers(), Topic.TERMINAL_TX.nameIn(ns),
                    Topic.CHAIN_TX.nameIn(ns), Topic.TX_REJECTED.nameIn(ns), "ingest-it-" + ns, ValidatorTestnet.CHAIN,
                    net.rpcAddresses(), net.endorserSeedHex(), "127.0.0.1:1", CassandraNode.LOCAL_DATACENTER,
                    keyspace, "LOCAL_QUORUM", 1, 500, 200, 1 << 20, Duration.ofSeconds(60), 64 * 1024, 300_000, Duration.ofHours(1),
                    3_000, 1_000, Duration.ofSeconds(10), 10_000,
                    "KRW=100000000,AOT=1000000000000000000000000,POINT=10000000,KLAY=0");
            StreamExecutionEnvironment env = LedgerIngestJob.defaults(settings)
                    .applyTo(StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration()));
            LedgerIngestJob.wire(env, settings, LedgerIngestJob.kafkaSource(settings),
                    LedgerIngestJob.consensusSink(settings), LedgerIngestJob.rejectionSink(settings),
                    TestFleet.directory(SEED));
            JobClient job = env.executeAsync("refund-before-payment-it");
            try {
                String topic = Topic.TERMINAL_TX.nameIn(ns);
                // 1. The refund first, on terminal a: nothing to refund yet.
                submit(producer, topic, refundOf(template, a, 1, refund1, payment, 6_000));
                assertThat(outcomesOf(job, net, 1)).containsExactly(refund1 + ":UNKNOWN_ORIGINAL");
                // 2. The payment, on terminal b.
                submit(producer, topic, paymentOf(template, b, 1, payment, 10_000));
                assertThat(outcomesOf(job, net, 2)).endsWith(payment + ":OK");
                // 3. The retry of the refund under a's next sequence, racing a second refund on b.
                submit(producer, topic, refundOf(template, a, 2, refund1, payment, 6_000));
                submit(producer, topic, refundOf(template, b, 2, refund2, payment, 6_000));
                List<String> outcomes = outcomesOf(job, net, 4);
                assertThat(outcomes.subList(2, 4)).containsExactlyInAnyOrder(
                        outcomes.get(2).startsWith(refund1) ? refund1 + ":OK" : refund2 + ":OK",
                        outcomes.get(2).startsWith(refund1) ? refund2 + ":REFUND_EXCEEDS_ORIGINAL"
                                : refund1 + ":REFUND_EXCEEDS_ORIGINAL");
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Fleet.Merchant merchantOf(TerminalPayment p) {
        return FLEET.merchants().stream().filter(m -> m.id().equals(p.getMerchantId())).findFirst().orElseThrow();
    }

    private static TerminalPayment paymentOf(TerminalPayment template, Fleet.Terminal t, long sequence, String txId,
            long krw) {
        long now = System.currentTimeMillis();
        TerminalPayment p = TerminalPayment.newBuilder(template).setTxId(txId).setTerminalId(t.id())
                .setKeyId(t.keyId()).setTerminalSequence(sequence).setCreatedAtMillis(Instant.ofEpochMilli(now))
                .setReceivedAtMillis(Instant.ofEpochMilli(now))
                .setAmount(new Money(BigDecimal.valueOf(krw), Currency.KRW)).build();
        return sign(p, t.deviceKey());
    }

    private static TerminalPayment refundOf(TerminalPayment template, Fleet.Terminal t, long sequence, String txId,
            String original, long krw) {
        TerminalPayment r = TerminalPayment.newBuilder(paymentOf(template, t, sequence, txId, krw))
                .setKind(TransactionKind.REFUND).setOriginalTxId(original).build();
        return sign(r, t.deviceKey());
    }

    private static void submit(KafkaProducer<String, byte[]> producer, String topic, TerminalPayment p)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, null, p.getReceivedAtMillis().toEpochMilli(),
                p.getTerminalId().toString(), AvroCodec.of(TerminalPayment.class).encode(p))).get();
    }

    /** The ledger's outcomes ("txId:CODE", chain order) once the chain holds {@code count} transactions. */
    private static List<String> outcomesOf(JobClient job, ValidatorTestnet net, int count) throws Exception {
        List<WireCodec.CommittedBlock> blocks = awaitChain(job, net, bs -> txCount(bs) >= count);
        List<LedgerStateMachine.Outcome> outcomes = new ArrayList<>();
        net.replay(blocks, outcomes);
        return outcomes.stream().map(o -> o.txId() + ":" + o.code()).toList();
    }

    private static Properties producerProperties(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    private void run(KafkaBroker kafka, CassandraNode cassandra, Fault fault) throws Exception {
        String ns = "ingest" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        Traffic traffic = produce(kafka, ns);
        String storeKeyspace = "aot_ledger_store_" + ns;
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, storeKeyspace, Replication.simple(1), s::execute);
        }
        System.out.printf("[%s] produced %d records: %d to commit, %d to reject%n", fault, traffic.sent,
                traffic.expectedCommitted.size(), traffic.expectedRejections);

        try (ValidatorTestnet net = new ValidatorTestnet(dir, FLEET.ledgerGenesis(10_000))) {
            IngestSettings settings = new IngestSettings(kafka.bootstrapServers(), Topic.TERMINAL_TX.nameIn(ns),
                    Topic.CHAIN_TX.nameIn(ns), Topic.TX_REJECTED.nameIn(ns), "ingest-it-" + ns, ValidatorTestnet.CHAIN,
                    net.rpcAddresses(), net.endorserSeedHex(), cassandra.contactPoint(),
                    CassandraNode.LOCAL_DATACENTER, keyspace, "LOCAL_QUORUM", 2, 1_000, 200, 1 << 20, Duration.ofSeconds(60),
                    64 * 1024, 300_000, Duration.ofHours(1), 3_000, 1_000, Duration.ofSeconds(10), 10_000,
                    "KRW=100000000,AOT=1000000000000000000000000,POINT=10000000,KLAY=0");
            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", "3");
            conf.setString("restart-strategy.fixed-delay.delay", "1 s");
            StreamExecutionEnvironment env = LedgerIngestJob.defaults(settings)
                    .applyTo(StreamExecutionEnvironment.createLocalEnvironment(2, conf));
            Sink<byte[]> txSink = LedgerIngestJob.consensusSink(settings);
            if (fault == Fault.TASK_FAILURES) {
                INGEST_FAIL_ONCE.set(true);
                INGEST_WRITES_SEEN.set(0);
                INGEST_WRITES_BEFORE_FAILURE.set(traffic.expectedCommitted.size() / 3);
                txSink = new FailingOnceSink(txSink);
            }
            LedgerIngestJob.wire(env, settings, LedgerIngestJob.kafkaSource(settings), txSink,
                    LedgerIngestJob.rejectionSink(settings), LedgerIngestJob.terminalDirectory(settings));
            // The committed chain back out, in the same MiniCluster: BlockSource -> aot.ledger.committed.v1 + refusals.
            Sink<CommittedTransaction> committedSink = LedgerTopicSinks.committed(kafka.bootstrapServers(),
                    Topic.LEDGER_COMMITTED.nameIn(ns), "store-it-" + ns);
            if (fault == Fault.TASK_FAILURES) {
                STORE_FAIL_ONCE.set(true);
                STORE_WRITES_BEFORE_FAILURE.set(traffic.expectedCommitted.size() / 2);
                committedSink = FailingOnceCommittingSink.wrap(
                        (TwoPhaseCommittingStatefulSink<CommittedTransaction, ?, ?>) committedSink);
            }
            LedgerStoreJob.wire(env, ValidatorTestnet.CHAIN, new BlockSource(BlockSource.Settings.fromGenesis(
                            Genesis.read(net.genesisFile()), net.rpcAddresses(), 1, 0)),
                    committedSink,
                    LedgerTopicSinks.rejections(kafka.bootstrapServers(), Topic.TX_REJECTED.nameIn(ns)),
                    cassandra.contactPoint(), storeKeyspace, FLEET.ledgerGenesis(10_000));
            JobClient job = env.executeAsync("ledger-ingest-it-" + fault);
            try {
                int target = traffic.expectedCommitted.size();
                if (fault == Fault.VALIDATOR_KILLED) {
                    awaitChain(job, net, blocks -> txCount(blocks) >= target / 4);
                    net.kill(0); // the first validator in the sink's list: the one it submits to
                    awaitChain(job, net, blocks -> txCount(blocks) >= target / 2);
                    net.start(0);
                }
                Set<String> committedIds = new HashSet<>();
                List<WireCodec.CommittedBlock> blocks = awaitChain(job, net, bs -> {
                    bs.stream().skip(Math.max(0, bs.size() - 1)).forEach(b -> b.block().txs()
                            .forEach(tx -> committedIds.add(txId(tx))));
                    return committedIds.size() >= target;
                });
                if (fault == Fault.TASK_FAILURES) {
                    assertThat(INGEST_FAIL_ONCE.get()).as("the injected failure in the ingest pipeline happened ("
                            + INGEST_WRITES_SEEN.get() + " writes seen by the failing sink for " + target
                            + " transactions on a chain of " + blocks.size() + " blocks)").isFalse();
                }
                check(kafka, ns, traffic, blocks, net);
                if (fault == Fault.TASK_FAILURES) {
                    // the store job trails the chain: by now it wrote every committed transaction to the topic
                    assertThat(STORE_FAIL_ONCE.get()).as("the injected failure in the store job happened").isFalse();
                }
                checkTables(cassandra, storeKeyspace, traffic);
                checkBalances(cassandra, storeKeyspace, net.replay(blocks, new ArrayList<>()));
                checkBlocks(cassandra, storeKeyspace, blocks, Genesis.read(net.genesisFile()));
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * The chain from validator 1 once {@code done} holds; when it does not in time, the failure names the job's status
     * and, for a job that ended, its cause (restarts exhausted by unexpected failures would otherwise show only as
     * "the injected failure did not happen").
     */
    private static List<WireCodec.CommittedBlock> awaitChain(JobClient job, ValidatorTestnet net,
            java.util.function.Predicate<List<WireCodec.CommittedBlock>> done) throws Exception {
        try {
            return net.readBlocks(1, done, WAIT);
        } catch (AssertionError timeout) {
            JobStatus status = job.getJobStatus().get();
            String cause = "";
            if (status.isGloballyTerminalState()) {
                try {
                    job.getJobExecutionResult().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    cause = "; it ended with: " + org.apache.flink.util.ExceptionUtils.stringifyException(e.getCause());
                }
            }
            // The job was RUNNING with nothing reaching the sink in a CI run: show where every task thread is.
            System.out.println(taskThreadDump());
            throw new AssertionError(timeout.getMessage() + "; the Flink job is " + status + cause
                    + "; ingest writes left before the injected failure: " + INGEST_WRITES_BEFORE_FAILURE.get()
                    + " (task threads' stacks printed above)", timeout);
        }
    }

    /** The stacks of this JVM's Flink task and source threads, with the locks they wait on. */
    private static String taskThreadDump() {
        StringBuilder sb = new StringBuilder("thread dump at the timeout (deadlocked: ");
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] deadlocked = threads.findDeadlockedThreads();
        sb.append(deadlocked == null ? "none" : java.util.Arrays.toString(deadlocked)).append(")\n");
        for (var info : threads.dumpAllThreads(true, true)) {
            String name = info.getThreadName();
            if (name.contains("->") || name.contains("Source") || name.contains("Sink") || name.contains("decode")
                    || name.contains("order") || name.contains("dedupe") || name.contains("Kafka")) {
                sb.append('"').append(name).append("\" ").append(info.getThreadState());
                if (info.getLockName() != null) {
                    sb.append(" on ").append(info.getLockName()).append(" held by ").append(info.getLockOwnerName());
                }
                sb.append('\n');
                StackTraceElement[] stack = info.getStackTrace();
                for (int i = 0; i < Math.min(stack.length, 25); i++) {
                    sb.append("    at ").append(stack[i]).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private void check(KafkaBroker kafka, String ns, Traffic traffic, List<WireCodec.CommittedBlock> blocks,
            ValidatorTestnet net) throws Exception {
        List<LedgerStateMachine.Outcome> outcomes = new ArrayList<>();
        LedgerStateMachine ledger = net.replay(blocks, outcomes);
        Set<String> ledgerRefusals = new java.util.TreeSet<>();
        for (LedgerStateMachine.Outcome o : outcomes) {
            if (!o.ok() && !"DUPLICATE_TX".equals(o.code())) {
                ledgerRefusals.add("ledger:" + o.txId() + ":" + o.code());
            }
        }
        assertThat(ledgerRefusals).contains("ledger:" + ORPHAN_REFUND + ":UNKNOWN_ORIGINAL");
        System.out.printf("replayed %d outcomes: %d OK, %d refused by the ledger%n", outcomes.size(),
                outcomes.stream().filter(LedgerStateMachine.Outcome::ok).count(), ledgerRefusals.size());
        Map<String, String> rejections = readRejections(kafka, Topic.TX_REJECTED.nameIn(ns),
                traffic.expectedRejections + ledgerRefusals.size());
        // Each valid transaction has exactly one outcome that is not a replay refusal; replays post nothing.
        Map<String, Integer> decided = new HashMap<>();
        for (LedgerStateMachine.Outcome o : outcomes) {
            assertThat(o.txId()).as("every committed tx decodes").isNotNull();
            if ("DUPLICATE_TX".equals(o.code())) {
                assertThat(o.transfers()).isEmpty();
            } else {
                decided.merge(o.txId(), 1, Integer::sum);
            }
        }
        Set<String> missing = new java.util.TreeSet<>(traffic.expectedCommitted.keySet());
        missing.removeAll(decided.keySet());
        Set<String> extra = new java.util.TreeSet<>(decided.keySet());
        extra.removeAll(traffic.expectedCommitted.keySet());
        assertThat(missing).as("valid but not committed (%d committed)", decided.size()).isEmpty();
        assertThat(extra).as("committed but not valid").isEmpty();
        assertThat(decided.values()).as("each once").containsOnly(1);
        assertThat(ledger.totals()).as("every currency's postings sum to zero over the chain").isEmpty();
        long okCount = outcomes.stream().filter(LedgerStateMachine.Outcome::ok).count();
        assertThat(okCount).as("most simulated payments post").isGreaterThan(traffic.expectedCommitted.size() * 9L / 10);

        // In order per terminal: the first commit of each terminal's transactions follows their sequence numbers.
        Map<String, Long> lastSequence = new HashMap<>();
        Set<String> seen = new HashSet<>();
        AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
        for (WireCodec.CommittedBlock b : blocks) {
            for (byte[] tx : b.block().txs()) {
                TerminalPayment p;
                try {
                    p = codec.decode(tx);
                } catch (Exception chainTransfer) {
                    continue;
                }
                if (seen.add(p.getTxId())) {
                    Long before = lastSequence.put(p.getTerminalId(), p.getTerminalSequence());
                    assertThat(before == null || before < p.getTerminalSequence())
                            .as("terminal %s: sequence %d after %s", p.getTerminalId(), p.getTerminalSequence(), before)
                            .isTrue();
                }
            }
        }

        Set<String> ledgerRejected = new java.util.TreeSet<>();
        rejections.forEach((k, v) -> {
            if (k.startsWith("ledger:")) {
                ledgerRejected.add(k + ":" + v);
            }
        });
        assertThat(ledgerRejected).as("every ledger refusal is in the rejection topic").isEqualTo(ledgerRefusals);
        assertThat(rejections).as("one rejection per bad record")
                .hasSize(traffic.expectedRejections + ledgerRefusals.size());

        // aot.ledger.committed.v1 (read_committed) holds exactly the committed set, each once.
        Map<String, Integer> published = readCommitted(kafka, Topic.LEDGER_COMMITTED.nameIn(ns),
                traffic.expectedCommitted.size());
        assertThat(published.keySet()).isEqualTo(traffic.expectedCommitted.keySet());
        assertThat(published.values()).as("each committed transaction published once").containsOnly(1);
        traffic.expectedReasons.forEach((rejectionKey, allowed) -> assertThat(rejections.get(rejectionKey))
                .as("reason for %s", rejectionKey).isIn(allowed));
    }

    // ------------------------------------------------------------------ traffic

    private static final class Traffic {
        int sent;
        final Map<String, TerminalPayment> expectedCommitted = new HashMap<>();
        /** Source offset (terminal topic partition/offset, or chain) -> allowed reason codes. */
        final Map<String, Set<String>> expectedReasons = new HashMap<>();
        int expectedRejections;
    }

    private static Traffic produce(KafkaBroker kafka, String ns) throws Exception {
        Traffic t = new Traffic();
        String terminalTopic = Topic.TERMINAL_TX.nameIn(ns);
        String chainTopic = Topic.CHAIN_TX.nameIn(ns);
        AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            PaymentSimulator sim = new PaymentSimulator(FLEET, SEED, SIMULATED, DAY, 0.12);
            TerminalPayment lastValid = null;
            while (sim.hasNext()) {
                PaymentSimulator.SimulatedTx tx = sim.next();
                long ts = sim.timeOf(tx.index()).toEpochMilli();
                var meta = producer.send(new ProducerRecord<>(terminalTopic, null, ts, tx.key(), tx.value())).get();
                String at = meta.topic() + "/" + meta.partition() + "/" + meta.offset();
                switch (tx.kind()) {
                    case VALID -> {
                        t.expectedCommitted.put(tx.payment().getTxId(), tx.payment());
                        lastValid = tx.payment();
                    }
                    case BAD_SIGNATURE -> expectRejection(t, at, "BAD_SIGNATURE", "CLOCK_SKEW");
                    case REPLAY -> expectRejection(t, at, "DUPLICATE_TX", "CLOCK_SKEW");
                    case UNKNOWN_TERMINAL -> expectRejection(t, at, "UNKNOWN_TERMINAL");
                    case MALFORMED -> expectRejection(t, at, "DECODE_BAD_HEADER", "DECODE_UNKNOWN_FINGERPRINT",
                            "DECODE_TRUNCATED", "DECODE_MALFORMED", "DECODE_TRAILING_BYTES", "DECODE_EMPTY");
                    default -> throw new IllegalStateException();
                }
                t.sent++;
            }

            // Hand-made bad records, each signed properly so that only its one defect is refused.
            Fleet.Terminal terminal = terminalOf(lastValid);
            long ts = lastValid.getCreatedAtMillis().toEpochMilli();
            TerminalPayment reused = TerminalPayment.newBuilder(lastValid).setTxId(lastValid.getTxId() + "-again").build();
            send(producer, t, terminalTopic, lastValid.getTerminalId(),
                    ts, codec.encode(sign(reused, terminal.deviceKey())), "SEQUENCE_REUSED");
            TerminalPayment overLimit = TerminalPayment.newBuilder(lastValid).setTxId(lastValid.getTxId() + "-huge")
                    .setTerminalSequence(lastValid.getTerminalSequence() + 1)
                    .setAmount(new Money(new BigDecimal(BigInteger.TEN.pow(30)), Currency.KRW)).build();
            send(producer, t, terminalTopic, lastValid.getTerminalId(),
                    ts, codec.encode(sign(overLimit, terminal.deviceKey())), "AMOUNT_OVER_LIMIT");
            TerminalPayment negative = TerminalPayment.newBuilder(lastValid).setTxId(lastValid.getTxId() + "-neg")
                    .setTerminalSequence(lastValid.getTerminalSequence() + 1)
                    .setAmount(new Money(BigDecimal.valueOf(-1000), Currency.KRW)).build();
            send(producer, t, terminalTopic, lastValid.getTerminalId(),
                    ts, codec.encode(sign(negative, terminal.deviceKey())), "AMOUNT_OUT_OF_RANGE");
            TerminalPayment late = TerminalPayment.newBuilder(lastValid).setTxId(lastValid.getTxId() + "-late")
                    .setTerminalSequence(lastValid.getTerminalSequence() + 1).build();
            send(producer, t, terminalTopic, lastValid.getTerminalId(),
                    ts + 3_600_000, codec.encode(sign(late, terminal.deviceKey())), "CLOCK_SKEW");
            TerminalPayment stolen = TerminalPayment.newBuilder(lastValid).setTxId("stolen-1")
                    .setTerminalId(REVOKED_TERMINAL).setKeyId(REVOKED_TERMINAL + "#1").setTerminalSequence(1).build();
            send(producer, t, terminalTopic, REVOKED_TERMINAL,
                    ts, codec.encode(sign(stolen, REVOKED_KEY)), "TERMINAL_REVOKED");
            // Valid to every check before consensus, refused by the ledger: a refund of a payment that never was.
            TerminalPayment orphanRefund = TerminalPayment.newBuilder(lastValid).setTxId(ORPHAN_REFUND)
                    .setKind(TransactionKind.REFUND).setOriginalTxId("never-paid")
                    .setTerminalSequence(lastValid.getTerminalSequence() + 1).build();
            producer.send(new ProducerRecord<>(terminalTopic, null, ts, lastValid.getTerminalId(),
                    codec.encode(sign(orphanRefund, terminal.deviceKey())))).get();
            t.expectedCommitted.put(ORPHAN_REFUND, orphanRefund);
            t.sent++;
            byte[] huge = new byte[200 * 1024];
            byte[] valid = codec.encode(lastValid);
            System.arraycopy(valid, 0, huge, 0, valid.length);
            send(producer, t, terminalTopic, lastValid.getTerminalId(), ts, huge, "DECODE_TOO_LARGE");

            // Chain transfers: one between two funded wallets, one that failed on chain.
            List<Fleet.Customer> holders = FLEET.customers().stream().filter(c -> c.wallet() != null).toList();
            AvroCodec<ChainTransfer> chain = AvroCodec.of(ChainTransfer.class);
            ChainTransfer transfer = chainTransfer("0xfeed01:0", holders.get(0).wallet(), holders.get(1).wallet(), true);
            producer.send(new ProducerRecord<>(chainTopic, null, ts, "0xfeed01", chain.encode(transfer))).get();
            t.expectedCommitted.put(transfer.getTransferId(), null);
            ChainTransfer failed = chainTransfer("0xfeed02:0", holders.get(0).wallet(), holders.get(1).wallet(), false);
            var meta = producer.send(new ProducerRecord<>(chainTopic, null, ts, "0xfeed02", chain.encode(failed))).get();
            expectRejection(t, meta.topic() + "/" + meta.partition() + "/" + meta.offset(), "CHAIN_TX_FAILED");
            t.sent += 2;
        }
        return t;
    }

    private static void send(KafkaProducer<String, byte[]> producer, Traffic t, String topic, String key, long ts,
            byte[] value, String reason) throws Exception {
        // Keyed by terminal id, as the topic's contract says: a terminal's records share a partition and its order.
        var meta = producer.send(new ProducerRecord<>(topic, null, ts, key, value)).get();
        expectRejection(t, meta.topic() + "/" + meta.partition() + "/" + meta.offset(), reason);
        t.sent++;
    }

    private static void expectRejection(Traffic t, String sourceCoordinates, String... reasons) {
        t.expectedReasons.put(sourceCoordinates, Set.of(reasons));
        t.expectedRejections++;
    }

    private static Fleet.Terminal terminalOf(TerminalPayment p) {
        return FLEET.merchants().stream().flatMap(m -> m.terminals().stream())
                .filter(x -> x.id().equals(p.getTerminalId())).findFirst().orElseThrow();
    }

    private static TerminalPayment sign(TerminalPayment p, Ed25519PrivateKeyParameters key) {
        byte[] msg = TerminalSigning.signBytes(p);
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(msg, 0, msg.length);
        p.setSignature(ByteBuffer.wrap(s.generateSignature()));
        return p;
    }

    private static ChainTransfer chainTransfer(String id, String from, String to, boolean succeeded) {
        BigInteger aot = BigInteger.TEN.pow(18);
        return ChainTransfer.newBuilder().setTransferId(id).setTxHash(id.substring(0, id.indexOf(':'))).setLogIndex(0)
                .setChainId(8217).setBlockNumber(100).setBlockHash("0xb100").setTxIndex(0)
                .setBlockTimeMillis(DAY.plusSeconds(3600)).setTxType("TxTypeFeeDelegatedSmartContractExecution")
                .setTokenContract("0xa0e0").setFromAddress(from).setToAddress(to)
                .setAmount(new Money(new BigDecimal(aot.multiply(BigInteger.valueOf(5))), Currency.AOT))
                .setSender(from).setFeePayer("0xfee0").setFeeRatioPercent(100).setGasUsed(52_000)
                .setGasPricePeb(BigDecimal.valueOf(25_000_000_000L))
                .setFeeKlay(new Money(new BigDecimal(BigInteger.valueOf(52_000L * 25_000_000_000L)), Currency.KLAY))
                .setSucceeded(succeeded).setConfirmations(12).setObservedAtMillis(DAY.plusSeconds(3610)).build();
    }

    private static String txId(byte[] tx) {
        LedgerTxCodec.Decoded d = new LedgerTxCodec().decode(tx);
        return d.refusal() == null ? d.txId() : "undecodable";
    }

    private static long txCount(List<WireCodec.CommittedBlock> blocks) {
        return blocks.stream().mapToLong(b -> b.block().txs().size()).sum();
    }

    /** Distinct rejections by source coordinates (at-least-once: a replayed refusal carries the same id). */
    private static Map<String, String> readRejections(KafkaBroker kafka, String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AvroCodec<Rejection> codec = AvroCodec.of(Rejection.class);
        Map<String, String> byCoordinates = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (byCoordinates.size() < expected && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    Rejection rej = codec.decode(r.value());
                    String at = key(rej);
                    String previous = byCoordinates.put(at, rej.getReasonCode().toString());
                    assertThat(previous == null || previous.equals(rej.getReasonCode().toString())).isTrue();
                }
            }
            // Anything beyond the expected ones would be a wrongful refusal: give it a moment to show.
            consumer.poll(Duration.ofSeconds(2)).forEach(r -> {
                try {
                    Rejection rej = codec.decode(r.value());
                    byCoordinates.put(key(rej), rej.getReasonCode().toString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        return byCoordinates;
    }

    /**
     * The ledger tables in Cassandra hold each committed transaction once (primary keys make replays upserts), and
     * the postings balance per currency.
     */
    private static void checkTables(CassandraNode cassandra, String ks, Traffic traffic) throws Exception {
        try (CqlSession s = cassandra.newSession()) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            Map<String, String> byId = new HashMap<>();
            while (byId.size() < traffic.expectedCommitted.size() && System.nanoTime() < deadline) {
                byId.clear();
                s.execute("SELECT tx_id, result_code FROM " + ks + ".transactions_by_id")
                        .forEach(r -> byId.put(r.getString(0), r.getString(1)));
                Thread.sleep(500);
            }
            assertThat(byId.keySet()).as("transactions_by_id").isEqualTo(traffic.expectedCommitted.keySet());
            assertThat(byId.get(ORPHAN_REFUND)).isEqualTo("UNKNOWN_ORIGINAL");
            long withMerchant = traffic.expectedCommitted.values().stream().filter(p -> p != null).count();
            long merchantRows = 0;
            Map<String, BigInteger> net = new HashMap<>();
            while (System.nanoTime() < deadline) {
                merchantRows = s.execute("SELECT count(*) FROM " + ks + ".transactions_by_merchant_day").one().getLong(0);
                net.clear();
                for (var r : s.execute("SELECT side, currency, amount_minor FROM " + ks + ".postings_by_account_day")) {
                    BigInteger a = r.getBigInteger(2);
                    net.merge(r.getString(1), "DEBIT".equals(r.getString(0)) ? a : a.negate(), BigInteger::add);
                }
                if (merchantRows == withMerchant && !net.isEmpty()
                        && net.values().stream().allMatch(v -> v.signum() == 0)) {
                    break; // the sinks write asynchronously: wait for the last legs rather than judge a partial state
                }
                Thread.sleep(500);
            }
            assertThat(merchantRows).as("transactions_by_merchant_day").isEqualTo(withMerchant);
            assertThat(net).as("postings per currency").isNotEmpty().allSatisfy((currency, sum) ->
                    assertThat(sum).as(currency).isZero());
            checkSettlement(s, ks, deadline);
        }
    }

    /**
     * Both daily settlement tables equal the settlement computed here in plain Java from transactions_by_id (itself
     * checked against what was sent): per merchant, Seoul day of commit, acquirer and currency, the OK payments and
     * refunds, counted and summed.
     */
    private static void checkSettlement(CqlSession s, String ks, long deadline) throws Exception {
        Map<String, String> expected = new java.util.TreeMap<>();
        Map<String, long[]> counts = new HashMap<>();
        Map<String, BigInteger[]> sums = new HashMap<>();
        for (var r : s.execute("SELECT kind, result_code, merchant_id, acquirer_id, currency, amount_minor, block_time FROM "
                + ks + ".transactions_by_id")) {
            String kind = r.getString(0);
            if (!"OK".equals(r.getString(1)) || !("PAYMENT".equals(kind) || "REFUND".equals(kind)) || r.getString(2) == null) {
                continue;
            }
            String day = r.getInstant(6).atZone(java.time.ZoneId.of("Asia/Seoul")).toLocalDate().toString();
            String key = r.getString(2) + "|" + day + "|" + r.getString(3) + "|" + r.getString(4);
            int i = "PAYMENT".equals(kind) ? 0 : 1;
            counts.computeIfAbsent(key, k -> new long[2])[i]++;
            sums.computeIfAbsent(key, k -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO})[i] =
                    sums.get(key)[i].add(r.getBigInteger(5));
        }
        counts.forEach((key, c) -> {
            BigInteger[] a = sums.get(key);
            expected.put(key, c[0] + " " + a[0] + " " + c[1] + " " + a[1] + " net " + a[0].subtract(a[1]));
        });
        assertThat(expected).as("the traffic has sales to settle").isNotEmpty();
        for (String table : List.of("daily_settlement_by_merchant", "daily_settlement_by_acquirer")) {
            Map<String, String> got = new java.util.TreeMap<>();
            do {
                got.clear();
                for (var r : s.execute("SELECT merchant_id, day, acquirer_id, currency, payment_count, gross_minor, "
                        + "refund_count, refund_minor, net_minor FROM " + ks + "." + table)) {
                    got.put(r.getString(0) + "|" + r.getLocalDate(1) + "|" + r.getString(2) + "|" + r.getString(3),
                            r.getLong(4) + " " + r.getBigInteger(5) + " " + r.getLong(6) + " " + r.getBigInteger(7)
                                    + " net " + r.getBigInteger(8));
                }
                if (got.equals(expected)) {
                    break;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            assertThat(got).as(table).isEqualTo(expected);
        }
    }

    /**
     * Every block the test read from the validators is in {@code blocks} (same hash and transaction count) and in
     * {@code blocks_by_day}, empty blocks included; each stored commit certificate proves its block against the genesis
     * validator set on its own. Certificates are not compared byte for byte: each validator keeps the +2/3 precommits
     * it saw, so two honest validators may hold different, equally valid certificates for one block.
     */
    private static void checkBlocks(CassandraNode cassandra, String ks, List<WireCodec.CommittedBlock> chain,
            Genesis genesis) throws Exception {
        WireCodec wire = new WireCodec(WireCodec.Limits.defaults());
        ValidatorSet validators = ValidatorSet.of(genesis.validators());
        Map<Long, WireCodec.CommittedBlock> byHeight = new java.util.TreeMap<>();
        Map<Long, String> expected = new java.util.TreeMap<>();
        for (WireCodec.CommittedBlock b : chain) {
            byHeight.put(b.block().height(), b);
            expected.put(b.block().height(), b.block().id().hex() + " " + b.block().txs().size() + " certified");
        }
        Map<Long, String> got = new java.util.TreeMap<>();
        long byDay = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (CqlSession s = cassandra.newSession()) {
            do {
                got.clear();
                for (var r : s.execute("SELECT height, block_hash, tx_count, commit_certificate FROM " + ks + ".blocks")) {
                    WireCodec.CommittedBlock b = byHeight.get(r.getLong(0));
                    if (b == null) {
                        continue;
                    }
                    java.nio.ByteBuffer c = r.getByteBuffer(3);
                    byte[] bytes = new byte[c.remaining()];
                    c.get(bytes);
                    String why = wire.readCertificate(new io.aot.consensus.codec.CanonicalReader(bytes))
                            .verify(genesis.chainId(), validators, b.block().height(), b.block().id());
                    got.put(r.getLong(0), r.getString(1) + " " + r.getInt(2) + " "
                            + (why == null ? "certified" : why));
                }
                byDay = 0;
                for (var r : s.execute("SELECT height FROM " + ks + ".blocks_by_day")) {
                    byDay += byHeight.containsKey(r.getLong(0)) ? 1 : 0;
                }
                if (got.equals(expected) && byDay == expected.size()) {
                    break;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
        }
        assertThat(expected).as("the test read blocks").isNotEmpty();
        assertThat(got).as("blocks table vs the validators' chain").isEqualTo(expected);
        assertThat(byDay).as("blocks_by_day").isEqualTo(expected.size());
    }

    /** The balances table equals the replayed ledger's balances (point assets under POINT), once the sinks caught up. */
    private static void checkBalances(CassandraNode cassandra, String ks, LedgerStateMachine ledger) throws Exception {
        Map<String, BigInteger> expected = new java.util.TreeMap<>();
        ledger.balances().forEach((key, amount) -> {
            int bar = key.lastIndexOf('|');
            String asset = key.substring(bar + 1);
            expected.merge(key.substring(0, bar) + "|" + (asset.startsWith("PT:") ? "POINT" : asset), amount,
                    BigInteger::add);
        });
        Map<String, BigInteger> got = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (CqlSession s = cassandra.newSession()) {
            do {
                got.clear();
                s.execute("SELECT account_id, currency, balance_minor FROM " + ks + ".balances")
                        .forEach(r -> got.put(r.getString(0) + "|" + r.getString(1), r.getBigInteger(2)));
                if (got.equals(expected)) {
                    break;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
        }
        Map<String, String> diff = new java.util.TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(got.get(k))) {
                diff.put(k, "ledger " + v + ", table " + got.get(k));
            }
        });
        got.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diff.put(k, "only in table"));
        assertThat(diff).as("balances table vs replayed ledger").isEmpty();
    }

    /** Source coordinates for refusals before consensus; {@code ledger:<tx id>} for the ledger's own. */
    private static String key(Rejection r) {
        return "ledger".contentEquals(r.getStage()) ? "ledger:" + r.getTxId()
                : r.getSourceTopic() + "/" + r.getSourcePartition() + "/" + r.getSourceOffset();
    }

    /** Tx id -> how many times it was published, read with isolation.level=read_committed. */
    private static Map<String, Integer> readCommitted(KafkaBroker kafka, String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
        Map<String, Integer> counts = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (counts.size() < expected && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    CommittedTransaction t = codec.decode(r.value());
                    counts.merge(t.getTxId().toString(), 1, Integer::sum);
                }
            }
            for (var r : consumer.poll(Duration.ofSeconds(3))) { // a duplicate would show here
                counts.merge(codec.decode(r.value()).getTxId().toString(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Wraps the real sink and throws once, mid-stream, from inside a writer: a task failure Flink must recover. */
    static final class FailingOnceSink implements Sink<byte[]> {
        private static final long serialVersionUID = 1L;
        private final Sink<byte[]> delegate;

        FailingOnceSink(Sink<byte[]> delegate) {
            this.delegate = delegate;
        }

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<byte[]> createWriter(InitContext context) throws java.io.IOException {
            SinkWriter<byte[]> w = delegate.createWriter(context);
            return new SinkWriter<>() {
                @Override
                public void write(byte[] element, Context c) throws java.io.IOException, InterruptedException {
                    INGEST_WRITES_SEEN.incrementAndGet();
                    if (INGEST_WRITES_BEFORE_FAILURE.decrementAndGet() < 0
                            && INGEST_FAIL_ONCE.compareAndSet(true, false)) {
                        throw new java.io.IOException("injected task failure");
                    }
                    w.write(element, c);
                }

                @Override
                public void flush(boolean endOfInput) throws java.io.IOException, InterruptedException {
                    w.flush(endOfInput);
                }

                @Override
                public void close() throws Exception {
                    w.close();
                }
            };
        }
    }

    /**
     * Wraps the store job's exactly-once Kafka sink, keeping its two-phase commit and writer state, and throws once
     * from inside its writer mid-stream.
     */
    static final class FailingOnceCommittingSink<IN, S, C> implements TwoPhaseCommittingStatefulSink<IN, S, C> {
        private static final long serialVersionUID = 1L;
        private final TwoPhaseCommittingStatefulSink<IN, S, C> delegate;

        private FailingOnceCommittingSink(TwoPhaseCommittingStatefulSink<IN, S, C> delegate) {
            this.delegate = delegate;
        }

        static <IN, S, C> FailingOnceCommittingSink<IN, S, C> wrap(TwoPhaseCommittingStatefulSink<IN, S, C> delegate) {
            return new FailingOnceCommittingSink<>(delegate);
        }

        @Override
        public PrecommittingStatefulSinkWriter<IN, S, C> createWriter(InitContext context) throws java.io.IOException {
            return failing(delegate.createWriter(context));
        }

        @Override
        public PrecommittingStatefulSinkWriter<IN, S, C> restoreWriter(InitContext context, java.util.Collection<S> state)
                throws java.io.IOException {
            return failing(delegate.restoreWriter(context, state));
        }

        @Override
        public org.apache.flink.api.connector.sink2.Committer<C> createCommitter() throws java.io.IOException {
            return delegate.createCommitter();
        }

        @Override
        public org.apache.flink.core.io.SimpleVersionedSerializer<C> getCommittableSerializer() {
            return delegate.getCommittableSerializer();
        }

        @Override
        public org.apache.flink.core.io.SimpleVersionedSerializer<S> getWriterStateSerializer() {
            return delegate.getWriterStateSerializer();
        }

        private PrecommittingStatefulSinkWriter<IN, S, C> failing(PrecommittingStatefulSinkWriter<IN, S, C> w) {
            return new PrecommittingStatefulSinkWriter<>() {
                @Override
                public void write(IN element, Context c) throws java.io.IOException, InterruptedException {
                    if (STORE_WRITES_BEFORE_FAILURE.decrementAndGet() < 0
                            && STORE_FAIL_ONCE.compareAndSet(true, false)) {
                        throw new java.io.IOException("injected task failure in the store job");
                    }
                    w.write(element, c);
                }

                @Override
                public void flush(boolean endOfInput) throws java.io.IOException, InterruptedException {
                    w.flush(endOfInput);
                }

                @Override
                public java.util.Collection<C> prepareCommit() throws java.io.IOException, InterruptedException {
                    return w.prepareCommit();
                }

                @Override
                public java.util.List<S> snapshotState(long checkpointId) throws java.io.IOException {
                    return w.snapshotState(checkpointId);
                }

                @Override
                public void close() throws Exception {
                    w.close();
                }
            };
        }
    }
}
