package io.aot.cli.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.jobs.cassandra.CassandraConnection;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aot bench analytics}: events/s through MarketAnalyticsJob on this machine. N committed transactions of a
 * seeded simulated day are preloaded into Kafka (not timed), then the job runs twice on a Flink MiniCluster, each
 * timed from job submission to every accepted payment counted in {@code category_region_daily}'s rows:
 * <ol>
 *   <li><b>cassandra</b>: every table written to Cassandra, the count read back with CQL;</li>
 *   <li><b>no tables</b>: the same job with its rows discarded but that table's, counted in this JVM: what the
 *       aggregation costs without the writes.</li>
 * </ol>
 * Checkpoints every 10 s, as a deployment would: the heap state of a day's windows is snapshotted in full at each
 * checkpoint (a first version of this benchmark checkpointed every second and spent most of its CPU there).
 */
@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = {"Events/s through the market analytics job, with and without its Cassandra writes;",
            "writes bench/results/analytics.json."})
public final class AnalyticsBench implements Callable<Integer> {

    private static final Instant DAY = Instant.parse("2026-11-22T15:00:00Z");
    private static final long CHECKPOINT_MS = 10_000;

    @Option(names = "--transactions", defaultValue = "100000", description = "Committed transactions to preload.")
    int transactions;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--merchants", defaultValue = "500")
    int merchants;

    @Option(names = "--customers", defaultValue = "20000")
    int customers;

    @Option(names = "--flush-every-ms", defaultValue = "1000",
            description = "How often a changing row is upserted: freshness against Cassandra write volume.")
    long flushEveryMs;

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
            all.put("flush_every_ms", flushEveryMs);
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
        // a day replayed in seconds: no partition is ever idle, and a day of lateness
        AnalyticsSettings s = AnalyticsSettings.fromArgs(ParameterTool.fromArgs(new String[] {
            "--demo", "--bootstrap-servers", stack.kafka().bootstrapServers(), "--cassandra", stack.cassandra().contactPoint(),
            "--group", group, "--out-of-orderness-ms", "600000", "--allowed-lateness-ms", Long.toString(24 * 3_600_000L),
            "--partition-idle-ms", "3600000", "--checkpoint-interval-ms", Long.toString(CHECKPOINT_MS),
            "--flush-every-ms", Long.toString(flushEveryMs)}));
        System.out.printf("== %s run: %,d preloaded records through MarketAnalyticsJob%s%n", name, transactions,
                tables ? " into Cassandra" : ", rows discarded");
        if (tables) {
            try (CqlSession session = stack.cassandra().newSession()) {
                session.execute("TRUNCATE " + Keyspace.ANALYTICS.defaultName() + ".category_region_daily");
            }
        }
        PaymentCount.reset();
        StreamExecutionEnvironment env = MarketAnalyticsJob.defaults(s)
                .applyTo(StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration()));
        MarketAnalyticsJob.wire(env, s, MarketAnalyticsJob.kafkaSource(s),
                LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic()),
                MarketAnalyticsJob.alertSink(s.bootstrapServers(), Topic.ANALYTICS_ALERTS.baseName()), tables
                        ? MarketAnalyticsJob.TableSinks.cassandra(new CassandraConnection(s.cassandraContactPoint()), s.keyspace())
                        : (rows, table) -> {
                            if (table.name().equals("category_region_daily")) {
                                rows.addSink(new PaymentCount()).name("count-payments").uid("count-payments")
                                        .setParallelism(1);
                            } else {
                                rows.sinkTo(new DiscardingSink<>()).name("discard-" + table.name())
                                        .uid("discard-" + table.name()).setParallelism(1);
                            }
                        });
        StackCpu cpu = new StackCpu(stack, List.of());
        long start = System.nanoTime();
        JobClient job = env.executeAsync("aot-bench-analytics-" + name);
        long doneAt = 0;
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (CqlSession session = tables ? stack.cassandra().newSession() : null) {
            long lastReport = start;
            while (doneAt == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " run did not finish within " + timeoutSeconds + " s");
                }
                Thread.sleep(200);
                long counted = tables ? session.execute("SELECT sum(payment_count) FROM " + s.keyspace()
                        + ".category_region_daily WHERE day = '2026-11-23'").one().getLong(0) : PaymentCount.total();
                long now = System.nanoTime();
                if (counted >= payments) {
                    doneAt = now;
                }
                if (now - lastReport > 2_000_000_000L || doneAt != 0) {
                    System.out.printf("  %4d s: %,d of %,d payments counted%n", (now - start) / 1_000_000_000,
                            counted, payments);
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
        double secs = (doneAt - start) / 1e9;
        r.put("seconds_to_all_payments_counted", BenchResults.round(secs));
        r.put("events_per_s", Math.round(transactions / secs));
        r.put("note", "from job submission (includes start-up, ~3 s) to the last payment counted in "
                + "category_region_daily" + (tables ? " in Cassandra" : ""));
        r.putAll(cpu.coresSince());
        System.out.printf("  %,d events/s (every payment counted after %.1f s)%n", r.get("events_per_s"), secs);
        return r;
    }

    /**
     * The no-tables run's only sink that keeps anything: the latest payment count of each category_region_daily row,
     * summed. Static because the MiniCluster runs in this JVM.
     */
    static final class PaymentCount implements SinkFunction<Row> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, Long> LATEST = new ConcurrentHashMap<>();

        static void reset() {
            LATEST.clear();
        }

        static long total() {
            return LATEST.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void invoke(Row row, Context context) {
            // (day, category, region, currency, payment_count, ...)
            LATEST.put(row.getField(0) + "|" + row.getField(1) + "|" + row.getField(2) + "|" + row.getField(3),
                    (Long) row.getField(4));
        }
    }

    static void preload(String bootstrap, List<CommittedTransaction> records) throws Exception {
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
