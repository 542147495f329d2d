package io.aot.localstack.junit;

import io.aot.localstack.CassandraNode;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a real Cassandra node: {@code @ExtendWith(CassandraExtension.class)}, then take a
 * {@link CassandraNode} parameter. One node per test JVM, started on first use and stopped when the JUnit run ends.
 * Tests isolate themselves by keyspace names.
 */
public final class CassandraExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CassandraNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedServers.cassandra(context);
    }
}
