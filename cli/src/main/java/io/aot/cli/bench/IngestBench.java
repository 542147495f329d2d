package io.aot.cli.bench;

import io.aot.cli.Main;
import io.aot.cli.stack.StackProvisioning;
import io.aot.ingestion.gateway.PaymentJson;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.ChildJvm;
import io.aot.localstack.ChildProcess;
import io.aot.localstack.FreePorts;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.LocalStack;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.topics.Topic;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aot bench ingest}: how fast payments get into Kafka, on this machine, with real processes.
 * <ol>
 *   <li>the simulator producing signed payments straight into {@code aot.terminal.tx.v1}, unpaced;</li>
 *   <li>{@code aot gateway} in its own JVM, loaded by {@code wrk} (a separate native process) with pre-signed
 *       payments over HTTP keep-alive connections: payments accepted (202, so in Kafka with acks=all) per second,
 *       latency, and the CPU each process used. The payments are signed before the timed window so that signing
 *       does not take the cores being measured; the per-terminal rate limit is lifted (the simulated fleet's busiest
 *       terminals exceed a real terminal's rate), every other check runs.</li>
 * </ol>
 * Every accepted payment is checked to be in Kafka afterwards (end offsets = 202 answers).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Gateway requests/s with wrk (signed payments, real Kafka + Cassandra registry) and the simulator's",
            "produce rate into Kafka; writes bench/results/ingest.json. Needs wrk (Debian: apt-get install wrk)."})
