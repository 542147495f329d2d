package io.aot.localstack.junit;

import io.aot.localstack.KafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a real Kafka broker: {@code @ExtendWith(KafkaExtension.class)}, then take a {@link KafkaBroker}
 * parameter. One broker per test JVM, started on first use and stopped when the JUnit run ends. Tests isolate
 * themselves by topic names (a namespace of their own), never by restarting the broker.
 */
public final class KafkaExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedServers.kafka(context);
    }
}
