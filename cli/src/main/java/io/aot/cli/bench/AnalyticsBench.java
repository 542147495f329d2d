package io.aot.cli.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.analytics.AnalyticsSettings;
import io.aot.analytics.MarketAnalyticsJob;
import io.aot.analytics.load.SimulatedCommittedLedger;
import io.aot.avro.CommittedTransaction;
import io.aot.cli.stack.StackProvisioning;
import io.aot.ingestion.simulator.Fleet;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.LocalStack;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aot bench analytics}: events/s through MarketAnalyticsJob on this machine. N committed transactions of a
 * seeded simulated day are preloaded into Kafka (not timed), then the job runs twice on a Flink MiniCluster:
 * <ol>
 *   <li><b>cassandra</b>: every table written to Cassandra; timed to all events consumed (the job's committed
 *       offsets, at checkpoint granularity) and to all payments counted in {@code category_region_daily};</li>
 *   <li><b>no tables</b>: the same job with its rows discarded: what the aggregation costs without the writes.</li>
 * </ol>
 */
@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = {"Events/s through the market analytics job, with and without its Cassandra writes;",
            "writes bench/results/analytics.json."})
public final class AnalyticsBench implements Callable<Integer> {

    private static final Instant DAY = Instant.parse("2026-11-22T15:00:00Z");
    private static final long CHECKPOINT_MS = 1_000;

    @Option(names = "--transactions", defaultValue = "100000", description = "Committed transactions to preload.")
    int transactions;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--merchants", defaultValue = "500")
    int merchants;

    @Option(names = "--customers", defaultValue = "20000")
    int customers;

    @Option(names = "--timeout-seconds", defaultValue = "600", description = "Give up on a run after this long.")
    int timeoutSeconds;

    @Option(names = "--out", defaultValue = "bench/results/analytics.json")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (transactions < 1_000) {
            System.err.println("aot bench analytics: --transactions >= 1000");
            return 2;
        }
        System.out.println("starting Kafka and Cassandra (child JVMs) ...");
        try (LocalStack stack = LocalStack.start(KafkaBroker.Options.defaults(), CassandraNode.Options.defaults(),
                System.out::println)) {
            StackProvisioning.createTopics(System.out, stack.kafka(), "");
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.ANALYTICS,
                    Keyspace.ANALYTICS.defaultName(), Replication.simple(1));
            System.out.printf("generating %,d committed transactions of a simulated day (not timed) ...%n",
                    transactions);
            long g0 = System.nanoTime();
            List<CommittedTransaction> ledger = SimulatedCommittedLedger.generate(
                    Fleet.generate(seed, merchants, customers), seed, transactions, DAY, 100);
            long payments = ledger.stream().filter(t -> "OK".equals(t.getResultCode())
                    && t.getKind().name().equals("PAYMENT") && t.getMerchantId() != null).count();
            System.out.printf("  %,d records (%,d accepted payments) in %.1f s%n", ledger.size(), payments,
                    (System.nanoTime() - g0) / 1e9);
            preload(stack.kafka().bootstrapServers(), ledger);

