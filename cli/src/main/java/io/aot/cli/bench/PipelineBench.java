package io.aot.cli.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.aot.avro.CommittedTransaction;
import io.aot.cli.stack.StackProvisioning;
import io.aot.consensus.engine.TimeoutConfig;
import io.aot.consensus.flink.source.BlockSource;
import io.aot.consensus.node.Genesis;
import io.aot.consensus.node.NodeConfig;
import io.aot.consensus.node.Testnet;
import io.aot.consensus.node.ValidatorMain;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.consensus.flink.source.CommittedTx;
import io.aot.jobs.baseline.SingleNodeLedgerFunction;
import io.aot.jobs.ingest.IngestSettings;
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
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.typeinfo.Types;
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
 * {@code aot bench pipeline}: the whole ledger path on this machine, in one run.
 * <ol>
 *   <li><b>consensus</b>: N signed payments preloaded into Kafka (before the clock starts), then LedgerIngestJob and
 *       LedgerStoreJob on a Flink MiniCluster with 4 validator processes: committed tx/s (read_committed
 *       {@code aot.ledger.committed.v1}) and queryable tx/s ({@code transactions_by_id} in Cassandra);</li>
 *   <li><b>latency</b>: then a paced trickle through the same running pipeline: per payment, Kafka append to
 *       committed (visible to a read_committed reader) and to queryable in Cassandra (sampled), p50/p99;</li>
 *   <li><b>baseline</b>: the same N payments, the same ingest job (decode, validation, dedupe, order), but the
 *       consensus step replaced by a direct Cassandra write ({@link ConsensusBypassSink}): rows/s.</li>
 * </ol>
 * Consensus overhead = 1 - consensus queryable rate / baseline rate. CPU per process says where the time goes.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"End-to-end ledger throughput and latency with 4 validators, against a baseline with consensus",
            "bypassed; writes bench/results/pipeline.json."})
public final class PipelineBench implements Callable<Integer> {

    private static final String CHAIN = "aot-bench";
    private static final String BASELINE_NS = "baseline";
    private static final String BASELINE_KEYSPACE = "aot_bench_baseline";
    /** The baseline's block interval: a block this often (empty ones too, like the validators), or sooner when full. */
    private static final long BASELINE_BLOCK_INTERVAL_MS = 100;

