package io.aot.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.jobs.ingest.IngestSettings;
import io.aot.jobs.ingest.LedgerIngestJob;
import io.aot.jobs.ingest.TestFleet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Issue #18 item 5: the deployment's settings win; a job's defaults fill only what it left open. */
class JobDefaultsTest {

    private static final JobDefaults DEFAULTS = new JobDefaults(2, 1_000, true, "file:///tmp/aot-checkpoints");

    @Test
    void fillsWhatTheDeploymentLeftOpen() {
        StreamExecutionEnvironment env = DEFAULTS.applyTo(new StreamExecutionEnvironment(new Configuration()));
        assertThat(env.getParallelism()).isEqualTo(2);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(1_000);
        assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
        assertThat(env.getCheckpointConfig().getCheckpointStorage()).isNotNull();
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();
    }

    @Test
    void neverOverridesWhatTheDeploymentSet() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 3); // flink run -p 3
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, java.time.Duration.ofSeconds(7));
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///cluster/checkpoints");
        conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, true);
        StreamExecutionEnvironment env = DEFAULTS.applyTo(new StreamExecutionEnvironment(conf));
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7_000);
        assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///cluster/checkpoints");
        assertThat(env.getConfig().hasGenericTypesDisabled()).isFalse();
    }

    /** Building the pipeline adds operators only (it used to set parallelism 2 and enable checkpointing). */
    @Test
    void theIngestPipelineLeavesTheClusterSettingsAlone() {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        env.setParallelism(5);
        env.getConfig().disableGenericTypes(); // a type Flink would hand to Kryo fails the graph's serializers here
        IngestSettings s = IngestSettings.fromArgs(new String[] {"--chain-id", "aot-test",
            "--validators", "127.0.0.1:1", "--endorser-seed-hex", "00".repeat(32), "--parallelism", "2"});
        LedgerIngestJob.wire(env, s, LedgerIngestJob.kafkaSource(s), LedgerIngestJob.consensusSink(s),
                LedgerIngestJob.rejectionSink(s), TestFleet.directory(1));
        assertThat(env.getParallelism()).isEqualTo(5);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        var graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes()).isNotEmpty();
        // Issue #18 item 6: every operator with keyed state names its max parallelism (the state's key-group layout).
        assertThat(graph.getStreamNodes()).filteredOn(n -> n.getStatePartitioners().length > 0)
                .isNotEmpty().allSatisfy(n -> assertThat(maxParallelism(n)).as(n.getOperatorName())
                        .isEqualTo(io.aot.jobs.deploy.JobDefaults.MAX_PARALLELISM));
        // State and record types have schema-aware serializers, so JobDefaults can turn Kryo off.
        for (Class<?> type : new Class<?>[] {io.aot.jobs.ingest.model.LedgerTx.class,
            io.aot.jobs.ingest.model.SourceRecord.class}) {
            var info = org.apache.flink.api.common.typeinfo.TypeInformation.of(type);
            assertThat(info).as(type.getName()).isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
            var noKryo = new org.apache.flink.api.common.ExecutionConfig();
            noKryo.disableGenericTypes(); // a field Flink would hand to Kryo fails here
            org.assertj.core.api.Assertions.assertThatCode(() -> info.createSerializer(noKryo.getSerializerConfig()))
                    .as(type.getName()).doesNotThrowAnyException();
        }
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
