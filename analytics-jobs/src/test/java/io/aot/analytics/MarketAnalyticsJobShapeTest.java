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
        // Issue #18 item 6: keyed state's max parallelism fixed; state and record types serialized without Kryo.
        io.aot.jobs.deploy.JobGraphChecks.keyedOperatorsFixTheirMaxParallelism(graph);
        io.aot.jobs.deploy.JobGraphChecks.serializeWithoutKryo(io.aot.analytics.aggregate.Totals.class,
                io.aot.analytics.alert.CustomerPatternFunction.Seen.class, io.aot.analytics.model.MarketEvent.class,
                io.aot.analytics.aggregate.Fact.class);
        assertThat(MarketAnalyticsJob.defaults(s).applyTo(new StreamExecutionEnvironment(new Configuration()))
                .getCheckpointConfig().getCheckpointInterval()).isEqualTo(s.checkpointIntervalMs());
    }
}