    @Option(names = "--transactions", defaultValue = "60000", description = "Payments preloaded per run (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(names = "--latency-seconds", defaultValue = "15", description = "Paced latency phase (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--latency-rate", defaultValue = "300", description = "Payments/s in the latency phase (default ${DEFAULT-VALUE}).")
    int latencyRate;

    @Option(names = "--merchants", defaultValue = "500")
    int merchants;

    @Option(names = "--customers", defaultValue = "10000")
    int customers;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--timeout-seconds", defaultValue = "600", description = "Give up on a run after this long.")
    int timeoutSeconds;

    @Option(names = "--out", defaultValue = "bench/results/pipeline.json")
    Path out;

    @Option(names = "--jfr-dir", description = "Record this JVM (the Flink jobs) with Java Flight Recorder during each"
            + " timed run into DIR/consensus.jfr and DIR/baseline.jfr, and report CPU samples per thread group.")
    Path jfrDir;

    /** One preloaded Kafka record. */
    private record Preloaded(String key, byte[] value, long timestampMs) {
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("aot-bench-pipeline-");
        System.out.println("starting Kafka and Cassandra (child JVMs) ...");
        List<ChildProcess> validators = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(KafkaBroker.Options.defaults(), CassandraNode.Options.defaults(),
                System.out::println)) {
            StackProvisioning.createTopics(System.out, stack.kafka(), "");
            StackProvisioning.createTopics(System.out, stack.kafka(), BASELINE_NS);
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.LEDGER, Keyspace.LEDGER.defaultName(),
                    Replication.simple(1));
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.LEDGER, BASELINE_KEYSPACE,
                    Replication.simple(1));
            Fleet fleet = Fleet.generate(seed, merchants, customers);
            try (CqlSession s = stack.cassandra().newSession()) {
                TerminalRegistry registry = new TerminalRegistry(s, Keyspace.LEDGER.defaultName());
                fleet.registrations(Instant.now()).forEach(registry::register);
            }
            LedgerGenesis ledgerGenesis = fleet.ledgerGenesis(1_000_000);
            Testnet.Layout net = Testnet.init(work.resolve("testnet"), 4, FreePorts.allocate(8), CHAIN,
                    TimeoutConfig.defaults(), ledgerGenesis);
            List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
            for (int i = 0; i < 4; i++) {
                validators.add(ChildJvm.named("bench-validator" + i).classpath(cp).jvmArgs("-Xmx512m", "-XX:+UseParallelGC")
                        .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                        .workDir(net.homes().get(i), false).logFile(net.homes().get(i).resolve("validator.log")).start());
            }
            List<String> rpc = net.rpcPorts().stream().map(p -> "127.0.0.1:" + p).toList();

            PaymentSimulator sim = PaymentSimulator.live(fleet, seed, Long.MAX_VALUE / 2, 0, Clock.systemUTC());
            System.out.printf("signing %,d payments ahead (not timed) ...%n", transactions);
            List<Preloaded> preload = new ArrayList<>(transactions);
            for (int i = 0; i < transactions; i++) {
                PaymentSimulator.SimulatedTx tx = sim.next();
                preload.add(new Preloaded(tx.key(), tx.value(), tx.payment().getCreatedAtMillis().toEpochMilli()));
            }

            Map<String, Object> consensus;
            Map<String, Object> latency;
            String bootstrap = stack.kafka().bootstrapServers();
            produce(bootstrap, Topic.TERMINAL_TX.baseName(), preload);
            IngestSettings settings = IngestSettings.fromArgs(new String[] {"--chain-id", CHAIN,
                "--validators", String.join(",", rpc), "--endorser-seed-hex",
                HexFormat.of().formatHex(NodeConfig.readKey(net.endorserKey()).seed()),
                "--bootstrap-servers", bootstrap, "--cassandra", stack.cassandra().contactPoint(),
                "--group", "aot-bench-" + UUID.randomUUID()});
            StreamExecutionEnvironment env = environment();
            LedgerIngestJob.wire(env, settings, LedgerIngestJob.kafkaSource(settings),
                    LedgerIngestJob.consensusSink(settings), LedgerIngestJob.rejectionSink(settings),
                    LedgerIngestJob.terminalDirectory(settings));
            LedgerStoreJob.wire(env, CHAIN, new BlockSource(BlockSource.Settings.fromGenesis(
                            Genesis.read(net.homes().get(0).resolve("genesis.properties")), rpc, 1, 0)),
                    LedgerTopicSinks.committed(bootstrap, Topic.LEDGER_COMMITTED.baseName(), "aot-bench-store"),
                    LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.baseName()),
                    stack.cassandra().contactPoint(), Keyspace.LEDGER.defaultName(), ledgerGenesis);
            StackCpu cpu = new StackCpu(stack, validators);
            System.out.printf("== consensus run: %,d preloaded payments through ingest -> 4 validators -> store%n",
                    transactions);
            JobClient job = env.executeAsync("aot-bench-pipeline");
            try (CqlSession session = stack.cassandra().newSession();
                    var committed = consumer(bootstrap, Topic.LEDGER_COMMITTED.baseName())) {
                consensus = measuredRun("consensus", committed, session, Keyspace.LEDGER.defaultName(), cpu,
                        new ChainProgress(net.rpcPorts().get(0)));
                System.out.printf("== latency: %d payments/s for %d s through the running pipeline%n", latencyRate,
                        latencySeconds);
                latency = latencyRun(sim, bootstrap, committed, session);
            } finally {
                stop(job);
            }

