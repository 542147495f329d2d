package io.aot.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.analytics.load.SimulatedCommittedLedger;
import io.aot.avro.CommittedTransaction;
import io.aot.ingestion.simulator.Fleet;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.FlinkCluster;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
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
 * The shaded analytics job jar ({@code analytics-jobs/target/*-job.jar}) submitted with {@code flink run} to a real
 * standalone Flink session cluster (JobManager and TaskManager as separate JVMs from Maven jars), configured only by
 * its program arguments: it counts every accepted payment of a seeded committed ledger in Cassandra, each once, although
 * halfway through it is stopped with a savepoint and started from it at parallelism 3 instead of 2.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class AnalyticsClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void theJobJarRunsOnAStandaloneClusterAndCountsEveryPaymentAcrossAnUpgradeFromASavepoint(KafkaBroker kafka,
            CassandraNode cassandra, @TempDir Path dir) throws Exception {
        Path jar = FlinkCluster.jobJarIn(Path.of("target"));
        io.aot.jobs.deploy.JobJarChecks.carriesNoSecondDriverNorFlink(jar);
        String ns = "acluster" + UUID.randomUUID().toString().substring(0, 8);
        String keyspace = "aot_analytics_" + ns;
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.ANALYTICS, keyspace, Replication.simple(1), s::execute);
        }
        List<CommittedTransaction> ledger = SimulatedCommittedLedger.generate(Fleet.generate(41, 40, 400), 41, 2_000,
                Instant.parse("2026-11-22T15:00:00Z"), 50);
        long payments = ledger.stream().filter(t -> "OK".equals(t.getResultCode())
                && t.getKind().name().equals("PAYMENT") && t.getMerchantId() != null).count();
        int half = ledger.size() / 2;
        produce(kafka, ns, ledger.subList(0, half));

        // A deployment's own pseudonym key, from a file (the job refuses to start without one, or with the demo key).
        java.nio.file.Path keyFile = java.nio.file.Files.createTempFile("aot-pseudonym-", ".key");
        keyFile.toFile().deleteOnExit();
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        java.nio.file.Files.writeString(keyFile, "it:" + java.util.HexFormat.of().formatHex(secret));
        String[] args = {"--pseudonym-key-file", keyFile.toString(),
            "--bootstrap-servers", kafka.bootstrapServers(), "--committed-topic", Topic.LEDGER_COMMITTED.nameIn(ns),
            "--rejected-topic", Topic.TX_REJECTED.nameIn(ns), "--alerts-topic", Topic.ANALYTICS_ALERTS.nameIn(ns),
            "--group", "it-" + ns,
            "--cassandra", cassandra.contactPoint(), "--keyspace", keyspace, "--parallelism", "2",
            "--partition-idle-ms", "600000", "--allowed-lateness-ms", "86400000"};
        try (FlinkCluster cluster = FlinkCluster.start(4, WAIT); CqlSession s = cassandra.newSession()) {
            String before = cluster.submit(jar, MarketAnalyticsJob.class.getName(), List.of("-p", "2"), args);
            long counted = awaitCount(s, keyspace, 1); // under way: part of the first half counted
            // Issue #18 item 7: the next deployment from a savepoint, at another parallelism; the windows' partial
            // counts are redistributed by key group and the second half adds to them.
            String savepoint;
            try {
                savepoint = cluster.stopWithSavepoint(before, dir.resolve("savepoints"));
            } catch (IllegalStateException e) {
                throw new AssertionError("stop with a savepoint failed; job " + cluster.jobState(before)
                        + "; job manager:\n" + cluster.jobManagerLogLines("FAILED") + "\n" + cluster.jobManagerLogLines("Caused by"), e);
            }
            String after = cluster.submit(jar, MarketAnalyticsJob.class.getName(), List.of("-s", savepoint, "-p", "3"),
                    args);
            try {
                produce(kafka, ns, ledger.subList(half, ledger.size()));
                counted = awaitCount(s, keyspace, payments);
                assertThat(cluster.jobState(after)).as(cluster.taskManagerLogTail(40)).isEqualTo("RUNNING");
                assertThat(cluster.maxVertexParallelism(after)).isEqualTo(3);
                assertThat(counted).as("payments counted by the job on the cluster, each once across the upgrade")
                        .isEqualTo(payments);
            } finally {
                cluster.cancel(after);
            }
        }
    }

    /** The day's counted payments once at least {@code atLeast}, or what was counted when the wait ran out. */
    private static long awaitCount(CqlSession s, String keyspace, long atLeast) throws InterruptedException {
        long counted = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var row = s.execute("SELECT sum(payment_count) FROM " + keyspace
                    + ".category_region_daily WHERE day = '2026-11-23'").one();
            counted = row == null || row.isNull(0) ? 0 : row.getLong(0);
            if (counted >= atLeast) {
                break;
            }
            Thread.sleep(500);
        }
        return counted;
    }

    private static void produce(KafkaBroker kafka, String ns, List<CommittedTransaction> txs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (CommittedTransaction t : txs) {
                producer.send(new ProducerRecord<>(Topic.LEDGER_COMMITTED.nameIn(ns), t.getTxId(), codec.encode(t)));
            }
            producer.flush();
        }
    }
}
