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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTimestampException;
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

    /**
     * Retention counts from a record's timestamp: a record stamped longer ago than the retention used to be accepted
     * and then deleted unread by the next retention check (the demo lost a tenth of its payments that way once its
     * simulated day was a week old). Producer-timed topics now refuse such stamps at the produce call; the others
     * take the broker's append time, so retention counts from the write.
     */
    @Test
    void aRecordThatRetentionWouldDeleteUnreadIsRefusedOrRestamped(KafkaBroker kafka) throws Exception {
        String ns = namespace();
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ensureTopics(admin, ns, (short) 1, TIMEOUT);
        }
        long now = System.currentTimeMillis();
        long eightDaysAgo = now - Duration.ofDays(8).toMillis();
        byte[] value = AvroCodec.of(TerminalPayment.class).encode(SampleRecords.cardPayment("tx-old", 1));
        try (var producer = new KafkaProducer<>(producerProps(kafka), new StringSerializer(), new ByteArraySerializer())) {
            String terminal = Topic.TERMINAL_TX.nameIn(ns);
            var tooOld = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(terminal, 0, eightDaysAgo, "k", value)).get());
            assertThat(tooOld.getCause()).isInstanceOf(InvalidTimestampException.class);
            var tooNew = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(terminal, 0, now + Duration.ofHours(2).toMillis(), "k",
                            value)).get());
            assertThat(tooNew.getCause()).isInstanceOf(InvalidTimestampException.class);
            long yesterday = now - Duration.ofDays(1).toMillis();
            assertThat(producer.send(new ProducerRecord<>(terminal, 0, yesterday, "k", value)).get().timestamp())
                    .isEqualTo(yesterday);

            String committed = Topic.LEDGER_COMMITTED.nameIn(ns);
            var appended = producer.send(new ProducerRecord<>(committed, 0, eightDaysAgo, "k", value)).get();
            assertThat(appended.timestamp()).isGreaterThanOrEqualTo(now - 60_000);
        }
    }

    /** A topic created before the timestamp settings existed gets them from the next {@code ensureTopics}. */
    @Test
    void existingTopicsTakeTheCatalogsTimestampSettings(KafkaBroker kafka) throws Exception {
        String ns = namespace();
        String terminal = Topic.TERMINAL_TX.nameIn(ns);
        String committed = Topic.LEDGER_COMMITTED.nameIn(ns);
        try (Admin admin = kafka.newAdmin()) {
            admin.createTopics(List.of(new NewTopic(terminal, 12, (short) 1), new NewTopic(committed, 12, (short) 1)))
                    .all().get();
            TopicAdmin.ensureTopics(admin, ns, (short) 1, TIMEOUT);
            var t = new ConfigResource(ConfigResource.Type.TOPIC, terminal);
            var c = new ConfigResource(ConfigResource.Type.TOPIC, committed);
            // The brokers apply an altered config when they replay it from the metadata log: a moment after the ack.
            var configs = admin.describeConfigs(List.of(t, c)).all().get();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while ((!"LogAppendTime".equals(configs.get(c).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value())
                    || "9223372036854775807".equals(configs.get(t).get(TopicAdmin.MESSAGE_TIMESTAMP_BEFORE_MAX_MS).value()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
                configs = admin.describeConfigs(List.of(t, c)).all().get();
            }
            assertThat(configs.get(t).get(TopicAdmin.MESSAGE_TIMESTAMP_BEFORE_MAX_MS).value())
                    .isEqualTo(Long.toString(Topic.MAX_RECORD_TIMESTAMP_AGE.toMillis()));
            assertThat(configs.get(c).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value())
                    .isEqualTo("LogAppendTime");
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