public final class IngestBench implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "15", description = "Timed gateway window (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--simulator-seconds", defaultValue = "10", description = "Timed simulator window (default ${DEFAULT-VALUE}).")
    int simulatorSeconds;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Option(names = "--event-loops", defaultValue = "2", description = "Gateway event loops (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--signed-per-second", defaultValue = "20000",
            description = "Payments signed ahead per second of the window: the most the run can accept (default ${DEFAULT-VALUE}).")
    int signedPerSecond;

    @Option(names = "--merchants", defaultValue = "2000")
    int merchants;

    @Option(names = "--customers", defaultValue = "50000")
    int customers;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--out", defaultValue = "bench/results/ingest.json")
    Path out;

    @Option(names = "--jfr", description = "Record the gateway with Java Flight Recorder into this file (a profile).")
    Path jfr;

    private static final int WARMUP_PAYMENTS = 40_000;
    private static final Pattern WRK_RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_PERCENTILE = Pattern.compile("\\s(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern LOOKUPS = Pattern.compile("aot_gateway_registry_lookups_total (\\d+)");
    private static final Pattern ACCEPTED = Pattern.compile("aot_gateway_answers_total\\{status=\"(\\d+)\",code=\"([A-Z_]+)\"\\} (\\d+)");

    @Override
    public Integer call() throws Exception {
        if (!wrkAvailable()) {
            System.err.println("aot bench ingest: wrk is not installed; on Debian/Ubuntu: sudo apt-get install wrk");
            return 2;
        }
        Path dir = Files.createTempDirectory("aot-bench-ingest-");
        System.out.println("starting Kafka and Cassandra (child JVMs) ...");
        try (LocalStack stack = LocalStack.start(KafkaBroker.Options.defaults(), CassandraNode.Options.defaults(),
                System.out::println)) {
            StackProvisioning.createTopics(System.out, stack.kafka(), "");
            StackProvisioning.applyDdl(System.out, stack.cassandra(), Keyspace.LEDGER, Keyspace.LEDGER.defaultName(),
                    Replication.simple(1));
            Fleet fleet = Fleet.generate(seed, merchants, customers);
            try (TerminalRegistry registry = TerminalRegistry.connect(
                    new java.net.InetSocketAddress("127.0.0.1", stack.cassandra().nativePort()),
                    CassandraNode.LOCAL_DATACENTER, Keyspace.LEDGER.defaultName())) {
                List<io.aot.ledger.terminal.Terminal> terminals = fleet.registrations(Instant.now());
                terminals.forEach(registry::register);
                System.out.printf("registered %,d terminals of %,d merchants%n", terminals.size(), merchants);
            }
            // One pool signs on every core for both parts (pre-signing, request bodies, the signature-check ceiling).
            int cores = Runtime.getRuntime().availableProcessors();
            java.util.concurrent.ExecutorService signers = java.util.concurrent.Executors.newFixedThreadPool(cores);
            try {
                Map<String, Object> simulator = simulatorIntoKafka(stack.kafka(), fleet, signers, cores);
                Map<String, Object> gateway = gatewayWithWrk(stack, fleet, dir, signers, cores);
                report(simulator, gateway);
            } finally {
                signers.shutdownNow();
            }
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    /**
     * The simulator into Kafka, twice: signing as it goes (batches signed on every core, unpaced), and pre-signed
     * (the records made and signed on every core first, then only sent: the "pre-sign" figure).
     */
    private Map<String, Object> simulatorIntoKafka(KafkaBroker kafka, Fleet fleet,
            java.util.concurrent.ExecutorService signers, int cores) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        PaymentSimulator sim = new PaymentSimulator(fleet, seed, Long.MAX_VALUE / 2,
                io.aot.ingestion.simulator.SimulatedDay.yesterday(java.time.Clock.systemUTC()).start(), 0);
        System.out.printf("simulator -> Kafka, signing as it goes on %d cores (next batch made while one is sent), "
                + "unpaced, %d s ...%n", cores,
                simulatorSeconds);
        long t0 = System.nanoTime();
        long end = t0 + simulatorSeconds * 1_000_000_000L;
        Map<String, Object> live;
        try (var batches = new io.aot.ingestion.simulator.SignedBatches(sim, 1_024, cores)) {
            live = produce(kafka, () -> System.nanoTime() < end ? batches.next() : List.of(), sim);
        }
        r.put("signing_as_it_goes", live);

        long presigned = Math.max(50_000L, 5L * (Long) live.get("records_per_s") * simulatorSeconds / 2);
        System.out.printf("pre-signing %,d records on %d cores (not timed) ...%n", presigned, cores);
        List<PaymentSimulator.SimulatedTx> ready = new java.util.ArrayList<>((int) presigned);
        long s0 = System.nanoTime();
        while (ready.size() < presigned) {
            ready.addAll(sim.nextBatch((int) Math.min(4_096, presigned - ready.size()), signers));
        }
        double signSecs = (System.nanoTime() - s0) / 1e9;
        System.out.printf("  %,.0f records/s made and signed%n", presigned / signSecs);
        System.out.printf("simulator -> Kafka, pre-signed records, unpaced ...%n");
        java.util.Iterator<PaymentSimulator.SimulatedTx> it = ready.iterator();
        Map<String, Object> pre = produce(kafka, () -> {
            List<PaymentSimulator.SimulatedTx> batch = new java.util.ArrayList<>(1_024);
            while (it.hasNext() && batch.size() < 1_024) {
                batch.add(it.next());
            }
            return batch;
        }, sim);
        pre.put("records_made_and_signed_per_s_beforehand", Math.round(presigned / signSecs));
        r.put("pre_signed", pre);
        r.put("records_per_s", pre.get("records_per_s"));
        return r;
    }

    private interface Batches {
        List<PaymentSimulator.SimulatedTx> next() throws Exception;
    }

    /** Sends every batch until an empty one; figures from the first send to the last acknowledgement. */
    private Map<String, Object> produce(KafkaBroker kafka, Batches batches, PaymentSimulator sim) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long self = ProcessHandle.current().pid();
        long cpuSelf0 = ProcessCpu.millis(self);
        long cpuKafka0 = ProcessCpu.millis(kafka.pid());
        long t0 = System.nanoTime();
        long sent = 0;
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            long nextReport = t0 + 5_000_000_000L;
            for (List<PaymentSimulator.SimulatedTx> batch = batches.next(); !batch.isEmpty() && failure.get() == null;
                    batch = batches.next()) {
                for (PaymentSimulator.SimulatedTx tx : batch) {
                    producer.send(new ProducerRecord<>(Topic.TERMINAL_TX.baseName(), null,
                            sim.timeOf(tx.index()).toEpochMilli(), tx.key(), tx.value()), (meta, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    acked.incrementAndGet();
                                }
                            });
                }
                sent += batch.size();
                if (System.nanoTime() > nextReport) {
                    System.out.printf("  %,d sent, %,d acknowledged%n", sent, acked.get());
                    nextReport += 5_000_000_000L;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka refused a record", failure.get());
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("records_acknowledged", acked.get());
        r.put("seconds", BenchResults.round(elapsed));
        r.put("records_per_s", Math.round(acked.get() / elapsed));
        r.put("cores_simulator_jvm", BenchResults.round((ProcessCpu.millis(self) - cpuSelf0) / 1000.0 / elapsed));
        r.put("cores_kafka", BenchResults.round((ProcessCpu.millis(kafka.pid()) - cpuKafka0) / 1000.0 / elapsed));
        System.out.printf("  %,d records/s acknowledged by Kafka (acks=all, idempotent)%n", r.get("records_per_s"));
        return r;
    }

    private Map<String, Object> gatewayWithWrk(LocalStack stack, Fleet fleet, Path dir,
            java.util.concurrent.ExecutorService signers, int cores) throws Exception {
        // The live simulator continues the Kafka run's fleet with fresh sequence numbers of its own seed.
        PaymentSimulator sim = PaymentSimulator.live(fleet, seed + 1, Long.MAX_VALUE / 2, 0, Clock.systemUTC());
        Path warmup = dir.resolve("warmup");
        Path timed = dir.resolve("timed");
        long signed = (long) signedPerSecond * seconds;
        System.out.printf("signing %,d + %,d payments ahead on %d cores (not timed) ...%n", WARMUP_PAYMENTS, signed,
                cores);
        writeBodies(sim, warmup, WARMUP_PAYMENTS, wrkThreads, signers);
        writeBodies(sim, timed, signed, wrkThreads, signers);
        Map<String, Object> ceiling = verificationCeiling(fleet, sim, signers, cores);
        Path script = dir.resolve("post.lua");
        Files.writeString(script, WRK_SCRIPT);

        int port = FreePorts.allocate(1)[0];
        List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
        List<String> flags = new java.util.ArrayList<>(List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"));
        if (jfr != null) {
            flags.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr.toAbsolutePath());
        }
        ChildProcess gw = ChildJvm.named("bench-gateway").classpath(cp).jvmArgs(flags)
                .mainClass(Main.class.getName())
                .args("gateway", "--port", Integer.toString(port), "--bootstrap", stack.kafka().bootstrapServers(),
                        "--cassandra", stack.cassandra().contactPoint(), "--event-loops", Integer.toString(eventLoops),
                        "--rate-per-terminal", "1000000", "--burst-per-terminal", "1000000")
                .workDir(dir, false).logFile(dir.resolve("gateway.log")).start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitHealthy(base, gw);
            System.out.printf("warm-up: wrk %d s ...%n", 5);
            runWrk(base, script, warmup, 5, null);
            Map<String, Long> before = answers(base);
            long lookupsBefore = registryLookups(base);
            long cpuGw0 = ProcessCpu.millis(gw.pid());
            long cpuKafka0 = ProcessCpu.millis(stack.kafka().pid());
            long cpuCassandra0 = ProcessCpu.millis(stack.cassandra().pid());
            System.out.printf("timed: wrk -t%d -c%d -d%ds (%,d pre-signed payments) ...%n", wrkThreads, connections,
                    seconds, signed);
            long t0 = System.nanoTime();
            AtomicLong wrkCpu = new AtomicLong();
            String wrkOut = runWrk(base, script, timed, seconds, wrkCpu);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long cpuGw = ProcessCpu.millis(gw.pid()) - cpuGw0;
            long cpuKafka = ProcessCpu.millis(stack.kafka().pid()) - cpuKafka0;
            long cpuCassandra = ProcessCpu.millis(stack.cassandra().pid()) - cpuCassandra0;
            Map<String, Long> after = answers(base);
            long lookups = registryLookups(base) - lookupsBefore;
            Map<String, Long> delta = new LinkedHashMap<>();
            after.forEach((k, v) -> {
                long d = v - before.getOrDefault(k, 0L);
                if (d > 0) {
                    delta.put(k, d);
                }
            });
            long accepted = delta.getOrDefault("202 ACCEPTED", 0L);
            long acceptedTotal = after.getOrDefault("202 ACCEPTED", 0L);
            long inKafka = endOffsets(stack.kafka());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("accepted_per_s", Math.round(accepted / (double) seconds));
            r.put("accepted", accepted);
            r.put("answers_by_status_and_code", delta);
            Matcher rps = WRK_RPS.matcher(wrkOut);
            r.put("wrk_requests_per_s", rps.find() ? Math.round(Double.parseDouble(rps.group(1))) : -1);
            Matcher pm = WRK_PERCENTILE.matcher(wrkOut);
            while (pm.find()) {
                r.put("latency_p" + pm.group(1) + "_ms", BenchResults.round(toMillis(Double.parseDouble(pm.group(2)), pm.group(3))));
            }
            r.put("signed_ahead", signed);
            r.put("ran_out_of_signed_payments", accepted >= signed);
            r.put("kafka_records_total", inKafka);
            r.put("accepted_total_incl_warmup", acceptedTotal);
            r.put("every_accepted_payment_in_kafka", inKafka >= acceptedTotal);
            r.put("cores_gateway", BenchResults.round(cpuGw / 1000.0 / elapsed));
            r.put("cores_wrk", BenchResults.round(wrkCpu.get() / 1000.0 / elapsed));
            r.put("cores_kafka", BenchResults.round(cpuKafka / 1000.0 / elapsed));
            r.put("cores_cassandra", BenchResults.round(cpuCassandra / 1000.0 / elapsed));
            r.put("terminal_registry_lookups", lookups);
            r.put("wrk", "wrk -t" + wrkThreads + " -c" + connections + " -d" + seconds + "s --latency");
            r.put("signature_check_ceiling", ceiling);
            System.out.print(wrkOut);
            System.out.printf("  gateway: %,d payments/s accepted (202 after Kafka acks=all); answers %s%n",
                    r.get("accepted_per_s"), delta);
            return r;
        } finally {
            gw.stop(Duration.ofSeconds(10));
        }
    }

    /**
     * The most payments/s this machine could accept if the gateway did nothing but the device-signature check it does
     * per request ({@code DeviceCheck.checkSignature}: canonical bytes + BouncyCastle Ed25519 verify), on every core,
     * with Kafka and Cassandra idle: an upper bound for the gateway figure, measured in the same run.
     */
    private static Map<String, Object> verificationCeiling(Fleet fleet, PaymentSimulator sim,
            java.util.concurrent.ExecutorService pool, int cores) throws Exception {
        Map<String, io.aot.ledger.terminal.Terminal> byId = new java.util.HashMap<>();
        fleet.registrations(Instant.now()).forEach(t -> byId.put(t.terminalId(), t));
        List<PaymentSimulator.SimulatedTx> sample = sim.nextBatch(2_000, pool);
        long seconds = 4;
        System.out.printf("signature-check ceiling: verifying on %d cores for %d s ...%n", cores, seconds);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<java.util.concurrent.Future<Long>> counts = new java.util.ArrayList<>();
        for (int c = 0; c < cores; c++) {
            int offset = c;
            counts.add(pool.submit(() -> {
                long n = 0;
                for (int i = offset; System.nanoTime() < end; i++) {
                    var p = sample.get(i % sample.size()).payment();
                    if (!io.aot.ledger.terminal.DeviceCheck.OK.equals(
                            io.aot.ledger.terminal.DeviceCheck.checkSignature(p, byId.get(p.getTerminalId())))) {
                        throw new IllegalStateException("a simulated payment did not verify: " + p.getTxId());
                    }
                    n++;
                }
                return n;
            }));
        }
        long total = 0;
        for (var f : counts) {
            total += f.get();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("signature_checks_per_s_all_cores", Math.round(total / (double) seconds));
        r.put("cores", cores);
        r.put("us_per_check_per_core", BenchResults.round(seconds * 1e6 * cores / total));
        System.out.printf("  %,d signature checks/s on %d cores (%.0f us each per core)%n",
                r.get("signature_checks_per_s_all_cores"), cores, r.get("us_per_check_per_core"));
        return r;
    }

    /**
     * The payments as request bodies, one JSON line each, in one file per wrk thread ({@code prefix-N.jsonl}). A
     * terminal's payments all go to one thread, in sequence order, as a real terminal sends them; threads run
     * independently, so splitting a terminal across them would reorder its sequence numbers by thousands.
     */
    private static void writeBodies(PaymentSimulator sim, Path prefix, long count, int threads,
            java.util.concurrent.ExecutorService signers) throws IOException, InterruptedException {
        BufferedWriter[] w = new BufferedWriter[threads];
        try {
            for (int t = 0; t < threads; t++) {
                w[t] = Files.newBufferedWriter(Path.of(prefix + "-" + t + ".jsonl"), StandardCharsets.UTF_8);
            }
            for (long written = 0; written < count; ) {
                for (PaymentSimulator.SimulatedTx tx : sim.nextBatch((int) Math.min(4_096, count - written), signers)) {
                    var p = tx.payment();
                    BufferedWriter out = w[Math.floorMod(p.getTerminalId().hashCode(), threads)];
                    out.write(PaymentJson.toJson(p).encode());
                    out.write('\n');
                    written++;
                }
            }
        } finally {
            for (BufferedWriter x : w) {
                if (x != null) {
                    x.close();
                }
            }
        }
    }

    private String runWrk(String base, Path script, Path bodies, int durationSeconds, AtomicLong cpuMillis)
            throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder("wrk", "-t" + wrkThreads, "-c" + connections, "-d" + durationSeconds + "s",
                "--latency", "-s", script.toString(), base + "/v1/payments", "--", bodies.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e).append(')');
            }
        }, "wrk-output");
        reader.start();
        while (wrk.isAlive()) {
            long cpu = ProcessCpu.millis(wrk.pid());
            if (cpuMillis != null && cpu > 0) {
                cpuMillis.set(cpu);
            }
            Thread.sleep(200);
        }
        reader.join();
        if (wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed (exit " + wrk.exitValue() + "):\n" + output);
        }
        return output.toString();
    }

    private static void awaitHealthy(String base, ChildProcess gw) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!gw.isAlive()) {
                throw new IllegalStateException("the gateway exited:\n" + gw.logTail(30));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the gateway did not become healthy:\n" + gw.logTail(30));
    }

    private static Map<String, Long> answers(String base) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher a = ACCEPTED.matcher(text);
        while (a.find()) {
            m.put(a.group(1) + " " + a.group(2), Long.parseLong(a.group(3)));
        }
        return m;
    }

    private static long registryLookups(String base) throws Exception {
        Matcher m = LOOKUPS.matcher(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        if (!m.find()) {
            throw new IllegalStateException("the gateway's /metrics has no aot_gateway_registry_lookups_total");
        }
        return Long.parseLong(m.group(1));
    }

    private static long endOffsets(KafkaBroker kafka) throws Exception {
        try (Admin admin = kafka.newAdmin()) {
            String topic = Topic.TERMINAL_TX.baseName();
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
            for (int i = 0; i < partitions; i++) {
                specs.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            return admin.listOffsets(specs).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private void report(Map<String, Object> simulator, Map<String, Object> gateway) throws IOException {
        // The Kafka topic holds the simulator's records too: the gateway's check subtracts them.
        @SuppressWarnings("unchecked")
        long simulatorRecords = (Long) ((Map<String, Object>) simulator.get("signing_as_it_goes"))
                .get("records_acknowledged") + (Long) ((Map<String, Object>) simulator.get("pre_signed"))
                .get("records_acknowledged");
        long inKafka = (Long) gateway.get("kafka_records_total");
        gateway.put("kafka_records_from_gateway", inKafka - simulatorRecords);
        gateway.put("every_accepted_payment_in_kafka",
                inKafka - simulatorRecords == (Long) gateway.get("accepted_total_incl_warmup"));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", "ingest");
        all.put("when", Instant.now().toString());
        all.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + Math.round(Runtime.getRuntime().maxMemory() / 1e9) + " GB max heap here, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        all.put("gateway", gateway);
        all.put("simulator_into_kafka", simulator);
        all.put("goals", Map.of("gateway_accepted_per_s", 10_000, "simulator_records_per_s", 50_000));
        all.put("goal_gateway_met", (Long) gateway.get("accepted_per_s") >= 10_000);
        all.put("goal_simulator_met", (Long) simulator.get("records_per_s") >= 50_000);
        BenchResults.write(out, all);
    }

    private static double toMillis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static boolean wrkAvailable() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * wrk's request generator: thread N loads {@code PREFIX-N.jsonl} (its terminals' pre-signed bodies) and posts them
     * in order, wrapping around if it runs out (a wrapped-around payment is a replay: 409, not counted).
     */
    private static final String WRK_SCRIPT = String.join("\n",
            "local counter = 0",
            "function setup(thread)",
            "  thread:set('id', counter)",
            "  counter = counter + 1",
            "end",
            "function init(args)",
            "  bodies = {}",
            "  for line in io.lines(args[1] .. '-' .. id .. '.jsonl') do",
            "    bodies[#bodies + 1] = line",
            "  end",
            "  next_body = 0",
            "  wrk.method = 'POST'",
            "  wrk.headers['Content-Type'] = 'application/json'",
            "end",
            "function request()",
            "  next_body = next_body + 1",
            "  if next_body > #bodies then next_body = 1 end",
            "  return wrk.format(nil, nil, nil, bodies[next_body])",
            "end",
            "");
}