            Map<String, Object> withTables = run(stack, "cassandra", payments, true);
            Map<String, Object> withoutTables = run(stack, "no-tables", payments, false);
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("benchmark", "analytics");
            all.put("when", Instant.now().toString());
            all.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                    + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                    + "; Kafka, Cassandra and the Flink MiniCluster (parallelism 2) all on this machine");
            all.put("transactions", transactions);
            all.put("with_cassandra_tables", withTables);
            all.put("rows_discarded", withoutTables);
            all.put("slowdown_from_cassandra_writes", BenchResults.round(
                    (double) (Long) withoutTables.get("events_per_s") / Math.max(1, (Long) withTables.get("events_per_s"))));
            BenchResults.write(out, all);
            return 0;
        }
    }

    private Map<String, Object> run(LocalStack stack, String name, long payments, boolean tables) throws Exception {
        String group = "aot-bench-analytics-" + name + "-" + UUID.randomUUID();
        AnalyticsSettings s = AnalyticsSettings.local(stack.kafka().bootstrapServers(),
                        stack.cassandra().contactPoint())
                .in(Topic.LEDGER_COMMITTED.baseName(), group, Topic.TX_REJECTED.baseName(),
                        Keyspace.ANALYTICS.defaultName())
                // a day replayed in seconds: no partition is ever idle, and a day of lateness
                .withEventTimeBounds(600_000, 24 * 3_600_000L).withPartitionIdleMs(3_600_000)
                .withCheckpointIntervalMs(CHECKPOINT_MS);
        System.out.printf("== %s run: %,d preloaded records through MarketAnalyticsJob%s%n", name, transactions,
                tables ? " into Cassandra" : ", rows discarded");
        if (tables) {
            try (CqlSession session = stack.cassandra().newSession()) {
                session.execute("TRUNCATE " + Keyspace.ANALYTICS.defaultName() + ".category_region_daily");
            }
        }
        Configuration conf = new Configuration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        MarketAnalyticsJob.wire(env, s, MarketAnalyticsJob.kafkaSource(s),
                LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic()), tables
                        ? MarketAnalyticsJob.TableSinks.cassandra(s.cassandraContactPoint(), s.keyspace())
                        : (rows, table) -> rows.sinkTo(new DiscardingSink<>()).name("discard-" + table.name())
                                .uid("discard-" + table.name()).setParallelism(1));
        StackCpu cpu = new StackCpu(stack, List.of());
        long start = System.nanoTime();
        JobClient job = env.executeAsync("aot-bench-analytics-" + name);
        long consumedAt = 0;
        long queryableAt = tables ? 0 : -1;
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = stack.kafka().newAdmin();
                CqlSession session = tables ? stack.cassandra().newSession() : null) {
            long lastReport = start;
            while (consumedAt == 0 || queryableAt == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " run did not finish within " + timeoutSeconds + " s");
                }
                Thread.sleep(250);
                long now = System.nanoTime();
                long lag = lag(admin, group);
                if (consumedAt == 0 && lag == 0) {
                    consumedAt = now;
                }
                long counted = -1;
                if (queryableAt == 0) {
                    counted = session.execute("SELECT sum(payment_count) FROM " + s.keyspace()
                            + ".category_region_daily WHERE day = '2026-11-23'").one().getLong(0);
                    if (counted >= payments) {
                        queryableAt = now;
                    }
                }
                if (now - lastReport > 2_000_000_000L) {
                    System.out.printf("  %4d s: consumer lag %,d%s%n", (now - start) / 1_000_000_000, lag,
                            counted >= 0 ? String.format(", payments counted in Cassandra %,d of %,d", counted,
                                    payments) : "");
                    lastReport = now;
                }
            }
        } finally {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (Exception cancelled) {
                // the expected end of a cancelled job
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        double consumedSecs = (consumedAt - start) / 1e9;
        r.put("seconds_to_all_consumed", BenchResults.round(consumedSecs));
        r.put("events_per_s", Math.round(transactions / consumedSecs));
        if (tables) {
            r.put("seconds_to_all_payments_queryable", BenchResults.round((queryableAt - start) / 1e9));
        }
        r.put("note", "includes job start-up (~2-4 s) and checkpoint granularity (" + CHECKPOINT_MS
                + " ms): a lower bound on the steady rate");
        r.putAll(cpu.coresSince());
        System.out.printf("  %,d events/s (all consumed after %.1f s)%n", r.get("events_per_s"), consumedSecs);
        return r;
    }

    /** Records of the committed topic not yet committed by the job's consumer group; -1 before its first commit. */
    private static long lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        if (committed.isEmpty()) {
            return -1;
        }
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < Topic.LEDGER_COMMITTED.partitions(); p++) {
            latest.put(new TopicPartition(Topic.LEDGER_COMMITTED.baseName(), p), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    private static void preload(String bootstrap, List<CommittedTransaction> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (CommittedTransaction t : records) {
                producer.send(new ProducerRecord<>(Topic.LEDGER_COMMITTED.baseName(), t.getTxId(), codec.encode(t)),
                        (m, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading failed", failure.get());
        }
        System.out.printf("  preloaded %,d records in %.1f s%n", records.size(), (System.nanoTime() - t0) / 1e9);
    }
}
