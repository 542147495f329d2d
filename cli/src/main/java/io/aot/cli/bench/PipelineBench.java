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
 * {@code aot bench pipeline}: the whole ledger path on this machine, in one run of {@code --rounds} rounds. A round:
 * <ol>
 *   <li><b>consensus</b>: N signed payments preloaded into Kafka (before the clock starts), then LedgerIngestJob and
 *       LedgerStoreJob on a Flink MiniCluster with 4 validator processes: committed tx/s (read_committed
 *       {@code aot.ledger.committed.v1}) and queryable tx/s ({@code transactions_by_id} in Cassandra);</li>
 *   <li><b>latency</b> (last round only): a paced trickle through the same running pipeline: per payment, Kafka append
 *       to committed (visible to a read_committed reader) and to queryable in Cassandra (sampled), p50/p99;</li>
 *   <li><b>baseline</b>: the same N payments through the same ingest job and the same store path, with the BFT step
 *       replaced by one in-process copy of the validators' application ({@link SingleNodeLedgerFunction}); the
 *       validator processes are paused meanwhile.</li>
 * </ol>
 * Every run has its own topics, keyspace and merchants. Round 1 warms the JIT of every JVM for both runs alike (with
 * a single round the consensus run went first and paid the warm-up of the code both share: 60 % "overhead" in round 1
 * against 7-21 % in rounds 2 and 3 of the same run). Consensus overhead of a round = 1 - consensus queryable rate /
 * baseline rate; the result is the median over rounds 2..N. CPU per process says where the time goes.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"End-to-end ledger throughput and latency with 4 validators, against a baseline with consensus",
            "bypassed; writes bench/results/pipeline.json."})
public final class PipelineBench implements Callable<Integer> {

    private static final String CHAIN = "aot-bench";
    /** The baseline's block interval: a block this often (empty ones too, like the validators), or sooner when full. */
    private static final long BASELINE_BLOCK_INTERVAL_MS = 100;

