package io.aot.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.schemas.registry.SchemaCatalog;
import java.util.Arrays;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void namesAreUniqueVersionedAndNamespaced() {
        assertThat(Arrays.stream(Topic.values()).map(Topic::baseName)).doesNotHaveDuplicates()
                .allSatisfy(n -> assertThat(n).matches("aot\\.[a-z.]+\\.v\\d+"));
        assertThat(Topic.TERMINAL_TX.nameIn("")).isEqualTo("aot.terminal.tx.v1");
        assertThat(Topic.TERMINAL_TX.nameIn("it42")).isEqualTo("it42.aot.terminal.tx.v1");
    }

    @Test
    void everyValueTypeIsACatalogRecordWithAReleaseHistory() {
        for (Topic topic : Topic.values()) {
            assertThat(SchemaCatalog.records()).contains(SpecificData.get().getSchema(topic.valueType()));
        }
    }

    @Test
    void topicConfigsFollowTheCatalog() {
        NewTopic optOut = TopicAdmin.newTopic(Topic.ADS_OPT_OUT, "", (short) 3);
        assertThat(optOut.configs()).containsEntry("cleanup.policy", "compact").containsEntry("retention.ms", "-1")
                .containsEntry("min.insync.replicas", "2");
        NewTopic terminal = TopicAdmin.newTopic(Topic.TERMINAL_TX, "ns", (short) 1);
        assertThat(terminal.name()).isEqualTo("ns.aot.terminal.tx.v1");
        assertThat(terminal.numPartitions()).isEqualTo(12);
        assertThat(terminal.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000))
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("message.timestamp.type", "CreateTime")
                .containsEntry("message.timestamp.before.max.ms", Long.toString(3L * 24 * 3600 * 1000));
        // The bound leaves a record that was accepted days to be read before retention deletes it.
        assertThat(Topic.TERMINAL_TX.retention().minus(Topic.MAX_RECORD_TIMESTAMP_AGE)).isGreaterThanOrEqualTo(
                java.time.Duration.ofDays(4));
        for (Topic topic : Topic.values()) {
            if (!topic.producerTimed()) {
                assertThat(TopicAdmin.newTopic(topic, "", (short) 1).configs())
                        .containsEntry("message.timestamp.type", "LogAppendTime");
            }
        }
    }
}
