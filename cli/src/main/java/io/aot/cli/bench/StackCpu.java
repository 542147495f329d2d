package io.aot.cli.bench;

import io.aot.localstack.ChildProcess;
import io.aot.localstack.LocalStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU used by each process of a benchmark's stack since this was made, in cores (CPU seconds per wall second): the
 * Flink MiniCluster (this JVM), Kafka, Cassandra and any validators.
 */
final class StackCpu {

    private final LocalStack stack;
    private final List<ChildProcess> validators;
    private final long t0 = System.nanoTime();
    private final long self0 = ProcessCpu.millis(ProcessHandle.current().pid());
    private final long kafka0;
    private final long cassandra0;
    private final long validators0;

    StackCpu(LocalStack stack, List<ChildProcess> validators) {
        this.stack = stack;
        this.validators = validators;
        this.kafka0 = ProcessCpu.millis(stack.kafka().pid());
        this.cassandra0 = ProcessCpu.millis(stack.cassandra().pid());
        this.validators0 = validators.stream().mapToLong(v -> ProcessCpu.millis(v.pid())).sum();
    }

    Map<String, Object> coresSince() {
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores_flink_minicluster_jvm",
                BenchResults.round((ProcessCpu.millis(ProcessHandle.current().pid()) - self0) / 1000.0 / secs));
        if (!validators.isEmpty()) {
            m.put("cores_" + validators.size() + "_validators", BenchResults.round((validators.stream()
                    .mapToLong(v -> ProcessCpu.millis(v.pid())).sum() - validators0) / 1000.0 / secs));
        }
        m.put("cores_kafka", BenchResults.round((ProcessCpu.millis(stack.kafka().pid()) - kafka0) / 1000.0 / secs));
        m.put("cores_cassandra",
                BenchResults.round((ProcessCpu.millis(stack.cassandra().pid()) - cassandra0) / 1000.0 / secs));
        return m;
    }
}