            System.out.printf("== baseline run: the same %,d payments, same ingest job, consensus bypassed (one"
                    + " in-process ledger cuts blocks), same store path into Cassandra and Kafka%n", transactions);
            produce(bootstrap, Topic.TERMINAL_TX.nameIn(BASELINE_NS), preload);
            IngestSettings base = IngestSettings.fromArgs(new String[] {"--chain-id", CHAIN,
                "--validators", String.join(",", rpc), "--endorser-seed-hex",
                HexFormat.of().formatHex(NodeConfig.readKey(net.endorserKey()).seed()),
                "--bootstrap-servers", bootstrap, "--cassandra", stack.cassandra().contactPoint(),
                "--terminal-topic", Topic.TERMINAL_TX.nameIn(BASELINE_NS), "--chain-topic",
                Topic.CHAIN_TX.nameIn(BASELINE_NS), "--rejected-topic", Topic.TX_REJECTED.nameIn(BASELINE_NS),
                "--group", "aot-bench-baseline-" + UUID.randomUUID()});
            StreamExecutionEnvironment baseEnv = environment();
            var ordered = LedgerIngestJob.orderedTransactions(baseEnv, base, LedgerIngestJob.kafkaSource(base),
                    LedgerIngestJob.rejectionSink(base), LedgerIngestJob.terminalDirectory(base));
            var chain = ordered.keyBy(tx -> 0, Types.INT)
                    .process(new SingleNodeLedgerFunction(CHAIN, net.homes().get(0).resolve("ledger-genesis.properties"),
                            NodeConfig.read(net.homes().get(0)).maxBlockTxs(), BASELINE_BLOCK_INTERVAL_MS))
                    .returns(CommittedTx.class).name("single-node-ledger").uid("single-node-ledger").setParallelism(1);
            LedgerStoreJob.wireCommitted(baseEnv, CHAIN, chain,
                    LedgerTopicSinks.committed(bootstrap, Topic.LEDGER_COMMITTED.nameIn(BASELINE_NS),
                            "aot-bench-baseline-store"),
                    LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.nameIn(BASELINE_NS)),
                    stack.cassandra().contactPoint(), BASELINE_KEYSPACE, ledgerGenesis);
            StackCpu baseCpu = new StackCpu(stack, validators);
            JobClient baseJob = baseEnv.executeAsync("aot-bench-baseline");
            Map<String, Object> baseline;
            try (CqlSession session = stack.cassandra().newSession();
                    var committed = consumer(bootstrap, Topic.LEDGER_COMMITTED.nameIn(BASELINE_NS))) {
                baseline = measuredRun("baseline", committed, session, BASELINE_KEYSPACE, baseCpu, null);
            } finally {
                stop(baseJob);
            }
            report(consensus, latency, baseline);
        } finally {
            validators.forEach(v -> v.stop(Duration.ofSeconds(5)));
            deleteTree(work);
        }
        return 0;
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        // As in the demo: with the preloaded backlog every operator is back-pressured, aligned barriers wait behind
        // the buffered records (40 s seen), and the exactly-once committed topic only moves when a checkpoint completes.
        conf.setString("execution.checkpointing.unaligned.enabled", "true");
        return StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    }

    /**
     * Until every preloaded payment is committed (read_committed topic) and queryable ({@code transactions_by_id}):
     * committed tx/s from the first to the last commit, queryable tx/s from the first committed payment's row to the
     * newest committed payment's row after the last commit. During the run only point lookups (a first and a newest
     * id, every 250 ms) touch Cassandra; afterwards every committed id is looked up, untimed.
     */
    private Map<String, Object> measuredRun(String phase, KafkaConsumer<byte[], byte[]> committed, CqlSession session,
            String keyspace, StackCpu cpu, ChainProgress chain) throws Exception {
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
        }
        JfrThreadProfile profile = jfrDir == null ? null : JfrThreadProfile.start(jfrDir.resolve(phase + ".jfr"));
        AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
        PreparedStatement lookup = session.prepare("SELECT tx_id FROM " + keyspace + ".transactions_by_id WHERE tx_id = ?");
        java.util.Set<String> seen = new java.util.HashSet<>();
        String firstId = null;
        String newestId = null;
        long queryableAtLeast = 0;
        long ok = 0;
        long start = System.nanoTime();
        long firstCommit = 0;
        long lastCommit = 0;
        long firstRow = 0;
        long allRows = 0;
        long nextProbe = start;
        long nextReport = start + 5_000_000_000L;
        long deadline = start + timeoutSeconds * 1_000_000_000L;
        while (allRows == 0 && System.nanoTime() < deadline) {
            for (var r : committed.poll(Duration.ofMillis(100))) {
                CommittedTransaction t = codec.decode(r.value());
                String id = t.getTxId().toString();
                if (seen.add(id)) {
                    firstId = firstId == null ? id : firstId;
                    newestId = id;
                    if ("OK".contentEquals(t.getResultCode())) {
                        ok++;
                    }
                    long now = System.nanoTime();
                    firstCommit = firstCommit == 0 ? now : firstCommit;
                    lastCommit = now;
                }
            }
            long now = System.nanoTime();
            if (firstId != null && now >= nextProbe) {
                // Two point lookups per probe: the first committed payment (start of the queryable clock) and the
                // newest one; rows reach the table in about commit order, and looking every id up at the end checks.
                if (firstRow == 0 && session.execute(lookup.bind(firstId)).one() != null) {
                    firstRow = System.nanoTime();
                }
                if (firstRow != 0 && session.execute(lookup.bind(newestId)).one() != null) {
                    queryableAtLeast = seen.size();
                    if (seen.size() >= transactions) {
                        allRows = System.nanoTime();
                    }
                }
                nextProbe = now + 250_000_000L;
            }
            if (now >= nextReport) {
                System.out.printf("  %4d s: %,d committed (published), ~%,d queryable in Cassandra%s%n",
                        (now - start) / 1_000_000_000, seen.size(), queryableAtLeast, chain == null ? "" : chain.line());
                nextReport += 5_000_000_000L;
            }
        }
        if (allRows == 0) {
            throw new IllegalStateException("only " + seen.size() + " committed and ~" + queryableAtLeast
                    + " queryable of " + transactions + " within " + timeoutSeconds + " s");
        }
        Map<String, Object> cores = cpu.coresSince(); // before the untimed lookups below
        JfrThreadProfile.Shares threads = null;
        if (profile != null) {
            try (profile) {
                threads = profile.stop(15);
            }
        }
        long missing = missingRows(session, lookup, seen);
        if (missing > 0) {
            throw new IllegalStateException(missing + " committed payments are not in " + keyspace + ".transactions_by_id");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("transactions", transactions);
        r.put("committed_ok", ok);
        r.put("every_committed_payment_queryable", true);
        r.put("committed_tx_per_s", Math.round(transactions / ((lastCommit - firstCommit) / 1e9)));
        r.put("queryable_tx_per_s", Math.round(transactions / ((allRows - firstRow) / 1e9)));
        r.put("seconds_first_to_last_commit", BenchResults.round((lastCommit - firstCommit) / 1e9));
        r.put("seconds_job_start_to_all_queryable", BenchResults.round((allRows - start) / 1e9));
        r.putAll(cores);
        if (threads != null) {
            r.put("flink_jvm_cpu_time_pct_by_thread", threads.cpu());
            r.put("flink_jvm_execution_samples_pct_by_thread", threads.samples());
            System.out.printf("  Flink JVM, share of thread CPU time by thread (%s):%n", jfrDir.resolve(phase + ".jfr"));
            threads.cpu().forEach((t, pct) -> System.out.printf("    %5.1f %%  %s%n", pct, t));
        }
        System.out.printf("  committed %,d tx/s, queryable %,d tx/s%n", r.get("committed_tx_per_s"),
                r.get("queryable_tx_per_s"));
        return r;
    }

    /** Progress of the chain itself (validator 0), to tell a slow chain from a slow store job in the progress lines. */
    private static final class ChainProgress {
        private final int rpcPort;
        private long height;
        private long transactions;

        ChainProgress(int rpcPort) {
            this.rpcPort = rpcPort;
        }

        String line() {
            try (var client = new io.aot.consensus.node.ValidatorClient(CHAIN, new InetSocketAddress("127.0.0.1", rpcPort))) {
                long latest = client.latestHeight();
                for (long h = height + 1; h <= latest; h++) {
                    var block = client.block(h);
                    if (block == null) {
                        break;
                    }
                    transactions += block.block().txs().size();
                    height = h;
                }
                return String.format("; chain: height %,d, %,d transactions", height, transactions);
            } catch (java.io.IOException e) {
                return "; chain: validator 0 not answering (" + e.getMessage() + ")";
            }
        }
    }

    /**
     * After the clock stopped: looks every committed id up (at most 128 lookups in flight), the check that the probes'
     * "all queryable" was true. (A {@code count(*)} of the loaded table failed with a ReadFailure here.)
     */
    private static long missingRows(CqlSession session, PreparedStatement lookup, java.util.Set<String> ids)
            throws InterruptedException {
        System.out.printf("  checking that all %,d committed payments are in Cassandra (not timed) ...%n", ids.size());
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(128);
        java.util.concurrent.atomic.AtomicLong missing = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (String id : ids) {
            inFlight.acquire();
            session.executeAsync(lookup.bind(id)).whenComplete((rs, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else if (rs.one() == null) {
                    missing.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(128);
        if (failure.get() != null) {
            throw new IllegalStateException("a lookup failed", failure.get());
        }
        return missing.get();
    }

    private Map<String, Object> latencyRun(PaymentSimulator sim, String bootstrap, KafkaConsumer<byte[], byte[]> committed,
            CqlSession session) throws Exception {
        Map<String, Long> producedAt = new ConcurrentHashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try (var p = new KafkaProducer<>(producerProperties(bootstrap), new StringSerializer(), new ByteArraySerializer())) {
                long t0 = System.nanoTime();
                long total = (long) latencyRate * latencySeconds;
                for (long i = 0; i < total; i++) {
                    PaymentSimulator.SimulatedTx tx = sim.next();
                    String id = tx.payment().getTxId();
                    long appendMs = System.currentTimeMillis();
                    p.send(new ProducerRecord<>(Topic.TERMINAL_TX.baseName(), null, appendMs, tx.key(), tx.value()),
                            (m, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    producedAt.put(id, m.timestamp());
                                }
                            });
                    long ahead = t0 + (long) ((i + 1) * 1e9 / latencyRate) - System.nanoTime();
                    if (ahead > 1_000_000) {
                        Thread.sleep(ahead / 1_000_000);
                    }
                }
                p.flush();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "bench-latency-producer");
        producer.start();
        AvroCodec<CommittedTransaction> codec = AvroCodec.of(CommittedTransaction.class);
        PreparedStatement lookup = session.prepare("SELECT tx_id FROM " + Keyspace.LEDGER.defaultName()
                + ".transactions_by_id WHERE tx_id = ?");
        List<Long> commitMs = new ArrayList<>();
        List<Long> queryableMs = new ArrayList<>();
        Map<String, Long> pendingQueryable = new LinkedHashMap<>();
        long expected = (long) latencyRate * latencySeconds;
        long deadline = System.nanoTime() + (latencySeconds + 120L) * 1_000_000_000L;
        int sampled = 0;
        while ((commitMs.size() < expected || !pendingQueryable.isEmpty()) && System.nanoTime() < deadline) {
            for (var r : committed.poll(Duration.ofMillis(100))) {
                String id = codec.decode(r.value()).getTxId().toString();
                Long at = producedAt.get(id);
                if (at != null) {
                    long now = System.currentTimeMillis();
                    commitMs.add(now - at);
                    if (sampled++ % 10 == 0) {
                        pendingQueryable.put(id, at);
                    }
                }
            }
            var it = pendingQueryable.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (session.execute(lookup.bind(e.getKey())).one() != null) {
                    queryableMs.add(System.currentTimeMillis() - e.getValue());
                    it.remove();
                }
            }
        }
        producer.join();
        if (failure.get() != null) {
            throw new IllegalStateException("the latency producer failed", failure.get());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate_per_s", latencyRate);
        r.put("payments", expected);
        r.put("measured_commits", commitMs.size());
        r.put("kafka_append_to_committed_p50_ms", percentile(commitMs, 50));
        r.put("kafka_append_to_committed_p99_ms", percentile(commitMs, 99));
        r.put("queryable_samples", queryableMs.size());
        r.put("kafka_append_to_queryable_p50_ms", percentile(queryableMs, 50));
        r.put("kafka_append_to_queryable_p99_ms", percentile(queryableMs, 99));
        System.out.printf("  append -> committed p50 %d ms, p99 %d ms; -> queryable p50 %d ms, p99 %d ms%n",
                r.get("kafka_append_to_committed_p50_ms"), r.get("kafka_append_to_committed_p99_ms"),
                r.get("kafka_append_to_queryable_p50_ms"), r.get("kafka_append_to_queryable_p99_ms"));
        return r;
    }

    private void report(Map<String, Object> consensus, Map<String, Object> latency, Map<String, Object> baseline)
            throws Exception {
        long withConsensus = (Long) consensus.get("queryable_tx_per_s");
        long without = (Long) baseline.get("queryable_tx_per_s");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", "pipeline");
        all.put("when", Instant.now().toString());
        all.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + "; Kafka, Cassandra, 4 validators and the Flink MiniCluster"
                + " (parallelism 2) all on this machine");
        all.put("consensus", consensus);
        all.put("latency", latency);
        all.put("baseline_consensus_bypassed", baseline);
        all.put("consensus_overhead", BenchResults.round(1 - (double) withConsensus / without));
        all.put("goals", Map.of("end_to_end_tx_per_s", 10_000, "consensus_overhead_max", 0.35));
        all.put("goal_throughput_met", withConsensus >= 10_000);
        all.put("goal_overhead_met", 1 - (double) withConsensus / without <= 0.35);
        BenchResults.write(out, all);
    }

    private static void produce(String bootstrap, String topic, List<Preloaded> records) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (var p = new KafkaProducer<>(producerProperties(bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            for (Preloaded r : records) {
                p.send(new ProducerRecord<>(topic, null, r.timestampMs(), r.key(), r.value()), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            p.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading " + topic + " failed", failure.get());
        }
        System.out.printf("  preloaded %,d records into %s in %.1f s%n", records.size(), topic, (System.nanoTime() - t0) / 1e9);
    }

    private static Properties producerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "aot-bench-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void stop(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already finished or failed: nothing left to cancel
        }
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception cancelled) {
            // the expected end of a cancelled job
        }
    }

    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

}
