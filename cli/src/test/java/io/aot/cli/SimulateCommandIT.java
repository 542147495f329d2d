package io.aot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.ingestion.simulator.Fleet;
import io.aot.ingestion.simulator.PaymentSimulator;
import io.aot.ingestion.simulator.SimulatedDay;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.topics.Topic;
import io.aot.schemas.topics.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code aot simulate --via kafka} against a real broker: every record arrives, byte for byte what the seed makes. */
@ExtendWith(KafkaExtension.class)
class SimulateCommandIT {

    @TempDir
    Path dir;

    @Test
    void theSeededStreamArrivesInKafkaAndInTheDump(KafkaBroker kafka) throws Exception {
        String ns = "sim" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, Duration.ofSeconds(30));
        }
        String topic = Topic.TERMINAL_TX.nameIn(ns);
        Path dump = dir.resolve("dump.jsonl");

        // Yesterday: the topic refuses record times older than 3 days (a fixed date used to age out of retention).
        SimulatedDay day = SimulatedDay.yesterday(java.time.Clock.systemUTC());
        int exit = Main.commandLine().execute("simulate", "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                "--rate", "2000", "--seconds", "1", "--seed", "5", "--bad-fraction", "0.1", "--merchants", "200",
                "--customers", "2000", "--dump", dump.toString(), "--day", day.toString());
        assertThat(exit).isZero();

        PaymentSimulator expected = new PaymentSimulator(Fleet.generate(5, 200, 2000), 5, 2000,
                day.start(), 0.1);
        List<String> want = new ArrayList<>();
        while (expected.hasNext()) {
            want.add(HexFormat.of().formatHex(expected.next().value()));
        }
        Properties c = new Properties();
        c.putAll(kafka.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + ns);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < want.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> got.add(HexFormat.of().formatHex(r.value())));
            }
        }
        assertThat(got).containsExactlyInAnyOrderElementsOf(want);
        assertThat(Files.readAllLines(dump)).hasSize(2000).allSatisfy(l -> assertThat(l).startsWith("{\"index\":"));
        assertThat(Files.readString(dump)).contains("\"kind\":\"VALID\"", "\"kind\":\"MALFORMED\"", "\"kind\":\"REPLAY\"");
    }
}
