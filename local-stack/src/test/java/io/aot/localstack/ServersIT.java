package io.aot.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.aot.localstack.junit.CassandraExtension;
import io.aot.localstack.junit.KafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real servers come up, serve a client, and report what they cost. */
@ExtendWith({KafkaExtension.class, CassandraExtension.class})
class ServersIT {

    @Test
    void kafkaBrokerServesProduceAndConsume(KafkaBroker kafka) throws Exception {
        String topic = "localstack-it-" + UUID.randomUUID();
        try (Admin admin = kafka.newAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
        }
        Properties c = new Properties();
        c.putAll(kafka.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            ConsumerRecord<String, String> got = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got == null && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    got = r;
                }
            }
            assertThat(got).isNotNull();
            assertThat(got.value()).isEqualTo("hello");
        }
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        System.out.printf("kafka: started in %d ms, RSS %d MiB%n", kafka.startupTime().toMillis(),
                kafka.residentMemoryMib());
    }

    @Test
    void cassandraNodeServesCql(CassandraNode cassandra) {
        try (CqlSession session = cassandra.newSession()) {
            String version = session.execute("SELECT release_version FROM system.local").one().getString(0);
            assertThat(version).startsWith("5.0");
            String ks = "localstack_it_" + Long.toHexString(System.nanoTime());
            session.execute("CREATE KEYSPACE " + ks
                    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE " + ks + ".t (k text PRIMARY KEY, v int)");
            session.execute("INSERT INTO " + ks + ".t (k, v) VALUES ('a', 42)");
            assertThat(session.execute("SELECT v FROM " + ks + ".t WHERE k = 'a'").one().getInt(0)).isEqualTo(42);
            session.execute("DROP KEYSPACE " + ks);
        }
        assertThat(cassandra.contactPoint()).startsWith("127.0.0.1:");
        System.out.printf("cassandra: started in %d ms, RSS %d MiB%n", cassandra.startupTime().toMillis(),
                cassandra.residentMemoryMib());
    }

    @Test
    void sameServersAreSharedWithinTheTestJvm(KafkaBroker a, CassandraNode b, KafkaBroker c) {
        assertThat(a).isSameAs(c);
        assertThat(a.isAlive()).isTrue();
        assertThat(b.isAlive()).isTrue();
        assertThat(Map.of("kafka", a.pid(), "cassandra", b.pid())).doesNotContainValue(ProcessHandle.current().pid());
    }
}
