package io.aot.localstack.junit;

import io.aot.localstack.CassandraNode;
import io.aot.localstack.KafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The servers of one test JVM, kept in JUnit's root store: created at most once, closed when the root context closes
 * (the end of the run). The child processes' own watchdog and this JVM's shutdown hook cover a crashed run.
 */
final class SharedServers {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServers.class);

    private SharedServers() {
    }

    static KafkaBroker kafka(ExtensionContext context) {
        return store(context).getOrComputeIfAbsent("kafka", k -> new Closing(KafkaBroker.start()), Closing.class)
                .server(KafkaBroker.class);
    }

    static CassandraNode cassandra(ExtensionContext context) {
        return store(context).getOrComputeIfAbsent("cassandra", k -> new Closing(CassandraNode.start()), Closing.class)
                .server(CassandraNode.class);
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE);
    }

    /** Adapts a server to JUnit's closeable store values. */
    @SuppressWarnings("deprecation") // CloseableResource: AutoCloseable store values need JUnit 5.13+ opt-in
    private record Closing(AutoCloseable value) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        <T> T server(Class<T> type) {
            return type.cast(value);
        }

        @Override
        public void close() throws Exception {
            value.close();
        }
    }
}
