package io.aot.cli.bench;

import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.ads.AudienceJob;
import io.aot.ads.AudienceSettings;
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
import io.aot.schemas.topics.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aot bench ads}: events/s through AudienceJob and its state size per million customers. N committed
 * transactions of seeded simulated days are preloaded into Kafka (not timed); the job (parallelism 2, Cassandra tables,
 * the bundled segment definitions, k = 100) is timed from submission until its consumer group has committed the end
 * of the topic, which happens only with a completed checkpoint, i.e. once every event is in the profiles' state. Then a
 * savepoint is taken and its size divided by the customers it holds.
 */
@Command(name = "ads", mixinStandardHelpOptions = true,
        description = {"Events/s through the audience job and its state size per million customers;",
            "writes bench/results/ads.json."})
public final class AdsBench implements Callable<Integer> {

    private static final Instant FIRST_DAY = Instant.parse("2026-11-20T15:00:00Z");

    @Option(names = "--transactions", defaultValue = "100000", description = "Committed transactions to preload.")
    int transactions;

    @Option(names = "--days", defaultValue = "5", description = "Simulated days the transactions spread over.")
    int days;

    @Option(names = "--customers", defaultValue = "50000")
    int customers;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--timeout-seconds", defaultValue = "600")
    int timeoutSeconds;

    @Option(names = "--out", defaultValue = "bench/results/ads.json")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (transactions < 1_000 || days < 1) {
            System.err.println("aot bench ads: --transactions >= 1000, --days >= 1");
            return 2;
        }
        System.out.println("starting Kafka and Cassandra (child JVMs) ...");
        try (LocalStack stack = LocalStack.start(KafkaBroker.Options.defaults(), CassandraNode.Options.defaults(),
                System.out::println)) {
            StackProvisioning.createTopics(System.out, stack.kafka(), "");
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.ADS, Keyspace.ADS.defaultName(),
                    Replication.simple(1));
            System.out.printf("generating %,d committed transactions over %d simulated days (not timed) ...%n",
                    transactions, days);
            Fleet fleet = Fleet.generate(seed, 500, customers);
            List<CommittedTransaction> ledger = new java.util.ArrayList<>();
            for (int d = 0; d < days; d++) {
                ledger.addAll(SimulatedCommittedLedger.generate(fleet, seed + d, transactions / days,
                        FIRST_DAY.plus(Duration.ofDays(d)), 100));
            }
            long distinctCustomers = ledger.stream().map(t -> t.getCustomerToken() != null ? t.getCustomerToken()
                    : t.getCustomerWallet()).filter(Objects::nonNull).distinct().count();
            AnalyticsBench.preload(stack.kafka().bootstrapServers(), ledger);

            Path work = Files.createTempDirectory("aot-bench-ads-");
            Path segments = work.resolve("segments.json");
            try (var in = AudienceJob.class.getResourceAsStream("/io/aot/ads/segments.json")) {
                Files.write(segments, in.readAllBytes());
            }
            String group = "aot-bench-ads-" + UUID.randomUUID();
            AudienceSettings s = AudienceSettings.fromArgs(ParameterTool.fromArgs(new String[] {
                "--demo", "--bootstrap-servers", stack.kafka().bootstrapServers(), "--cassandra",
                stack.cassandra().contactPoint(), "--group", group, "--segments", segments.toString(),
                "--partition-idle-ms", "3600000", "--checkpoint-interval-ms", "2000",
                "--checkpoint-dir", work.resolve("checkpoints").toUri().toString()}));
            StreamExecutionEnvironment env = AudienceJob.defaults(s)
                    .applyTo(StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration()));
            AudienceJob.wire(env, s, AudienceJob.committedSource(s), AudienceJob.optOutSource(s),
                    AudienceJob.catalogSource(s), LedgerTopicSinks.rejections(s.bootstrapServers(), s.rejectedTopic()),
                    AudienceJob.changeSink(s.bootstrapServers(), s.segmentsTopic()),
                    AudienceJob.TableSinks.cassandra(new CassandraConnection(s.cassandraContactPoint()), s.keyspace()));
            StackCpu cpu = new StackCpu(stack, List.of());
            long start = System.nanoTime();
            JobClient job = env.executeAsync("aot-bench-ads");
            long doneAt;
            long stateBytes;
            try (Admin admin = stack.kafka().newAdmin()) {
                doneAt = awaitConsumed(admin, group, s.committedTopic(), start);
                System.out.println("  taking a savepoint to measure the state ...");
                String savepoint = job.triggerSavepoint(work.resolve("savepoint").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
                stateBytes = sizeOf(Path.of(java.net.URI.create(savepoint)));
            } finally {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                    job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
                } catch (Exception cancelled) {
                    // the expected end of a cancelled job
                }
            }
            double secs = (doneAt - start) / 1e9;
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("benchmark", "ads");
            all.put("when", Instant.now().toString());
            all.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                    + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                    + "; Kafka, Cassandra and the Flink MiniCluster (parallelism 2) all on this machine");
            all.put("transactions", ledger.size());
            all.put("simulated_days", days);
            all.put("customers_profiled", distinctCustomers);
            all.put("seconds_to_all_consumed_and_checkpointed", BenchResults.round(secs));
            all.put("events_per_s", Math.round(ledger.size() / secs));
            all.put("savepoint_bytes", stateBytes);
            all.put("state_bytes_per_customer", BenchResults.round((double) stateBytes / distinctCustomers));
            all.put("state_mib_per_million_customers", BenchResults.round(stateBytes * 1e6 / distinctCustomers
                    / (1 << 20)));
            all.put("note", "timed from job submission (includes start-up) to the consumer group's committed offsets "
                    + "reaching the end of the topic (a completed checkpoint after the last event); state = canonical "
                    + "savepoint: profiles, segment evaluator state, segment member sets, RFM histograms");
            all.putAll(cpu.coresSince());
            System.out.printf("  %,d events/s; state %,d bytes for %,d customers = %.1f MiB per million customers%n",
                    all.get("events_per_s"), stateBytes, distinctCustomers, all.get("state_mib_per_million_customers"));
            BenchResults.write(out, all);
            return 0;
        }
    }

    private long awaitConsumed(Admin admin, String group, String topic, long start) throws Exception {
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        long lastReport = start;
        while (true) {
            long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                    .stream().filter(Objects::nonNull).mapToLong(o -> o.offset()).sum();
            long now = System.nanoTime();
            if (committed >= end) {
                System.out.printf("  %4d s: all %,d records consumed and checkpointed%n",
                        (now - start) / 1_000_000_000, end);
                return now;
            }
            if (now > deadline) {
                throw new IllegalStateException("not consumed within " + timeoutSeconds + " s: " + committed + " of "
                        + end);
            }
            if (now - lastReport > 5_000_000_000L) {
                System.out.printf("  %4d s: %,d of %,d records consumed and checkpointed%n",
                        (now - start) / 1_000_000_000, committed, end);
                lastReport = now;
            }
            Thread.sleep(250);
        }
    }

    private static long sizeOf(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
