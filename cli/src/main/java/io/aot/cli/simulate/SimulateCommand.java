package io.aot.cli.simulate;

import io.aot.cli.connect.KafkaProbe;
import io.aot.cli.connect.TcpProbe;
import io.aot.cli.errors.Server;
import io.aot.cli.errors.UsageException;
import io.aot.ingestion.simulator.DumpWriter;
import io.aot.ingestion.simulator.GatewaySender;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ingestion.simulator.SimulatedDay;
import io.aot.ingestion.simulator.SignedBatches;
import io.aot.schemas.topics.Topic;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aot simulate}: a seeded fleet of payment terminals producing signed transactions. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate a fleet of payment terminals (seeded: same seed, same transactions)", "",
            "Korean market shape: Zipf merchant popularity, 17 regions, categories with log-normal tickets, method and",
            "wallet mix, diurnal curve, returning customers, refunds, point swaps, AOT coin; --bad-fraction adds bad",
            "signatures, replays, malformed bytes and unknown terminals.", "",
            "--via kafka writes the records straight into aot.terminal.tx.v1, stamped with the simulated day's times.",
            "--via gateway posts them to ./aot gateway as terminals do, stamped with the current time (the gateway checks",
            "the clock), and counts the answers by status and code."})
public final class SimulateCommand implements Callable<Integer> {

    /** Records signed together on every core before they are sent. */
    static final int SIGNING_BATCH = 2_048;

    @Option(names = "--rate", defaultValue = "1000", description = "Records per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds to run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--via", defaultValue = "kafka", description = "kafka (default) or gateway.")
    String via;

