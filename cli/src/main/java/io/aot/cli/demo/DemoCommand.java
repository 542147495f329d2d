package io.aot.cli.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.aot.jobs.cassandra.CassandraConnection;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.Currency;
import io.aot.avro.Rejection;
import io.aot.cli.stack.StackProvisioning;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.flink.source.BlockSource;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorClient;
import io.aot.consensus.node.ValidatorMain;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ingestion.simulator.SimulatedDay;
import io.aot.jobs.ingest.IngestSettings;
import io.aot.ads.AudienceJob;
import io.aot.ads.AudienceSettings;
import io.aot.analytics.AnalyticsSettings;
import io.aot.analytics.MarketAnalyticsJob;
import io.aot.jobs.ingest.LedgerIngestJob;
import io.aot.jobs.kafka.LedgerTopicSinks;
import io.aot.jobs.store.LedgerStoreJob;
import io.aot.ledger.state.LedgerGenesis;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.LocalStack;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import java.io.File;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aot demo}: the platform on one machine, from nothing. Real Kafka and Cassandra (child JVMs), 4 validator
 * processes running the payment ledger, a Flink MiniCluster running LedgerIngestJob, LedgerStoreJob,
 * MarketAnalyticsJob and AudienceJob, and the terminal simulator; live progress, then a summary that checks itself;
 * everything it started is stopped at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the platform on embedded defaults: Kafka, Cassandra, 4 validators, the Flink ledger jobs and",
            "the terminal simulator, with live progress and a self-checking summary. Exit 0 when every check holds."})
public final class DemoCommand implements Callable<Integer> {

    private static final String CHAIN = "aot-demo";

    @Option(names = "--seconds", defaultValue = "45", description = "Seconds of simulated traffic (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", defaultValue = "120", description = "Transactions per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--bad-fraction", defaultValue = "0.05", description = "Share of bad traffic (default ${DEFAULT-VALUE}).")
    double badFraction;

    @Option(names = "--merchants", defaultValue = "500")
    int merchants;

    @Option(names = "--customers", defaultValue = "10000")
    int customers;

