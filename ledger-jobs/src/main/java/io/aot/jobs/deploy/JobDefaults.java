package io.aot.jobs.deploy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The cluster settings a job's {@code main} fills in where its deployment gave none. A pipeline builder ({@code wire})
 * never sets parallelism, checkpointing or checkpoint storage: those belong to the deployment, so {@code flink run -p},
 * {@code -D} options and the cluster's configuration always win over these defaults.
 *
 * <ul>
 *   <li>parallelism: {@code parallelism} (the job's {@code --parallelism}) only when the configuration has no
 *       {@code parallelism.default}, as in a run from an IDE; on a cluster, {@code flink run -p N};
 *   <li>checkpointing: exactly once every {@code checkpointIntervalMs} ({@code --checkpoint-interval-ms}) unless
 *       {@code execution.checkpointing.interval} is configured (every job commits its outputs at checkpoints);
 *   <li>unaligned checkpoints, when {@code unalignedCheckpoints}, unless
 *       {@code execution.checkpointing.unaligned.enabled} is configured: under back-pressure an aligned barrier waited
 *       40 s behind buffered records in the pipeline benchmark, and the jobs' outputs only move at checkpoints;
 *   <li>checkpoint storage: {@code checkpointDir} ({@code --checkpoint-dir}, a URI) unless
 *       {@code execution.checkpointing.dir} is configured; null leaves Flink's default;
 *   <li>no generic (Kryo) types unless {@code pipeline.generic-types} is configured: every record and state type has
 *       a serializer that knows its schema (Avro, POJO, Row, tuples; the jobs' shape tests check them), so a type
 *       that would fall back to Kryo fails at submission instead of writing state the next build cannot read.
 * </ul>
 */
public record JobDefaults(int parallelism, long checkpointIntervalMs, boolean unalignedCheckpoints,
        String checkpointDir) {

    /**
     * The max parallelism of every operator with keyed state, set by the pipelines themselves: it fixes how keys map to
     * key groups in checkpoints and savepoints, so it is part of the state's layout, not a deployment setting, and it
     * must never change under a running job (a savepoint restores only into the same value). 128 is what Flink derived
     * for these jobs' parallelism before it was explicit, so their existing savepoints still restore; it caps how far a
     * job can rescale (up to 128 subtasks).
     */
    public static final int MAX_PARALLELISM = 128;

    public JobDefaults {
        if (parallelism < 1 || checkpointIntervalMs < 10) {
            throw new IllegalArgumentException("parallelism >= 1 and checkpoint interval >= 10 ms required, got "
                    + parallelism + " and " + checkpointIntervalMs + " ms");
        }
    }

    /** Applies the defaults the configuration of {@code env} leaves open; returns {@code env}. */
    public StreamExecutionEnvironment applyTo(StreamExecutionEnvironment env) {
        ReadableConfig conf = env.getConfiguration();
        if (conf.getOptional(CoreOptions.DEFAULT_PARALLELISM).isEmpty()) {
            env.setParallelism(parallelism);
        }
        if (conf.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        }
        if (unalignedCheckpoints && conf.getOptional(CheckpointingOptions.ENABLE_UNALIGNED).isEmpty()) {
            env.getCheckpointConfig().enableUnalignedCheckpoints();
        }
        if (checkpointDir != null && conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            env.getCheckpointConfig().setCheckpointStorage(checkpointDir);
        }
        if (conf.getOptional(PipelineOptions.GENERIC_TYPES).isEmpty()) {
            env.getConfig().disableGenericTypes();
        }
        return env;
    }
}
