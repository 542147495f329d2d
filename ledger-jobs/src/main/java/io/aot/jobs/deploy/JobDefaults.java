package io.aot.jobs.deploy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
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
 *   <li>the keyed state backend: {@code keyedState} unless {@code state.backend.type} is configured. RocksDB (with
 *       incremental checkpoints) for the jobs whose keyed state grows with customers and terminals (the ingest job's
 *       dedupe ids, the audience job's profiles): on the heap they grew until the TaskManager ran out of memory and
 *       every checkpoint copied all of it; the heap (hashmap) for the jobs whose state is small and hot (the store
 *       job's balances, the analytics windows), where RocksDB would add a serialization per access. A deployment
 *       changes it with {@code -Dstate.backend.type=...}; a savepoint restores into either (canonical format);
 *   <li>no generic (Kryo) types unless {@code pipeline.generic-types} is configured: every record and state type has
 *       a serializer that knows its schema (Avro, POJO, Row, tuples; the jobs' shape tests check them), so a type
 *       that would fall back to Kryo fails at submission instead of writing state the next build cannot read.
 * </ul>
 */
public record JobDefaults(int parallelism, long checkpointIntervalMs, boolean unalignedCheckpoints,
        String checkpointDir, KeyedState keyedState) {

    /** Where a job's keyed state lives by default ({@code state.backend.type}). */
    public enum KeyedState {
        /** {@code hashmap}: objects on the TaskManager's heap. */
        HEAP("hashmap"),
        /** {@code rocksdb}: serialized on local disk, incremental checkpoints. */
        ROCKSDB("rocksdb");

        private final String configValue;

        KeyedState(String configValue) {
            this.configValue = configValue;
        }

        public String configValue() {
            return configValue;
        }
    }

    /**
     * The max parallelism of every operator with keyed state, set by the pipelines themselves: it fixes how keys map to
     * key groups in checkpoints and savepoints, so it is part of the state's layout, not a deployment setting, and it
     * must never change under a running job (a savepoint restores only into the same value). 128 is what Flink derived
     * for these jobs' parallelism before it was explicit, so their existing savepoints still restore; it caps how far a
     * job can rescale (up to 128 subtasks).
     */
    public static final int MAX_PARALLELISM = 128;

    /** Keyed state on the heap. */
    public JobDefaults(int parallelism, long checkpointIntervalMs, boolean unalignedCheckpoints, String checkpointDir) {
        this(parallelism, checkpointIntervalMs, unalignedCheckpoints, checkpointDir, KeyedState.HEAP);
    }

    public JobDefaults {
        if (keyedState == null) {
            throw new IllegalArgumentException("a keyed state backend is required");
        }
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
        if (conf.getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
            Configuration backend = new Configuration();
            backend.set(StateBackendOptions.STATE_BACKEND, keyedState.configValue());
            if (keyedState == KeyedState.ROCKSDB && conf.getOptional(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)
                    .isEmpty()) {
                backend.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true); // a checkpoint uploads what changed
            }
            env.configure(backend, JobDefaults.class.getClassLoader());
        }
        if (conf.getOptional(PipelineOptions.GENERIC_TYPES).isEmpty()) {
            env.getConfig().disableGenericTypes();
        }
        return env;
    }
}
