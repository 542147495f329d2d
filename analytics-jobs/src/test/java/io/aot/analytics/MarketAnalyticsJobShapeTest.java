package io.aot.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.jobs.kafka.LedgerTopicSinks;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Issue #18 item 5: building the pipeline adds operators only; parallelism and checkpoints are the deployment's. */
class MarketAnalyticsJobShapeTest {

    @Test
    void thePipelineLeavesTheClusterSettingsAlone() {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        env.setParallelism(5);
        env.getConfig().disableGenericTypes(); // a type Flink would hand to Kryo fails the graph's serializers here
        AnalyticsSettings s = AnalyticsSettings.local("127.0.0.1:1", "127.0.0.1:1");
        MarketAnalyticsJob.wire(env, s, MarketAnalyticsJob.kafkaSource(s),
                LedgerTopicSinks.rejections("127.0.0.1:1", s.rejectedTopic()),
                MarketAnalyticsJob.alertSink("127.0.0.1:1", "alerts"), (rows, table) -> rows.print());
        assertThat(env.getParallelism()).isEqualTo(5);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        var graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes()).isNotEmpty();
        // Issue #18 item 6: every operator with keyed state names its max parallelism (the state's key-group layout).
        assertThat(graph.getStreamNodes()).filteredOn(n -> n.getStatePartitioners().length > 0)
                .isNotEmpty().allSatisfy(n -> assertThat(maxParallelism(n)).as(n.getOperatorName())
                        .isEqualTo(io.aot.jobs.deploy.JobDefaults.MAX_PARALLELISM));
        for (Class<?> type : new Class<?>[] {io.aot.analytics.aggregate.Totals.class,
            io.aot.analytics.alert.CustomerPatternFunction.Seen.class, io.aot.analytics.model.MarketEvent.class,
            io.aot.analytics.aggregate.Fact.class}) {
            var info = org.apache.flink.api.common.typeinfo.TypeInformation.of(type);
            assertThat(info).as(type.getName()).isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
            var noKryo = new org.apache.flink.api.common.ExecutionConfig();
            noKryo.disableGenericTypes(); // a field Flink would hand to Kryo fails here
            org.assertj.core.api.Assertions.assertThatCode(() -> info.createSerializer(noKryo.getSerializerConfig()))
                    .as(type.getName()).doesNotThrowAnyException();
        }
        assertThat(MarketAnalyticsJob.defaults(s).applyTo(new StreamExecutionEnvironment(new Configuration()))
                .getCheckpointConfig().getCheckpointInterval()).isEqualTo(s.checkpointIntervalMs());
    }

    /** StreamNode keeps it package-private; the job graph would show only chain heads. */
    private static int maxParallelism(org.apache.flink.streaming.api.graph.StreamNode node) {
        try {
            var getter = org.apache.flink.streaming.api.graph.StreamNode.class.getDeclaredMethod("getMaxParallelism");
            getter.setAccessible(true);
            return (int) getter.invoke(node);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
