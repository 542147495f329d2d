package io.aot.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.jobs.kafka.LedgerTopicSinks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #18 item 5: building the pipeline adds operators only; parallelism and checkpoints are the deployment's. */
class AudienceJobShapeTest {

    @Test
    void thePipelineLeavesTheClusterSettingsAlone(@TempDir Path dir) throws Exception {
        Path segments = dir.resolve("segments.json");
        try (var in = AudienceJob.class.getResourceAsStream("/io/aot/ads/segments.json")) {
            Files.write(segments, in.readAllBytes());
        }
        AudienceSettings s = AudienceSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--demo", "--segments",
            segments.toString(), "--bootstrap-servers", "127.0.0.1:1", "--checkpoint-dir", dir.toUri().toString()}));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        env.setParallelism(5);
        env.getConfig().disableGenericTypes(); // a type Flink would hand to Kryo fails the graph's serializers here
        AudienceJob.wire(env, s, AudienceJob.committedSource(s), AudienceJob.optOutSource(s),
                AudienceJob.catalogSource(s), LedgerTopicSinks.rejections("127.0.0.1:1", s.rejectedTopic()),
                AudienceJob.changeSink("127.0.0.1:1", s.segmentsTopic()), (rows, table) -> rows.print());
        assertThat(env.getParallelism()).isEqualTo(5);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        var graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes()).isNotEmpty();
        // Issue #18 item 6: keyed state's max parallelism fixed; state and record types serialized without Kryo.
        io.aot.jobs.deploy.JobGraphChecks.keyedOperatorsFixTheirMaxParallelism(graph);
        io.aot.jobs.deploy.JobGraphChecks.serializeWithoutKryo(io.aot.ads.rfm.RfmDistribution.class,
                io.aot.ads.rfm.RfmQuintiles.class, io.aot.ads.profile.CustomerProfile.class, io.aot.ads.segment.AudienceControl.class,
                io.aot.ads.segment.MemberState.class);
        assertThat(AudienceJob.defaults(s).applyTo(new StreamExecutionEnvironment(new Configuration()))
                .getCheckpointConfig().getCheckpointStorage()).isNotNull();
    }
}