    @Option(names = "--keep", description = "Leave the stack and validators running at the end; Ctrl-C stops them.")
    boolean keep;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || rate < 1 || rate > 20_000) {
            System.err.println("aot demo: --seconds >= 1 and --rate 1..20000");
            return 2;
        }
        // The jobs' and clients' log events go to a file: the terminal shows the demo's progress and one line on them.
        io.aot.cli.errors.RunLog log = io.aot.cli.errors.RunLog.start("demo");
        try {
            return demo();
        } finally {
            log.close();
            out.println(log.summary("Log of the jobs and clients"));
        }
    }

    private int demo() throws Exception {
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("aot-demo-");
        out.println("== 1/5 Kafka (KRaft) and Cassandra 5.0 as child JVMs on 127.0.0.1");
        LocalStack stack = LocalStack.start(KafkaBroker.Options.defaults(), CassandraNode.Options.defaults(), out::println);
        List<ChildProcess> validators = new ArrayList<>();
        JobClient job = null;
        try {
            StackProvisioning.createTopics(out, stack.kafka(), "");
            for (Keyspace k : Keyspace.values()) {
                StackProvisioning.applyDdl(out, stack.cassandra(), k, k.defaultName(), Replication.simple(1));
            }
            Fleet fleet = Fleet.generate(seed, merchants, customers);
            try (CqlSession session = stack.cassandra().newSession()) {
                TerminalRegistry registry = new TerminalRegistry(session, Keyspace.LEDGER.defaultName());
                fleet.registrations(Instant.now()).forEach(registry::register);
            }
            out.printf("Registered %,d terminals of %,d merchants in aot_ledger.terminals%n",
                    fleet.merchants().stream().mapToInt(m -> m.terminals().size()).sum(), merchants);

            out.println("== 2/5 4 validator processes running the payment ledger (BFT: tolerates 1 faulty)");
            LedgerGenesis ledgerGenesis = fleet.ledgerGenesis(10_000);
            Testnet.Layout net = Testnet.init(work.resolve("testnet"), 4, FreePorts.allocate(8), CHAIN,
                    TimeoutConfig.defaults(), ledgerGenesis);
            List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(Path::of).toList();
            for (int i = 0; i < 4; i++) {
                validators.add(ChildJvm.named("demo-validator" + i).classpath(cp).jvmArgs("-Xmx384m", "-XX:+UseSerialGC")
                        .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                        .workDir(net.homes().get(i), false).logFile(net.homes().get(i).resolve("validator.log")).start());
            }
            List<String> rpc = net.rpcPorts().stream().map(p -> "127.0.0.1:" + p).toList();
            out.println("Validators: RPC " + rpc + ", homes under " + work.resolve("testnet"));

            out.println("== 3/5 Flink MiniCluster: LedgerIngestJob + LedgerStoreJob + MarketAnalyticsJob + AudienceJob");
            String bootstrap = stack.kafka().bootstrapServers();
            IngestSettings settings = IngestSettings.fromArgs(new String[] {"--chain-id", CHAIN,
                "--validators", String.join(",", rpc), "--endorser-seed-hex",
                HexFormat.of().formatHex(NodeConfig.readKey(net.endorserKey()).seed()),
                "--bootstrap-servers", bootstrap, "--cassandra", stack.cassandra().contactPoint(),
                "--group", "aot-demo-" + UUID.randomUUID()});
            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", "3");
            // Three jobs share two cores here, so the Cassandra sinks back-pressure; aligned barriers then wait behind
            // the buffered records and the exactly-once committed topic only advances every few tens of seconds.
            conf.setString("execution.checkpointing.unaligned.enabled", "true");
            // One MiniCluster for the four jobs: one checkpoint configuration, the ingest job's (2 s, unaligned), with
            // the audience job's checkpoint directory (its profiles outgrow in-memory checkpoints).
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    work.resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
            // The simulated day passes in the demo's minute: an hour of payment time is a few seconds of commit
            // order, so the analytics' lateness bounds are a day here.
            AnalyticsSettings analytics = AnalyticsSettings.fromArgs(ParameterTool.fromArgs(new String[] {
                "--demo", "--bootstrap-servers", bootstrap, "--cassandra", stack.cassandra().contactPoint(),
                "--group", "aot-demo-analytics-" + UUID.randomUUID(),
                "--out-of-orderness-ms", "600000", "--allowed-lateness-ms", Long.toString(24 * 3_600_000L),
                "--flush-every-ms", "5000"}));
            MarketAnalyticsJob.wire(env, analytics, MarketAnalyticsJob.kafkaSource(analytics),
                    LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.baseName()),
                    MarketAnalyticsJob.alertSink(bootstrap, Topic.ANALYTICS_ALERTS.baseName()),
                    MarketAnalyticsJob.TableSinks.cassandra(new CassandraConnection(stack.cassandra().contactPoint()),
                            Keyspace.ANALYTICS.defaultName()));
            Path segments = work.resolve("segments.json");
            try (var in = AudienceJob.class.getResourceAsStream("/io/aot/ads/segments.json")) {
                Files.write(segments, in.readAllBytes());
            }
            AudienceSettings audiences = AudienceSettings.fromArgs(ParameterTool.fromArgs(new String[] {
                "--demo", "--bootstrap-servers", bootstrap, "--cassandra", stack.cassandra().contactPoint(),
                "--group", "aot-demo-audiences-" + UUID.randomUUID(), "--segments", segments.toString(),
                "--quintiles-every-ms", "2000"}));
            AudienceJob.wire(env, audiences, AudienceJob.committedSource(audiences),
                    AudienceJob.optOutSource(audiences), AudienceJob.catalogSource(audiences),
                    LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.baseName()),
                    AudienceJob.changeSink(bootstrap, Topic.AUDIENCE_SEGMENTS.baseName()),
                    AudienceJob.TableSinks.cassandra(new CassandraConnection(stack.cassandra().contactPoint()),
                            Keyspace.ADS.defaultName()));
            LedgerIngestJob.defaults(settings).applyTo(env);
            LedgerIngestJob.wire(env, settings, LedgerIngestJob.kafkaSource(settings),
                    LedgerIngestJob.consensusSink(settings), LedgerIngestJob.rejectionSink(settings),
                    LedgerIngestJob.terminalDirectory(settings));
            LedgerStoreJob.wire(env, CHAIN, new BlockSource(BlockSource.Settings.fromGenesis(
                            Genesis.read(net.homes().get(0).resolve("genesis.properties")), rpc, 1, 0)),
                    LedgerTopicSinks.committed(bootstrap, Topic.LEDGER_COMMITTED.baseName(), "aot-demo-store"),
                    LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.baseName()),
                    stack.cassandra().contactPoint(), Keyspace.LEDGER.defaultName(), ledgerGenesis);
            job = env.executeAsync("aot-demo");

            out.printf("== 4/5 Simulating %,d terminal transactions (%d/s for %d s, seed %d, %.0f%% bad)%n",
                    (long) rate * seconds, rate, seconds, seed, badFraction * 100);
            Tally tally = new Tally();
            Thread producer = simulate(fleet, bootstrap, tally);
            try (var committed = consumer(bootstrap, Topic.LEDGER_COMMITTED.baseName());
                    var rejected = consumer(bootstrap, Topic.TX_REJECTED.baseName());
                    ValidatorClient chain = ValidatorClient.connect(CHAIN,
                            new InetSocketAddress("127.0.0.1", net.rpcPorts().get(1)), Duration.ofSeconds(60))) {
                follow(producer, committed, rejected, chain, tally);
                out.println("== 5/5 Summary");
                return summary(tally, chain, ledgerGenesis, stack, t0) ? 0 : 1;
            }
        } finally {
            if (keep) {
                printKeep(stack);
                Thread.currentThread().join(); // until Ctrl-C; the child JVMs' watchdogs stop them with us
            }
            if (job != null) {
                try {
                    job.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    // already finished or failed: nothing left to cancel
                }
                try {
                    // The MiniCluster shuts down once the job is terminal: wait for that, not just the cancel's ack.
                    job.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception cancelled) {
                    // the expected end of a cancelled job
                }
            }
            validators.forEach(v -> v.stop(Duration.ofSeconds(5)));
            stack.close();
            out.printf("Stopped everything the demo started (%d s in all).%n", (System.nanoTime() - t0) / 1_000_000_000);
        }
    }

    /**
     * How long the demo waits, once the simulator is done, for the pipeline to catch up. The committed topic is
     * exactly once, so it advances only when a checkpoint completes: in steps, seconds apart under load.
     */
    static final Duration MAX_DRAIN = Duration.ofSeconds(150);
    static final Duration MAX_DRAIN_STALL = Duration.ofSeconds(45);

    /** What the demo counted, for progress and summary. */
    static final class Tally {
        final AtomicLong produced = new AtomicLong();
        final AtomicReference<Exception> producerFailure = new AtomicReference<>();
        long committed;
        long rejectedBeforeConsensus;
        long refusedByLedger;
        /** Committed payments the ledger accepted: what the analytics must count. */
        long okPayments;
        final Map<String, Long> rejectionsByReason = new TreeMap<>();
        final Map<String, BigInteger> krwByMerchant = new TreeMap<>();
        final java.util.Set<String> committedIds = new java.util.HashSet<>();
        long duplicatesPublished;
        final Map<String, Long> alertsByRule = new TreeMap<>();
    }

    /**
     * The simulated market day: yesterday in Seoul, so that the records' times (the simulated ones) are at most two
     * days old, within what the terminal topic accepts and keeps.
     */
    private final SimulatedDay simulatedDay = SimulatedDay.yesterday(java.time.Clock.systemUTC());

    private Thread simulate(Fleet fleet, String bootstrap, Tally tally) {
        Thread t = new Thread(() -> {
            long total = (long) rate * seconds;
            PaymentSimulator sim = new PaymentSimulator(fleet, seed, total, simulatedDay.start(), badFraction);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            long start = System.nanoTime();
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                while (sim.hasNext()) {
                    PaymentSimulator.SimulatedTx tx = sim.next();
                    producer.send(new ProducerRecord<>(Topic.TERMINAL_TX.baseName(), null,
                            sim.timeOf(tx.index()).toEpochMilli(), tx.key(), tx.value()), (m, e) -> {
                                if (e != null) {
                                    tally.producerFailure.compareAndSet(null, e);
                                } else {
                                    tally.produced.incrementAndGet();
                                }
                            });
                    long ahead = start + (long) ((tx.index() + 1) * 1e9 / rate) - System.nanoTime();
                    if (ahead > 1_000_000) {
                        Thread.sleep(ahead / 1_000_000);
                    }
                }
                producer.flush();
            } catch (Exception e) {
                tally.producerFailure.compareAndSet(null, e);
            }
        }, "demo-simulator");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Progress every 2 s until the simulator is done and every record is either committed or refused. */
    private void follow(Thread producer, KafkaConsumer<byte[], byte[]> committed, KafkaConsumer<byte[], byte[]> rejected,
            ValidatorClient chain, Tally tally) throws Exception {
        AvroCodec<CommittedTransaction> committedCodec = AvroCodec.of(CommittedTransaction.class);
        AvroCodec<Rejection> rejectionCodec = AvroCodec.of(Rejection.class);
        java.util.Set<String> rejectionIds = new java.util.HashSet<>();
        long start = System.nanoTime();
        long lastReport = start;
        long lastCommitted = 0;
        long drainDeadline = Long.MAX_VALUE;
        long lastProgress = start;
        long lastProgressCount = 0;
        out.printf("  %6s %10s %10s %10s %8s %9s %8s%n", "time", "produced", "committed", "rejected", "height",
                "commit/s", "lag");
        while (true) {
            for (var r : committed.poll(Duration.ofMillis(200))) {
                CommittedTransaction t = committedCodec.decode(r.value());
                if (!tally.committedIds.add(t.getTxId().toString())) {
                    tally.duplicatesPublished++;
                    continue;
                }
                tally.committed++;
                if (!"OK".contentEquals(t.getResultCode())) {
                    tally.refusedByLedger++;
                    continue;
                }
                if (t.getKind() == io.aot.avro.TransactionKind.PAYMENT && t.getMerchantId() != null) {
                    tally.okPayments++;
                }
                if (t.getAmount().getCurrency() == Currency.KRW && t.getMerchantId() != null) {
                    tally.krwByMerchant.merge(t.getMerchantId().toString(),
                            t.getAmount().getAmountMinor().toBigIntegerExact(), BigInteger::add);
                }
            }
            for (var r : rejected.poll(Duration.ofMillis(50))) {
                Rejection rej = rejectionCodec.decode(r.value());
                if (!rejectionIds.add(rej.getRejectionId().toString())) {
                    continue; // at-least-once topic: a replayed refusal carries the same id
                }
                tally.rejectionsByReason.merge(rej.getStage() + "/" + rej.getReasonCode(), 1L, Long::sum);
                if (!"ledger".contentEquals(rej.getStage())) {
                    tally.rejectedBeforeConsensus++;
                }
            }
            long now = System.nanoTime();
            boolean produced = !producer.isAlive();
            long lag = tally.produced.get() - tally.committed - tally.rejectedBeforeConsensus;
            if (now - lastReport >= 2_000_000_000L || (produced && lag == 0)) {
                double secs = (now - lastReport) / 1e9;
                out.printf("  %5ds %,10d %,10d %,10d %8d %,9.0f %,8d%n", (now - start) / 1_000_000_000,
                        tally.produced.get(), tally.committed, tally.rejectedBeforeConsensus, chain.latestHeight(),
                        (tally.committed - lastCommitted) / secs, lag);
                lastReport = now;
                lastCommitted = tally.committed;
            }
            if (tally.producerFailure.get() != null) {
                throw new IllegalStateException("the simulator could not write to Kafka", tally.producerFailure.get());
            }
            if (tally.committed + tally.rejectedBeforeConsensus > lastProgressCount) {
                lastProgressCount = tally.committed + tally.rejectedBeforeConsensus;
                lastProgress = now;
            }
            if (produced && drainDeadline == Long.MAX_VALUE) {
                drainDeadline = now + MAX_DRAIN.toNanos();
            }
            if (produced && lag == 0) {
                return;
            }
            if (produced && (now > drainDeadline || now - lastProgress > MAX_DRAIN_STALL.toNanos())) {
                out.printf("  gave up waiting: %,d records neither committed nor refused (%s)%n", lag,
                        now > drainDeadline ? "drain longer than " + MAX_DRAIN.toSeconds() + " s"
                                : "no progress for " + MAX_DRAIN_STALL.toSeconds() + " s");
                return;
            }
        }
    }

    private boolean summary(Tally tally, ValidatorClient chain, LedgerGenesis genesis, LocalStack stack, long t0)
            throws Exception {
        long produced = tally.produced.get();
        long accepted = produced - tally.rejectedBeforeConsensus;
        boolean allCommitted = tally.committed == accepted && tally.duplicatesPublished == 0;
        out.printf("Produced %,d; refused before consensus %,d; accepted %,d; committed %,d (%,d of them refused by the "
                + "ledger, recorded with their code) -> %s%n", produced, tally.rejectedBeforeConsensus, accepted,
                tally.committed, tally.refusedByLedger, allCommitted ? "committed = accepted, each once: OK"
                        : "MISMATCH (" + tally.duplicatesPublished + " published twice)");
        out.println("Rejections by stage/reason (aot.tx.rejected.v1):");
        tally.rejectionsByReason.forEach((k, v) -> out.printf("  %-40s %,8d%n", k, v));

        long height = chain.latestHeight();
        ChainReplay.Result replay = ChainReplay.replay(chain, genesis, height);
        boolean consistent = replay.divergedAt() == 0 && replay.conserved();
        out.printf("Chain: %,d blocks, %,d transactions; replayed from genesis: app hashes %s, every currency sums to "
                + "zero: %s%n", replay.blocks(), replay.txs(),
                replay.divergedAt() == 0 ? "all match" : "DIVERGE at height " + replay.divergedAt(),
                replay.conserved() ? "OK" : "NO " + replay.totals());

        out.println("Top merchants by KRW sales (from aot.ledger.committed.v1):");
        tally.krwByMerchant.entrySet().stream().sorted(Map.Entry.<String, BigInteger>comparingByValue().reversed())
                .limit(5).forEach(e -> out.printf("  %-10s %,15d KRW%n", e.getKey(), e.getValue()));

        out.println("Sample CQL on the committed ledger (run your own: ./aot demo --keep, then any CQL client on "
                + stack.cassandra().contactPoint() + "):");
        boolean tablesComplete = false;
        try (CqlSession session = stack.cassandra().newSession()) {
            String q1 = "SELECT count(*) FROM aot_ledger.transactions_by_id";
            long rows = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((rows = session.execute(q1).one().getLong(0)) < tally.committed && System.nanoTime() < deadline) {
                Thread.sleep(500); // the table sinks write asynchronously, flushed at each checkpoint
            }
            tablesComplete = rows == tally.committed;
            out.println("  " + q1 + "  ->  " + rows + (tablesComplete ? " (= committed)" : " (NOT all committed)"));
            String top = tally.krwByMerchant.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                    .orElse("M000000");
            // Both tables are partitioned by the Seoul second of the commit day: show the merchant's latest second.
            java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneId.of("Asia/Seoul"));
            String today = now.toLocalDate().toString();
            int second = latestSecondWithRows(session, top, today, now.toLocalTime().toSecondOfDay());
            String q2 = "SELECT block_time, tx_id, method, amount_minor FROM aot_ledger.transactions_by_merchant_day "
                    + "WHERE merchant_id = '" + top + "' AND day = '" + today + "' AND second_of_day = " + second
                    + " LIMIT 3";
            out.println("  " + q2);
            for (Row r : session.execute(q2)) {
                out.printf("      %s  %-22s %-14s %,12d%n", r.getInstant(0), r.getString(1), r.getString(2),
                        r.getBigInteger(3));
            }
            String q3 = "SELECT tx_id, side, currency, amount_minor FROM aot_ledger.postings_by_account_day "
                    + "WHERE account_id = 'merchant:" + top + "' AND day = '" + today + "' AND second_of_day = "
                    + second + " LIMIT 3";
            out.println("  " + q3);
            for (Row r : session.execute(q3)) {
                out.printf("      %-22s %-6s %-5s %,12d%n", r.getString(0), r.getString(1), r.getString(2),
                        r.getBigInteger(3));
            }
        } catch (com.datastax.oss.driver.api.core.DriverException e) {
            out.println("  query failed: " + e.getMessage());
        }
        boolean analyticsComplete;
        try {
            analyticsComplete = analyticsSummary(stack, tally);
        } catch (com.datastax.oss.driver.api.core.DriverException e) {
            out.println("  query failed: " + e.getMessage());
            analyticsComplete = false;
        }
        boolean audiencesGated;
        try {
            audiencesGated = audienceSummary(stack);
        } catch (com.datastax.oss.driver.api.core.DriverException e) {
            out.println("  query failed: " + e.getMessage());
            audiencesGated = false;
        }
        out.println("Also written: aot_ledger.balances, blocks, daily settlement; aot_analytics hourly tables, token "
                + "flow, point swaps, alerts (CQL cookbook: docs/analytics.md); aot_ads members by segment and segments "
                + "by member (docs/ad-targeting.md; aot segments list|export|serve).");
        boolean passed = allCommitted && consistent && tablesComplete && analyticsComplete && audiencesGated;
        out.printf("Demo %s in %d s.%n", passed ? "PASSED" : "FAILED", (System.nanoTime() - t0) / 1_000_000_000);
        return passed;
    }

    /** The simulated day's market analytics, checked against the committed payments the demo counted itself. */
    private boolean analyticsSummary(LocalStack stack, Tally tally) throws InterruptedException {
        String day = "'" + simulatedDay + "'";
        try (CqlSession session = stack.cassandra().newSession()) {
            String q = "SELECT sum(payment_count) FROM aot_analytics.category_region_daily WHERE day = " + day;
            long counted = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((counted = session.execute(q).one().getLong(0)) < tally.okPayments && System.nanoTime() < deadline) {
                Thread.sleep(500); // rows are upserted about once a second while they change
            }
            boolean complete = counted == tally.okPayments;
            out.println("Market analytics (aot_analytics, event time = payment time, Asia/Seoul):");
            out.println("  " + q + "  ->  " + counted + (complete ? " (= committed payments)"
                    : " (NOT the " + tally.okPayments + " committed payments)"));
            String top = "SELECT rank, merchant_id, merchant_category, gross_krw FROM aot_analytics."
                    + "top_merchants_by_region_day WHERE region = 'SEOUL' AND day = " + day + " LIMIT 3";
            out.println("  " + top);
            for (Row r : session.execute(top)) {
                out.printf("      %2d %-10s %-18s %,15d KRW%n", r.getInt(0), r.getString(1), r.getString(2),
                        r.getBigInteger(3));
            }
            String mix = "SELECT method, wallet_provider, payment_count FROM aot_analytics.method_share_daily "
                    + "WHERE region = 'SEOUL' AND day = " + day;
            out.println("  " + mix + "  (first 4)");
            int shown = 0;
            for (Row r : session.execute(mix)) {
                if (shown++ < 4) {
                    out.printf("      %-14s %-14s %,8d%n", r.getString(0), r.getString(1), r.getLong(2));
                }
            }
            out.println("  alerts raised on " + simulatedDay + ":");
            for (int hour = 0; hour < 24; hour++) { // alerts are partitioned by Seoul day and hour
                for (Row r : session.execute("SELECT rule FROM aot_analytics.alerts WHERE day = " + day + " AND hour = "
                        + hour)) {
                    tally.alertsByRule.merge(r.getString(0), 1L, Long::sum);
                }
            }
            tally.alertsByRule.forEach((rule, n) -> out.printf("      %-26s %,6d%n", rule, n));
            return complete;
        }
    }

    /**
     * The audience segments of the demo's customers, checked against the k-anonymity rule: a published segment has
     * at least k members and exactly its member_count rows of members; an unpublished one has no member rows.
     */
    private boolean audienceSummary(LocalStack stack) throws InterruptedException {
        String ks = Keyspace.ADS.defaultName();
        try (CqlSession session = stack.cassandra().newSession()) {
            Thread.sleep(3_000); // a last quintile publication and status flush
            out.println("Audience segments (aot_ads, pseudonymous members, k = " + io.aot.ads.segment.PublicationFunction
                    .DEFAULT_K + "):");
            boolean ok = true;
            int published = 0;
            for (Row r : session.execute("SELECT segment_id, member_count, published FROM " + ks + ".segments")) {
                String id = r.getString(0);
                long size = r.isNull(1) ? 0 : r.getLong(1);
                boolean isPublished = !r.isNull(2) && r.getBoolean(2);
                long rows = 0;
                for (int b = 0; b < io.aot.ads.store.AdsTable.MEMBER_BUCKETS; b++) {
                    rows += session.execute("SELECT count(*) FROM " + ks + ".segment_members WHERE segment_id = ? AND "
                            + "bucket = ?", id, b).one().getLong(0);
                }
                boolean gated = isPublished ? size >= io.aot.ads.segment.PublicationFunction.DEFAULT_K && rows == size
                        : rows == 0;
                ok &= gated;
                published += isPublished ? 1 : 0;
                out.printf("  %-22s %,7d members  %-26s %s%n", id, size,
                        isPublished ? "published, " + rows + " rows" : "withheld (< k), 0 rows exported",
                        gated ? "" : "<- VIOLATES THE k RULE (" + rows + " member rows)");
            }
            out.println("  " + published + " published; advertisers: aot segments keys --advertiser A --segments "
                    + "wallet-first, then aot segments serve");
            return ok;
        }
    }

    private void printKeep(LocalStack stack) {
        out.println("--keep: still running. Kafka: " + stack.kafka().bootstrapServers() + ", Cassandra: "
                + stack.cassandra().contactPoint() + " (datacenter1). Ctrl-C stops everything.");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "aot-demo-watch-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** The latest second of {@code day} (at or before {@code fromSecond}, within 10 minutes) holding a row of merchant M. */
    private static int latestSecondWithRows(com.datastax.oss.driver.api.core.CqlSession session, String merchant,
            String day, int fromSecond) {
        var probe = session.prepare("SELECT tx_id FROM aot_ledger.transactions_by_merchant_day WHERE merchant_id = ? "
                + "AND day = ? AND second_of_day = ? LIMIT 1");
        for (int s = fromSecond; s >= Math.max(0, fromSecond - 600); s--) {
            if (session.execute(probe.bind(merchant, java.time.LocalDate.parse(day), s)).one() != null) {
                return s;
            }
        }
        return fromSecond;
    }
}
