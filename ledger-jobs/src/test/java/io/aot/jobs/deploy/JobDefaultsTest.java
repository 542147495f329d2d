package io.aot.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aot.jobs.ingest.IngestSettings;
import io.aot.jobs.ingest.LedgerIngestJob;
import io.aot.jobs.ingest.TestFleet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateBackendOptions;
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
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    }

    /** Issue #18 item 6: the jobs whose keyed state grows with customers and terminals keep it in RocksDB. */
    @Test
    void theIngestAndAudienceJobsKeepTheirKeyedStateInRocksDb() throws Exception {
        JobDefaults rocks = new JobDefaults(2, 1_000, true, null, JobDefaults.KeyedState.ROCKSDB);
        StreamExecutionEnvironment env = rocks.applyTo(new StreamExecutionEnvironment(new Configuration()));
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(org.apache.flink.runtime.state.StateBackendLoader.loadStateBackendFromConfig(
                env.getConfiguration(), getClass().getClassLoader(), null))
                .as("what a TaskManager loads from the job's configuration")
                .isInstanceOf(org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend.class);
        IngestSettings s = IngestSettings.fromArgs(new String[] {"--chain-id", "aot-test",
            "--validators", "127.0.0.1:1", "--endorser-seed-hex", "00".repeat(32)});
        assertThat(LedgerIngestJob.defaults(s).keyedState()).isEqualTo(JobDefaults.KeyedState.ROCKSDB);
    }

    @Test
    void neverOverridesWhatTheDeploymentSet() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 3); // flink run -p 3
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, java.time.Duration.ofSeconds(7));
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///cluster/checkpoints");
        conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, true);
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        StreamExecutionEnvironment env = new JobDefaults(2, 1_000, true, "file:///tmp/aot-checkpoints",
                JobDefaults.KeyedState.ROCKSDB).applyTo(new StreamExecutionEnvironment(conf));
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7_000);
        assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///cluster/checkpoints");
        assertThat(env.getConfig().hasGenericTypesDisabled()).isFalse();
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
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
        // Issue #18 item 6: keyed state's max parallelism fixed; state and record types serialized without Kryo.
        io.aot.jobs.deploy.JobGraphChecks.keyedOperatorsFixTheirMaxParallelism(graph);
        io.aot.jobs.deploy.JobGraphChecks.serializeWithoutKryo(io.aot.jobs.ingest.model.LedgerTx.class, io.aot.jobs.ingest.model.SourceRecord.class);
    }
}