    @Option(names = "--transactions", defaultValue = "60000", description = "Payments preloaded per run (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(names = "--rounds", defaultValue = "3", description = {"Rounds of (consensus run, baseline run), each"
            + " with its own payments (default ${DEFAULT-VALUE}).", "The first round warms the JIT of every JVM for"
            + " both runs alike; the overhead is the median of the later rounds'."})
    int rounds;

    @Option(names = "--latency-seconds", defaultValue = "15", description = "Paced latency phase (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--latency-rate", defaultValue = "300", description = "Payments/s in the latency phase (default ${DEFAULT-VALUE}).")
    int latencyRate;

    @Option(names = "--merchants", defaultValue = "500", description = "Merchants per round (default ${DEFAULT-VALUE}).")
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
            + " timed run into DIR/PHASE-roundN.jfr and report its CPU time per thread group; validator 0 is recorded"
            + " for its whole life into DIR/validator0.jfr.")
    Path jfrDir;

    /** One preloaded Kafka record. */
    private record Preloaded(String key, byte[] value, long timestampMs) {
    }

    @Override
    public Integer call() throws Exception {
        if (rounds < 2) {
            throw new IllegalArgumentException("--rounds must be at least 2 (a warm-up round, then measured ones)");
        }
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
        }
        Path work = Files.createTempDirectory("aot-bench-pipeline-");
        System.out.println("starting Kafka and Cassandra (child JVMs) ...");
        List<ChildProcess> validators = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(KafkaBroker.Options.defaults(), CassandraNode.Options.defaults(),
                System.out::println)) {
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.LEDGER, Keyspace.LEDGER.defaultName(),
                    Replication.simple(1));
            // A range of merchants per round: each round's new ingest jobs meet terminals whose sequences start at 1.
            Fleet fleet = Fleet.generate(seed, merchants * rounds, customers);
            try (CqlSession s = stack.cassandra().newSession()) {
                TerminalRegistry registry = new TerminalRegistry(s, Keyspace.LEDGER.defaultName());
                fleet.registrations(Instant.now()).forEach(registry::register);
            }
            LedgerGenesis ledgerGenesis = fleet.ledgerGenesis(1_000_000);
            Testnet.Layout net = Testnet.init(work.resolve("testnet"), 4, FreePorts.allocate(8), CHAIN,
                    TimeoutConfig.defaults(), ledgerGenesis);
            List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
            for (int i = 0; i < 4; i++) {
                List<String> flags = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseParallelGC"));
                if (jfrDir != null && i == 0) {
                    flags.add("-XX:StartFlightRecording=settings=profile,filename="
                            + jfrDir.toAbsolutePath().resolve("validator0.jfr"));
                }
                validators.add(ChildJvm.named("bench-validator" + i).classpath(cp).jvmArgs(flags)
                        .mainClass(ValidatorMain.class.getName()).args("--home", net.homes().get(i).toString())
                        .workDir(net.homes().get(i), false).logFile(net.homes().get(i).resolve("validator.log")).start());
            }
            Stack on = new Stack(stack, net, validators, ledgerGenesis);
            List<Map<String, Object>> results = new ArrayList<>();
            Map<String, Object> latency = null;
            for (int round = 1; round <= rounds; round++) {
                boolean last = round == rounds;
                boolean warmUp = round == 1;
                System.out.printf("== round %d of %d: signing %,d payments ahead (not timed) ...%n", round, rounds,
                        transactions);
                PaymentSimulator sim = PaymentSimulator.live(fleet.merchantRange((round - 1) * merchants,
                        round * merchants), seed + round - 1, Long.MAX_VALUE / 2, 0, Clock.systemUTC());
                List<Preloaded> preload = new ArrayList<>(transactions);
                for (int i = 0; i < transactions; i++) {
                    PaymentSimulator.SimulatedTx tx = sim.next();
                    preload.add(new Preloaded(tx.key(), tx.value(), tx.payment().getCreatedAtMillis().toEpochMilli()));
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("round", round);
                r.put("warm_up", warmUp);
                ConsensusRun consensus = consensusRun(on, round, preload, last ? sim : null);
                r.put("consensus", consensus.figures());
                latency = last ? consensus.latency() : latency;
                r.put("baseline_consensus_bypassed", baselineRun(on, round, preload));
                double overhead = overhead(r);
                r.put("consensus_overhead", BenchResults.round(overhead));
                System.out.printf("== round %d%s: consensus overhead %.0f %%%n", round, warmUp ? " (warm-up)" : "",
                        100 * overhead);
                results.add(r);
            }
            report(results, latency);
        } finally {
            validators.forEach(v -> v.stop(Duration.ofSeconds(5)));
            deleteTree(work);
        }
        return 0;
    }

    /** What every run uses: the stack, the testnet and its validator processes, the ledger's genesis. */
    private record Stack(LocalStack local, Testnet.Layout net, List<ChildProcess> validators, LedgerGenesis genesis) {
    }

    /** A consensus run's figures, and the latency phase's if it had one. */
    private record ConsensusRun(Map<String, Object> figures, Map<String, Object> latency) {
    }

    /**
     * The preloaded payments through LedgerIngestJob -> 4 validators -> LedgerStoreJob, in topics and a keyspace of
     * this round's own; with {@code latencySim}, then the paced latency phase through the same running jobs.
     */
    private ConsensusRun consensusRun(Stack on, int round, List<Preloaded> preload, PaymentSimulator latencySim)
            throws Exception {
        Target target = Target.provision(on.local(), "r" + round);
        String bootstrap = on.local().kafka().bootstrapServers();
        produce(bootstrap, Topic.TERMINAL_TX.nameIn(target.namespace()), preload);
        System.out.printf("== round %d, consensus run: %,d preloaded payments through ingest -> 4 validators -> store%n",
                round, preload.size());
        StreamExecutionEnvironment env = environment();
        IngestSettings settings = ingestSettings(on.local(), on.net(), target);
        LedgerIngestJob.defaults(settings).applyTo(env);
        LedgerIngestJob.wire(env, settings, LedgerIngestJob.kafkaSource(settings),
                LedgerIngestJob.consensusSink(settings), LedgerIngestJob.rejectionSink(settings),
                LedgerIngestJob.terminalDirectory(settings));
        long fromHeight = chainHeight(on.net()) + 1; // earlier rounds' blocks belong to earlier rounds' tables
        LedgerStoreJob.wire(env, CHAIN, new BlockSource(BlockSource.Settings.fromGenesis(
                        Genesis.read(on.net().homes().get(0).resolve("genesis.properties")), rpc(on.net()), fromHeight, 0)),
                committedSink(on.local(), target),
                LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.nameIn(target.namespace())),
                on.local().cassandra().contactPoint(), target.keyspace(), on.genesis());
        StackCpu cpu = new StackCpu(on.local(), on.validators());
        JobClient job = env.executeAsync("aot-bench-pipeline-" + target.namespace());
        try (CqlSession session = on.local().cassandra().newSession();
                var committed = consumer(bootstrap, Topic.LEDGER_COMMITTED.nameIn(target.namespace()))) {
            Map<String, Object> figures = measuredRun("consensus", round, committed, session, target.keyspace(), cpu,
                    new ChainProgress(on.net().rpcPorts().get(0), fromHeight - 1));
            if (latencySim == null) {
                return new ConsensusRun(figures, null);
            }
            System.out.printf("== latency: %d payments/s for %d s through the running pipeline%n", latencyRate,
                    latencySeconds);
            return new ConsensusRun(figures, latencyRun(latencySim, bootstrap, target, committed, session));
        } finally {
            stop(job);
        }
    }

    /**
     * The same payments through the same ingest job and store path, with one in-process copy of the validators'
     * application in place of consensus, while the validator processes are paused.
     */
    private Map<String, Object> baselineRun(Stack on, int round, List<Preloaded> preload) throws Exception {
        Target target = Target.provision(on.local(), "base" + round);
        String bootstrap = on.local().kafka().bootstrapServers();
        produce(bootstrap, Topic.TERMINAL_TX.nameIn(target.namespace()), preload);
        System.out.printf("== round %d, baseline run: the same %,d payments, same ingest job, consensus bypassed (one"
                + " in-process ledger cuts blocks), same store path into Cassandra and Kafka; the validators are"
                + " paused%n", round, preload.size());
        StreamExecutionEnvironment env = environment();
        IngestSettings settings = ingestSettings(on.local(), on.net(), target);
        LedgerIngestJob.defaults(settings).applyTo(env);
        var ordered = LedgerIngestJob.orderedTransactions(env, settings, LedgerIngestJob.kafkaSource(settings),
                LedgerIngestJob.rejectionSink(settings), LedgerIngestJob.terminalDirectory(settings));
        Path home = on.net().homes().get(0);
        var ledger = ordered.keyBy(tx -> 0, Types.INT)
                .process(new SingleNodeLedgerFunction(CHAIN, home.resolve("ledger-genesis.properties"),
                        NodeConfig.read(home).maxBlockTxs(), BASELINE_BLOCK_INTERVAL_MS))
                .returns(CommittedTx.class).name("single-node-ledger").uid("single-node-ledger").setParallelism(1)
                // Its own thread, as the validators are their own processes: chained into the store path, the ledger
                // and the committed-records writer shared one thread, and the warm baseline was slower than the
                // consensus run (-17 % "overhead").
                .disableChaining();
        LedgerStoreJob.wireCommitted(env, CHAIN, ledger, committedSink(on.local(), target),
                LedgerTopicSinks.rejections(bootstrap, Topic.TX_REJECTED.nameIn(target.namespace())),
                on.local().cassandra().contactPoint(), target.keyspace(), on.genesis());
        // Idle, the validators still cut an empty block every 100 ms (0.16 cores measured): a machine without
        // consensus would not pay that, so they are stopped (SIGSTOP) while the baseline runs.
        try (PausedProcesses paused = PausedProcesses.pause(on.validators())) {
            StackCpu cpu = new StackCpu(on.local(), on.validators());
            JobClient job = env.executeAsync("aot-bench-baseline-" + target.namespace());
            try (CqlSession session = on.local().cassandra().newSession();
                    var committed = consumer(bootstrap, Topic.LEDGER_COMMITTED.nameIn(target.namespace()))) {
                return measuredRun("baseline", round, committed, session, target.keyspace(), cpu, null);
            } finally {
                stop(job);
            }
        }
    }

    /** A run's own topics (namespace) and keyspace: no run sees another run's records or rows. */
    private record Target(String namespace, String keyspace) {
        static Target provision(LocalStack stack, String namespace) throws Exception {
            Target t = new Target(namespace, "aot_bench_" + namespace);
            StackProvisioning.createTopics(System.out, stack.kafka(), namespace);
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.LEDGER, t.keyspace(), Replication.simple(1));
            return t;
        }
    }

    private static IngestSettings ingestSettings(LocalStack stack, Testnet.Layout net, Target target) throws Exception {
        return IngestSettings.fromArgs(new String[] {"--chain-id", CHAIN,
            "--validators", String.join(",", rpc(net)), "--endorser-seed-hex",
            HexFormat.of().formatHex(NodeConfig.readKey(net.endorserKey()).seed()),
            "--bootstrap-servers", stack.kafka().bootstrapServers(), "--cassandra", stack.cassandra().contactPoint(),
            "--terminal-topic", Topic.TERMINAL_TX.nameIn(target.namespace()),
            "--chain-topic", Topic.CHAIN_TX.nameIn(target.namespace()),
            "--rejected-topic", Topic.TX_REJECTED.nameIn(target.namespace()),
            "--group", "aot-bench-" + target.namespace() + "-" + UUID.randomUUID()});
    }

    private static org.apache.flink.api.connector.sink2.Sink<CommittedTransaction> committedSink(LocalStack stack,
            Target target) {
        return LedgerTopicSinks.committed(stack.kafka().bootstrapServers(),
                Topic.LEDGER_COMMITTED.nameIn(target.namespace()), "aot-bench-store-" + target.namespace());
    }

    private static List<String> rpc(Testnet.Layout net) {
        return net.rpcPorts().stream().map(p -> "127.0.0.1:" + p).toList();
    }

    private static long chainHeight(Testnet.Layout net) throws java.io.IOException {
        try (var client = new io.aot.consensus.node.ValidatorClient(CHAIN,
                new InetSocketAddress("127.0.0.1", net.rpcPorts().get(0)))) {
            return client.latestHeight();
        }
    }

    private static double overhead(Map<String, Object> round) {
        @SuppressWarnings("unchecked")
        long withConsensus = (Long) ((Map<String, Object>) round.get("consensus")).get("queryable_tx_per_s");
        @SuppressWarnings("unchecked")
        long without = (Long) ((Map<String, Object>) round.get("baseline_consensus_bypassed")).get("queryable_tx_per_s");
        return 1 - (double) withConsensus / without;
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
    private Map<String, Object> measuredRun(String phase, int round, KafkaConsumer<byte[], byte[]> committed,
            CqlSession session, String keyspace, StackCpu cpu, ChainProgress chain) throws Exception {
        Path jfrFile = jfrDir == null ? null : jfrDir.resolve(phase + "-round" + round + ".jfr");
        JfrThreadProfile profile = jfrDir == null ? null : JfrThreadProfile.start(jfrFile);
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
            System.out.printf("  Flink JVM, share of thread CPU time by thread (%s):%n", jfrFile);
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

        ChainProgress(int rpcPort, long fromHeight) {
            this.rpcPort = rpcPort;
            this.height = fromHeight;
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

    private Map<String, Object> latencyRun(PaymentSimulator sim, String bootstrap, Target target,
            KafkaConsumer<byte[], byte[]> committed, CqlSession session) throws Exception {
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
                    p.send(new ProducerRecord<>(Topic.TERMINAL_TX.nameIn(target.namespace()), null, appendMs, tx.key(),
                                    tx.value()),
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
        PreparedStatement lookup = session.prepare("SELECT tx_id FROM " + target.keyspace()
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

    /**
     * Round 1 warms every JVM's JIT for both runs alike and is reported, not counted. The overhead is the median of
     * the later rounds' (the mean of the middle two for an even count); the consensus and baseline figures shown at the
     * top are those of the median round (the lower middle one for an even count). Every round is in {@code rounds}.
     */
    private void report(List<Map<String, Object>> rounds, Map<String, Object> latency) throws Exception {
        List<Map<String, Object>> measured = new ArrayList<>(rounds.subList(1, rounds.size()));
        measured.sort(java.util.Comparator.comparingDouble(PipelineBench::overhead));
        Map<String, Object> median = measured.get((measured.size() - 1) / 2);
        double overhead = measured.size() % 2 == 1 ? overhead(median)
                : (overhead(median) + overhead(measured.get(measured.size() / 2))) / 2;
        @SuppressWarnings("unchecked")
        long withConsensus = (Long) ((Map<String, Object>) median.get("consensus")).get("queryable_tx_per_s");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", "pipeline");
        all.put("when", Instant.now().toString());
        all.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + "; Kafka, Cassandra, 4 validators and the Flink MiniCluster"
                + " (parallelism 2) all on this machine");
        all.put("median_round", median.get("round"));
        all.put("consensus", median.get("consensus"));
        all.put("latency", latency);
        all.put("baseline_consensus_bypassed", median.get("baseline_consensus_bypassed"));
        all.put("consensus_overhead_median_of_warm_rounds", BenchResults.round(overhead));
        all.put("rounds", rounds);
        all.put("goals", Map.of("end_to_end_tx_per_s", 10_000, "consensus_overhead_max", 0.35));
        all.put("goal_throughput_met", withConsensus >= 10_000);
        all.put("goal_overhead_met", overhead <= 0.35);
        System.out.printf("== consensus overhead, median of rounds 2..%d: %.0f %% (goal <= 35 %%); round %s: consensus %,d"
                + " tx/s queryable%n", rounds.size(), 100 * overhead, median.get("round"), withConsensus);
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
