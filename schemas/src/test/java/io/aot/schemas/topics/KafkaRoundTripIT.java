package io.aot.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aot.avro.TerminalPayment;
import io.aot.localstack.KafkaBroker;
import io.aot.localstack.junit.KafkaExtension;
import io.aot.schemas.SampleRecords;
import io.aot.schemas.serde.AvroCodec;
import io.aot.schemas.serde.AvroDecodeException;
import io.aot.schemas.serde.KafkaAvroDeserializer;
import io.aot.schemas.serde.KafkaAvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Avro records through a real broker, with the catalog's topics, and bad bytes refused with their reason. */
@ExtendWith(KafkaExtension.class)
class KafkaRoundTripIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void catalogTopicsAreCreatedIdempotently(KafkaBroker kafka) throws Exception {
        String ns = namespace();
        try (Admin admin = kafka.newAdmin()) {
            List<TopicAdmin.Outcome> first = TopicAdmin.ensureTopics(admin, ns, (short) 1, TIMEOUT);
            List<TopicAdmin.Outcome> second = TopicAdmin.ensureTopics(admin, ns, (short) 1, TIMEOUT);

            assertThat(first).hasSize(Topic.values().length).allMatch(TopicAdmin.Outcome::created);
            assertThat(second).hasSize(Topic.values().length).noneMatch(TopicAdmin.Outcome::created);
            assertThat(second).extracting(TopicAdmin.Outcome::topic).contains(Topic.TERMINAL_TX.nameIn(ns));
            assertThat(admin.listTopics().names().get()).contains(Topic.LEDGER_COMMITTED.nameIn(ns));
        }
    }

    @Test
    void anAvroRecordRoundTripsThroughTheBroker(KafkaBroker kafka) throws Exception {
        String ns = namespace();
        String topic = Topic.TERMINAL_TX.nameIn(ns);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, TIMEOUT);
        }
        TerminalPayment sent = SampleRecords.aotCoinPayment("tx-" + UUID.randomUUID(), 1);
        try (var producer = new KafkaProducer<>(producerProps(kafka), new StringSerializer(),
                new KafkaAvroSerializer<>(TerminalPayment.class))) {
            producer.send(new ProducerRecord<>(topic, sent.getTerminalId(), sent)).get();
        }

        try (var consumer = new KafkaConsumer<>(consumerProps(kafka), new StringDeserializer(),
                new KafkaAvroDeserializer<>(TerminalPayment.class))) {
            List<ConsumerRecord<String, TerminalPayment>> got = pollAll(consumer, topic, 1);
            assertThat(got).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("T-SEOUL-0001");
                assertThat(r.value()).isEqualTo(sent);
                assertThat(r.value().getAmount().getAmountMinor().toBigIntegerExact())
                        .isEqualTo(SampleRecords.AOT_OVER_64_BITS);
            });
        }
    }

    @Test
    void garbageAndTruncatedValuesAreRefusedWithTheirReasonAndOffset(KafkaBroker kafka) throws Exception {
        String ns = namespace();
        String topic = Topic.TERMINAL_TX.nameIn(ns);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, TIMEOUT);
        }
        byte[] good = AvroCodec.of(TerminalPayment.class).encode(SampleRecords.cardPayment("tx-ok", 1));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        byte[] garbage = "{\"not\":\"avro\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var producer = new KafkaProducer<>(producerProps(kafka), new StringSerializer(), new ByteArraySerializer())) {
            // all to partition 0, so offsets are 0, 1, 2
            producer.send(new ProducerRecord<>(topic, 0, "k", garbage)).get();
            producer.send(new ProducerRecord<>(topic, 0, "k", truncated)).get();
            producer.send(new ProducerRecord<>(topic, 0, "k", good)).get();
        }

        try (var consumer = new KafkaConsumer<>(consumerProps(kafka), new StringDeserializer(),
                new KafkaAvroDeserializer<>(TerminalPayment.class))) {
            TopicPartition p0 = new TopicPartition(topic, 0);
            consumer.assign(List.of(p0));
            consumer.seekToBeginning(List.of(p0));

            List<AvroDecodeException.Reason> refusals = new ArrayList<>();
            List<Long> refusedOffsets = new ArrayList<>();
            List<TerminalPayment> decoded = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (decoded.isEmpty() && System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> decoded.add(r.value()));
                } catch (RecordDeserializationException e) {
                    var failure = catchThrowableOfType(KafkaAvroDeserializer.Failure.class, () -> {
                        throw e.getCause();
                    });
                    refusals.add(failure.decodeError().reason());
                    refusedOffsets.add(e.offset());
                    consumer.seek(e.topicPartition(), e.offset() + 1); // skip it, as a job routes it to rejections
                }
            }
            assertThat(refusals).containsExactly(AvroDecodeException.Reason.BAD_HEADER,
                    AvroDecodeException.Reason.TRUNCATED);
            assertThat(refusedOffsets).containsExactly(0L, 1L);
            assertThat(decoded).extracting(TerminalPayment::getTxId).containsExactly("tx-ok");
        }
    }

    private static <V> List<ConsumerRecord<String, V>> pollAll(KafkaConsumer<String, V> consumer, String topic, int n) {
        consumer.subscribe(List.of(topic));
        List<ConsumerRecord<String, V>> got = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (got.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(got::add);
        }
        return got;
    }

    private static Properties producerProps(KafkaBroker kafka) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    private static Properties consumerProps(KafkaBroker kafka) {
        Properties c = new Properties();
        c.putAll(kafka.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return c;
    }

    private static String namespace() {
        return "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
