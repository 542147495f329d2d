package io.aot.cli.stack;

import io.aot.localstack.LocalStack;
import io.aot.schemas.topics.Topic;
import java.io.PrintStream;

/** What the user needs to see about a running stack. */
final class StackReport {

    private StackReport() {
    }

    static void servers(PrintStream out, LocalStack stack) {
        out.printf("  kafka      %-16s up in %5.1f s, RSS %5d MiB, pid %d, data %s%n", stack.kafka().bootstrapServers(),
                stack.kafka().startupTime().toMillis() / 1000.0, stack.kafka().residentMemoryMib(), stack.kafka().pid(),
                stack.kafka().dataDir());
        out.printf("  cassandra  %-16s up in %5.1f s, RSS %5d MiB, pid %d, data %s%n", stack.cassandra().contactPoint(),
                stack.cassandra().startupTime().toMillis() / 1000.0, stack.cassandra().residentMemoryMib(),
                stack.cassandra().pid(), stack.cassandra().dataDir());
    }

    static void howToConnect(PrintStream out, LocalStack stack, String namespace) {
        out.println("Connect:");
        out.println("  Kafka bootstrap servers  " + stack.kafka().bootstrapServers()
                + "   e.g. kafka-console-consumer.sh --bootstrap-server " + stack.kafka().bootstrapServers()
                + " --topic " + Topic.TX_REJECTED.nameIn(namespace) + " --from-beginning");
        out.println("  Cassandra contact point  " + stack.cassandra().contactPoint()
                + "   (local data center " + io.aot.localstack.CassandraNode.LOCAL_DATACENTER + ")   e.g. cqlsh 127.0.0.1 "
                + stack.cassandra().nativePort());
    }
}
