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
import java.util.HashSet;
import java.util.List;
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
 * valid ones.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class FlinkClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void theJobJarRunsOnAStandaloneClusterAndCommitsWhatItShould(KafkaBroker kafka, CassandraNode cassandra)
            throws Exception {
        Path jar = FlinkCluster.jobJarIn(Path.of("target"));
        String ns = "cluster" + UUID.randomUUID().toString().substring(0, 8);
        String keyspace = "aot_ledger_" + ns;
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        Fleet fleet = Fleet.generate(31, 50, 500);
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace, Replication.simple(1), s::execute);
            TerminalRegistry registry = new TerminalRegistry(s, keyspace);
            fleet.registrations(Instant.now()).forEach(registry::register);
        }
        PaymentSimulator sim = new PaymentSimulator(fleet, 31, 300, TestFleet.DAY, 0.1);
        Set<String> valid = new HashSet<>();
        int bad = 0;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            while (sim.hasNext()) {
                PaymentSimulator.SimulatedTx tx = sim.next();
                producer.send(new ProducerRecord<>(Topic.TERMINAL_TX.nameIn(ns), null,
                        sim.timeOf(tx.index()).toEpochMilli(), tx.key(), tx.value()));
                if (tx.kind() == PaymentSimulator.Kind.VALID) {
                    valid.add(tx.payment().getTxId());
                } else {
                    bad++;
                }
            }
            producer.flush();
        }
        assertThat(bad).isPositive();

        try (ValidatorTestnet net = new ValidatorTestnet(dir.resolve("testnet"), fleet.ledgerGenesis(10_000));
                FlinkCluster cluster = FlinkCluster.start(4, WAIT)) {
            String jobId = cluster.submit(jar, LedgerIngestJob.class.getName(),
                    "--chain-id", ValidatorTestnet.CHAIN, "--validators", String.join(",", net.rpcAddresses()),
                    "--endorser-seed-hex", net.endorserSeedHex(), "--bootstrap-servers", kafka.bootstrapServers(),
                    "--terminal-topic", Topic.TERMINAL_TX.nameIn(ns), "--chain-topic", Topic.CHAIN_TX.nameIn(ns),
                    "--rejected-topic", Topic.TX_REJECTED.nameIn(ns), "--group", "it-" + ns,
                    "--cassandra", cassandra.contactPoint(), "--ledger-keyspace", keyspace, "--parallelism", "2");
            try {
                LedgerTxCodec codec = new LedgerTxCodec();
                Set<String> committed = new HashSet<>();
                List<WireCodec.CommittedBlock> blocks = net.readBlocks(0, read -> {
                    committed.clear();
                    read.forEach(b -> b.block().txs().forEach(t -> committed.add(codec.decode(t).txId())));
                    return committed.containsAll(valid);
                }, WAIT);
                assertThat(cluster.jobState(jobId)).as(cluster.taskManagerLogTail(40)).isEqualTo("RUNNING");
                assertThat(blocks).isNotEmpty();
                assertThat(committed).as("committed by the validators").isEqualTo(valid);
            } finally {
                cluster.cancel(jobId);
            }
        }
    }
}
