package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.avro.TerminalPayment;
import io.aot.cli.gateway.GatewayCommand;
import io.aot.ingestion.registry.TerminalRegistry;
import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.cql.CqlSchema;
import io.aot.schemas.cql.Keyspace;
import io.aot.schemas.cql.Replication;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code aot gateway} and {@code aot simulate --via gateway} on a real broker and registry: every valid simulated
 * payment is accepted and lands in Kafka once; every bad one is refused with its code and lands nowhere.
 */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class GatewayCommandIT {

    private static final long SEED = 12;

    @Test
    void simulatedTerminalsThroughTheGatewayCommand(KafkaBroker kafka, CassandraNode cassandra) throws Exception {
        String ns = "gwc" + UUID.randomUUID().toString().substring(0, 8);
        String keyspace = "aot_ledger_" + ns;
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        Fleet fleet = Fleet.generate(SEED, 100, 1000);
        try (CqlSession s = cassandra.newSession()) {
            CqlSchema.apply(Keyspace.LEDGER, keyspace, Replication.simple(1), s::execute);
            TerminalRegistry registry = new TerminalRegistry(s, keyspace);
            fleet.registrations(Instant.now()).forEach(registry::register);
        }
        String topic = Topic.TERMINAL_TX.nameIn(ns);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        GatewayCommand gateway = new GatewayCommand();
        Thread server = new Thread(() -> new CommandLine(gateway).execute("--port", Integer.toString(port),
                "--bootstrap", kafka.bootstrapServers(), "--topic", topic, "--cassandra", cassandra.contactPoint(),
                "--keyspace", keyspace, "--rate-per-terminal", "1000", "--burst-per-terminal", "1000"), "gateway-under-test");
        server.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int health = 0;
            while (health != 200 && System.nanoTime() < deadline) {
                try {
                    health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (java.io.IOException notYet) {
                    Thread.sleep(300);
                }
            }
            assertThat(health).isEqualTo(200);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream previous = System.out;
            int exit;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                exit = Main.commandLine().execute("simulate", "--via", "gateway", "--gateway", "http://127.0.0.1:" + port,
                        "--rate", "400", "--seconds", "2", "--seed", Long.toString(SEED), "--bad-fraction", "0.1",
                        "--merchants", "100", "--customers", "1000");
            } finally {
                System.setOut(previous);
            }
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(printed).isZero();

            // Same seed, same transactions (their ids and kinds; only the times are live).
            PaymentSimulator expected = PaymentSimulator.live(fleet, SEED, 800, 0.1, Clock.systemUTC());
            Set<String> validIds = new HashSet<>();
            int bad = 0;
            while (expected.hasNext()) {
                PaymentSimulator.SimulatedTx tx = expected.next();
                if (tx.kind() == PaymentSimulator.Kind.VALID) {
                    validIds.add(tx.payment().getTxId());
                } else {
                    bad++;
                }
            }
            assertThat(bad).isPositive();
            // A replay is the same bytes as a valid payment sent moments before; with requests in flight concurrently
            // either copy may arrive first, so which of the two got the 202 varies. Exactly one of them does.
            assertThat(printed).contains(String.format("%,d accepted (202)", validIds.size()));
            String sameBytes = "(202 ACCEPTED|409 IN_FLIGHT|409 ALREADY_ACCEPTED)=\\d+";
            assertThat(printed).containsPattern("VALID +\\{" + sameBytes + "(, " + sameBytes + ")*\\}\n")
                    .containsPattern("REPLAY +\\{" + sameBytes + "(, " + sameBytes + ")*\\}\n")
                    .containsPattern("BAD_SIGNATURE +\\{401 BAD_SIGNATURE=\\d+\\}\n")
                    .containsPattern("MALFORMED +\\{400 MALFORMED_JSON=\\d+\\}\n")
                    .containsPattern("UNKNOWN_TERMINAL +\\{401 UNKNOWN_TERMINAL=\\d+\\}\n");

            Properties c = new Properties();
            c.putAll(kafka.clientProperties());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + ns);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            AvroCodec<TerminalPayment> codec = AvroCodec.of(TerminalPayment.class);
            List<String> got = new ArrayList<>();
            try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (got.size() < validIds.size() && System.nanoTime() < until) {
                    for (var r : consumer.poll(Duration.ofMillis(500))) {
                        got.add(codec.decode(r.value()).getTxId());
                    }
                }
                for (var r : consumer.poll(Duration.ofSeconds(2))) {
                    got.add(codec.decode(r.value()).getTxId());
                }
            }
            assertThat(got).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(validIds);
        } finally {
            gateway.stopForTest();
            server.join(30_000);
        }
        assertThat(server.isAlive()).isFalse();
    }
}