    @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8443", description = "Gateway URL with --via gateway (default ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--gateway-trust-cert", description = "PEM certificate to trust for an HTTPS gateway with a self-signed one.")
    Path gatewayTrustCert;

    @Option(names = "--concurrency", defaultValue = "64", description = "Requests in flight with --via gateway (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092 (see ./aot stack).")
    String bootstrap;

    @Option(names = "--topic", description = "Default: " + "aot.terminal.tx.v1")
    String topic;

    @Option(names = "--dump", description = "Also write every record as a JSON line to this file.")
    Path dump;

    @Option(names = "--bad-fraction", defaultValue = "0", description = "Share of bad traffic, 0..1.")
    double badFraction;

    @Option(names = "--merchants", defaultValue = "2000")
    int merchants;

    @Option(names = "--customers", defaultValue = "50000")
    int customers;

    @Option(names = "--day", description = "The simulated market day (Asia/Seoul), e.g. 2026-11-23; default yesterday. "
            + "The terminal topic refuses record times more than 3 days old (retention would delete them unread).")
    java.time.LocalDate day;

    @Override
    public Integer call() throws Exception {
        if ("gateway".equals(via)) {
            return viaGateway();
        }
        if (!"kafka".equals(via)) {
            System.err.println("aot simulate: --via must be kafka or gateway, got " + via);
            return 2;
        }
        if (bootstrap == null) {
            System.err.println("aot simulate: --bootstrap is required with --via kafka (start a broker with ./aot stack)");
            return 2;
        }
        KafkaProbe.requireReachable(bootstrap);
        long total = (long) rate * seconds;
        Fleet fleet = Fleet.generate(seed, merchants, customers);
        SimulatedDay simulated = day != null ? new SimulatedDay(day) : SimulatedDay.yesterday(java.time.Clock.systemUTC());
        PaymentSimulator sim = new PaymentSimulator(fleet, seed, total, simulated.start(), badFraction);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A missing topic fails the first send within seconds instead of the default 60 s of waiting for metadata.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        String target = topic != null ? topic : Topic.TERMINAL_TX.baseName();
        Map<PaymentSimulator.Kind, Long> counts = new EnumMap<>(PaymentSimulator.Kind.class);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        System.out.printf("simulating %,d records (%d merchants, %d customers, seed %d) into %s at %s%n", total,
                merchants, customers, seed, target, bootstrap);
        // Signed on every core, in order; a batch is a fraction of a second at any sensible --rate.
        try (SignedBatches batches = new SignedBatches(sim, (int) Math.max(16, Math.min(SIGNING_BATCH, rate / 4)),
                Runtime.getRuntime().availableProcessors());
                var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
                DumpWriter writer = dump == null ? null : new DumpWriter(dump)) {
            long nextReport = t0 + 5_000_000_000L;
            java.util.Iterator<PaymentSimulator.SimulatedTx> batch = batches.next().iterator();
            while (batch.hasNext() && failure.get() == null) {
                PaymentSimulator.SimulatedTx tx = batch.next();
                // The record's timestamp is the simulated receive time, so the ingest job's clock-skew check holds.
                producer.send(new ProducerRecord<>(target, null, sim.timeOf(tx.index()).toEpochMilli(), tx.key(),
                        tx.value()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                counts.merge(tx.kind(), 1L, Long::sum);
                if (writer != null) {
                    writer.write(tx);
                }
                // Pace to --rate: sleep when ahead of schedule.
                long dueNanos = t0 + (long) ((tx.index() + 1) * 1e9 / rate);
                long ahead = dueNanos - System.nanoTime();
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000);
                }
                if (System.nanoTime() > nextReport) {
                    System.out.printf("  %,d generated, %,d acknowledged by Kafka%n", tx.index() + 1, acked.get());
                    nextReport += 5_000_000_000L;
                }
                if (!batch.hasNext()) {
                    batch = batches.next().iterator();
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            System.err.println("aot simulate: Kafka refused a record: " + failure.get());
            return 1;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("done: %,d records acknowledged in %.1f s (%,.0f/s): %s%s%n", acked.get(), secs,
                acked.get() / secs, counts, dump == null ? "" : ", dump " + dump);
        return 0;
    }

    private int viaGateway() throws Exception {
        InetSocketAddress address = gatewayAddress();
        GatewaySender sender = new GatewaySender(gateway, concurrency, gatewayTrustCert);
        // Else every request would fail on its own and be counted, for --seconds, before the summary said so.
        TcpProbe.requireOpen(Server.GATEWAY, "--gateway", gateway.toString(), address);
        long total = (long) rate * seconds;
        Fleet fleet = Fleet.generate(seed, merchants, customers);
        PaymentSimulator sim = PaymentSimulator.live(fleet, seed, total, badFraction, Clock.systemUTC());
        System.out.printf("simulating %,d payments (%d merchants, %d customers, seed %d) through the gateway at %s%n",
                total, merchants, customers, seed, gateway);
        long t0 = System.nanoTime();
        long nextReport = t0 + 5_000_000_000L;
        try (DumpWriter writer = dump == null ? null : new DumpWriter(dump)) {
            while (sim.hasNext()) {
                PaymentSimulator.SimulatedTx tx = sim.next();
                sender.send(tx);
                if (writer != null) {
                    writer.write(tx);
                }
                long dueNanos = t0 + (long) ((tx.index() + 1) * 1e9 / rate);
                long ahead = dueNanos - System.nanoTime();
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000);
                }
                if (System.nanoTime() > nextReport) {
                    System.out.printf("  %,d sent, %,d answered, %,d accepted%n", tx.index() + 1, sender.answered(),
                            sender.accepted());
                    nextReport += 5_000_000_000L;
                }
            }
        }
        if (!sender.awaitAnswers(Duration.ofSeconds(60))) {
            System.err.println("aot simulate: the gateway did not answer every request within 60 s");
            return 1;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("done: %,d payments sent in %.1f s (%,.0f/s); %,d accepted (202)%n", total, secs,
                total / secs, sender.accepted());
        sender.outcomesByKind().forEach((kind, answers) -> System.out.printf("  %-16s %s%n", kind, answers));
        boolean validRefused = sender.outcomesByKind().getOrDefault(PaymentSimulator.Kind.VALID, Map.of()).keySet()
                .stream().anyMatch(k -> !k.startsWith("202"));
        if (validRefused) {
            System.out.println("note: some valid payments were refused (see above): 429 means --rate-per-terminal of the"
                    + " gateway is below what the popular simulated terminals send; 503 means Kafka was unavailable.");
        }
        return 0;
    }

    private InetSocketAddress gatewayAddress() {
        boolean https = "https".equals(gateway.getScheme());
        if (!https && !"http".equals(gateway.getScheme()) || gateway.getHost() == null) {
            throw new UsageException("--gateway must be an http:// or https:// URL, got " + gateway);
        }
        return new InetSocketAddress(gateway.getHost(), gateway.getPort() > 0 ? gateway.getPort() : https ? 443 : 80);
    }
}
