package io.aot.cli.gateway;

import io.aot.cli.connect.CassandraConsistency;
import io.aot.cli.connect.CassandraSessions;
import io.aot.cli.connect.KafkaProbe;
import io.aot.ingestion.gateway.GatewaySettings;
import io.aot.ingestion.gateway.PaymentPublisher;
import io.aot.ingestion.gateway.TerminalGateway;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ledger.terminal.CachingTerminalDirectory;
import io.aot.schemas.topics.Topic;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aot gateway}: the HTTP API payment terminals call; runs until Ctrl-C. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"HTTP gateway for signed terminal payments (docs/gateway.md).", "",
            "POST /v1/payments verifies the device signature against the terminal registry (Cassandra), checks amounts,",
            "clock, rate and sequence, writes the payment to Kafka aot.terminal.tx.v1 (acks=all, idempotent) and answers",
            "202 with the transaction id once Kafka has it. GET /health, GET /metrics (Prometheus)."})
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8443", description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092.")
    String bootstrap;

    @Option(names = "--topic", description = "Default: aot.terminal.tx.v1")
    String topic;

    @Option(names = "--cassandra", defaultValue = "127.0.0.1:9042", description = "Terminal registry host:port (default ${DEFAULT-VALUE}).")
    String cassandra;

    @Option(names = "--datacenter", defaultValue = "datacenter1")
    String datacenter;

    @Option(names = "--keyspace", defaultValue = "aot_ledger")
    String keyspace;

    @Mixin
    CassandraConsistency consistency;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve HTTPS only.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--rate-per-terminal", defaultValue = "20", description = "Payments/s per terminal on average (default ${DEFAULT-VALUE}).")
    double ratePerTerminal;

    @Option(names = "--burst-per-terminal", defaultValue = "40", description = "Burst per terminal (default ${DEFAULT-VALUE}).")
    int burstPerTerminal;

    @Option(names = "--max-body-bytes", defaultValue = "16384", description = "Larger requests get 413 (default ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--max-in-flight", defaultValue = "20000", description = "Unacknowledged Kafka writes before 503 (default ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--kafka-timeout-ms", defaultValue = "10000", description = "Kafka delivery timeout; then 503 (default ${DEFAULT-VALUE}).")
    long kafkaTimeoutMs;

    @Option(names = "--max-clock-skew-ms", defaultValue = "300000")
    long maxClockSkewMs;

    @Option(names = "--event-loops", defaultValue = "0", description = "Netty event loops; 0 = one per core.")
    int eventLoops;

    /** Counted down by Ctrl-C (a shutdown hook), or by a test that runs the command in a thread. */
    private final CountDownLatch stop = new CountDownLatch(1);

    /** Stops a gateway started by {@link #call} in another thread, as Ctrl-C does. */
    public void stopForTest() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        GatewaySettings d = GatewaySettings.defaults();
        GatewaySettings settings = new GatewaySettings(host, port, eventLoops > 0 ? eventLoops : d.eventLoops(),
                maxBodyBytes, ratePerTerminal, burstPerTerminal, maxInFlight, kafkaTimeoutMs, maxClockSkewMs, d.limits(),
                d.terminalCacheTtlMs(), d.maxCachedTerminals(), d.sequenceWindow(), tlsCert, tlsKey);
        String target = topic != null ? topic : Topic.TERMINAL_TX.baseName();
        KafkaProbe.requireReachable(bootstrap); // the publisher's start would wait its 30 s for a Kafka that is not there
        try (CachingTerminalDirectory terminals = new CachingTerminalDirectory(
                TerminalRegistry.owning(CassandraSessions.open(cassandra, datacenter), keyspace,
                        consistency.level()),
                Duration.ofMillis(settings.terminalCacheTtlMs()), settings.maxCachedTerminals(), System::nanoTime);
                PaymentPublisher publisher = new PaymentPublisher(bootstrap, target, maxInFlight, kafkaTimeoutMs)) {
            publisher.start(Duration.ofSeconds(30));
            try (TerminalGateway gateway = TerminalGateway.start(settings, terminals, publisher, Clock.systemUTC())) {
                String url = (settings.tls() ? "https" : "http") + "://" + host + ":" + gateway.port();
                System.out.printf("gateway listening on %s  (POST /v1/payments, GET /health, GET /metrics); Kafka %s"
                        + " topic %s; registry %s/%s. Ctrl-C stops.%n", url, bootstrap, target, cassandra, keyspace);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "gateway-stop"));
                stop.await();
            }
        }
        return 0;
    }
}
