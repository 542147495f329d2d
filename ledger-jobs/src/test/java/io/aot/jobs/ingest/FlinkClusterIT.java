package io.aot.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.consensus.codec.WireCodec;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ledger.state.LedgerTxCodec;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.FlinkCluster;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar ({@code ledger-jobs/target/*-job.jar}) submitted with {@code flink run} to a real standalone
 * Flink session cluster (JobManager and TaskManager as separate JVMs from Maven jars): LedgerIngestJob reads signed
 * payments from Kafka, checks them against the Cassandra registry, and the 4 validator processes commit exactly the
 * valid ones; and the same job upgraded from a savepoint at another parallelism mid-day.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class FlinkClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void theJobJarRunsOnAStandaloneClusterAndCommitsWhatItShould(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        io.aot.jobs.deploy.JobJarChecks.carriesNoSecondDriverNorFlink(jar());
        String ns = "cluster" + UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(31, 50, 500);
        prepare(kafka, cassandra, ns, fleet);
        PaymentSimulator sim = new PaymentSimulator(fleet, 31, 300, TestFleet.DAY, 0.1);
        List<PaymentSimulator.SimulatedTx> all = drain(sim);
        Set<String> valid = valid(all);
        assertThat(valid).as("some records are bad").hasSizeLessThan(all.size());
        produce(kafka, ns, sim, all);

        try (ValidatorTestnet net = new ValidatorTestnet(dir.resolve("testnet"), fleet.ledgerGenesis(10_000));
                FlinkCluster cluster = FlinkCluster.start(4, WAIT)) {
            String jobId = cluster.submit(jar(), LedgerIngestJob.class.getName(),
                    jobArgs(kafka, cassandra, ns, net, "--parallelism", "2"));
            try {
                Map<String, Integer> onChain = awaitCommitted(net, valid);
                assertThat(cluster.jobState(jobId)).as(cluster.taskManagerLogTail(40)).isEqualTo("RUNNING");
                assertThat(onChain.keySet()).as("committed by the validators").isEqualTo(valid);
            } finally {
                cluster.cancel(jobId);
            }
        }
    }

    /**
     * Issue #18 item 7, for the money path: the job is stopped with a savepoint ({@code flink stop -p}) halfway
     * through a day's payments and started again from it with {@code flink run -s SAVEPOINT -p 3}: the next
     * deployment at another parallelism, its keyed state (RocksDB: each terminal's dedupe ids and sequence)
     * redistributed over three subtasks by key group. The payments must continue exactly: every valid payment of both
     * halves committed once on the chain, none twice, and the records of 20 payments committed before the upgrade,
     * sent again after it, refused, which only the restored dedupe state can do (lost, they would be committed a
     * second time as DUPLICATE_TX).
     */
    @Test
    void theJobStoppedWithASavepointContinuesExactlyAtAnotherParallelism(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        String ns = "upgrade" + UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = Fleet.generate(41, 40, 400);
        prepare(kafka, cassandra, ns, fleet);
        PaymentSimulator sim = new PaymentSimulator(fleet, 41, 600, TestFleet.DAY, 0.1);
        List<PaymentSimulator.SimulatedTx> all = drain(sim);
        List<PaymentSimulator.SimulatedTx> first = all.subList(0, all.size() / 2);
        List<PaymentSimulator.SimulatedTx> second = new ArrayList<>(all.subList(all.size() / 2, all.size()));
        first.stream().filter(t -> t.kind() == PaymentSimulator.Kind.VALID).limit(20).forEach(second::add);
        Set<String> validAll = valid(all);

        try (ValidatorTestnet net = new ValidatorTestnet(dir.resolve("testnet"), fleet.ledgerGenesis(10_000));
                FlinkCluster cluster = FlinkCluster.start(4, WAIT)) {
            String[] args = jobArgs(kafka, cassandra, ns, net);
            produce(kafka, ns, sim, first);
            String before = cluster.submit(jar(), LedgerIngestJob.class.getName(), List.of("-p", "2"), args);
            awaitCommitted(net, valid(first));
            String savepoint = cluster.stopWithSavepoint(before, dir.resolve("savepoints"));
            assertThat(cluster.jobState(before)).isEqualTo("FINISHED");

            produce(kafka, ns, sim, second);
            String after = cluster.submit(jar(), LedgerIngestJob.class.getName(), List.of("-s", savepoint, "-p", "3"),
                    args);
            try {
                Map<String, Integer> onChain = awaitCommitted(net, validAll);
                assertThat(cluster.jobState(after)).as(cluster.taskManagerLogTail(40)).isEqualTo("RUNNING");
                assertThat(cluster.maxVertexParallelism(after)).as("the restored job's parallelism").isEqualTo(3);
                assertThat(onChain.keySet()).as("committed on the chain: every valid payment of both halves")
                        .isEqualTo(validAll);
                assertThat(onChain).as("each once: nothing resubmitted or replayed after the restore")
                        .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            } finally {
                cluster.cancel(after);
            }
        }
    }

    private static Path jar() throws java.io.IOException {
        return FlinkCluster.jobJarIn(Path.of("target"));
    }

    /** The namespace's topics, its ledger keyspace and the fleet's terminals in its registry. */
    private static void prepare(KafkaBroker kafka, CassandraNode cassandra, String ns, Fleet fleet) throws Exception {
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace(ns), Replication.simple(1), s::execute);
            TerminalRegistry registry = new TerminalRegistry(s, keyspace(ns));
            fleet.registrations(Instant.now()).forEach(registry::register);
        }
    }

    private static String keyspace(String ns) {
        return "aot_ledger_" + ns;
    }

    private static String[] jobArgs(KafkaBroker kafka, CassandraNode cassandra, String ns, ValidatorTestnet net,
            String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--chain-id", ValidatorTestnet.CHAIN,
                "--validators", String.join(",", net.rpcAddresses()), "--endorser-seed-hex", net.endorserSeedHex(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--terminal-topic", Topic.TERMINAL_TX.nameIn(ns),
                "--chain-topic", Topic.CHAIN_TX.nameIn(ns), "--rejected-topic", Topic.TX_REJECTED.nameIn(ns),
                "--group", "it-" + ns, "--cassandra", cassandra.contactPoint(), "--ledger-keyspace", keyspace(ns)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static List<PaymentSimulator.SimulatedTx> drain(PaymentSimulator sim) {
        List<PaymentSimulator.SimulatedTx> all = new ArrayList<>();
        while (sim.hasNext()) {
            all.add(sim.next());
        }
        return all;
    }

    private static Set<String> valid(List<PaymentSimulator.SimulatedTx> txs) {
        Set<String> ids = new HashSet<>();
        txs.stream().filter(t -> t.kind() == PaymentSimulator.Kind.VALID).forEach(t -> ids.add(t.payment().getTxId()));
        return ids;
    }

    private static void produce(KafkaBroker kafka, String ns, PaymentSimulator sim,
            List<PaymentSimulator.SimulatedTx> txs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (PaymentSimulator.SimulatedTx tx : txs) {
                producer.send(new ProducerRecord<>(Topic.TERMINAL_TX.nameIn(ns), null,
                        sim.timeOf(tx.index()).toEpochMilli(), tx.key(), tx.value()));
            }
            producer.flush();
        }
    }

    /** Times each transaction id appears on the chain, once {@code expected} are all there (or the wait is over). */
    private static Map<String, Integer> awaitCommitted(ValidatorTestnet net, Set<String> expected) throws Exception {
        LedgerTxCodec codec = new LedgerTxCodec();
        Map<String, Integer> times = new HashMap<>();
        List<WireCodec.CommittedBlock> blocks = net.readBlocks(0, read -> {
            times.clear();
            read.forEach(b -> b.block().txs().forEach(t -> times.merge(codec.decode(t).txId(), 1, Integer::sum)));
            return times.keySet().containsAll(expected);
        }, WAIT);
        assertThat(blocks).isNotEmpty();
        assertThat(times.keySet()).as("committed").containsAll(expected);
        return times;
    }
}
